#!/usr/bin/env python3
"""Writes a tiny Piper-shaped voice for tests: VOICE.onnx plus VOICE.onnx.json.

The ONNX graph has Piper's inputs (input int64 [1,N], input_lengths int64 [1], scales float [3], and with
--speakers > 1 also sid int64 [1]) and output (float [1,1,1,T]). It makes a 220 Hz tone whose length is
input_lengths * 256 * length_scale samples and whose amplitude is 0.1 * (sid + 1), so tests can check
that the engine passes the phoneme count, the length scale and the speaker through.

Usage: make_piper_test_voice.py OUT_DIR NAME [--speakers N]
Needs protoc and the Python protobuf runtime; onnx.proto comes from the libonnx-dev package.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile


def load_onnx_classes(work_dir):
    proto_dir = "/usr/include/onnx"
    if not os.path.exists(os.path.join(proto_dir, "onnx.proto")):
        sys.exit("onnx.proto not found in /usr/include/onnx: install libonnx-dev")
    subprocess.run(["protoc", "-I", proto_dir, "--python_out", work_dir, os.path.join(proto_dir, "onnx.proto")],
                   check=True)
    sys.path.insert(0, work_dir)
    import onnx_pb2  # noqa: E402 (generated above)
    return onnx_pb2


def build_model(onnx, speakers):
    FLOAT, INT64 = onnx.TensorProto.FLOAT, onnx.TensorProto.INT64
    graph = onnx.GraphProto(name="piper_test_voice")

    def value_info(name, elem_type, dims):
        info = onnx.ValueInfoProto(name=name)
        info.type.tensor_type.elem_type = elem_type
        for dim in dims:
            d = info.type.tensor_type.shape.dim.add()
            if isinstance(dim, str):
                d.dim_param = dim
            else:
                d.dim_value = dim
        return info

    def const(name, elem_type, values, dims=None):
        tensor = onnx.TensorProto(name=name, data_type=elem_type)
        tensor.dims.extend([len(values)] if dims is None else dims)
        if elem_type == FLOAT:
            tensor.float_data.extend(values)
        else:
            tensor.int64_data.extend(values)
        graph.initializer.append(tensor)
        return name

    def node(op, inputs, output, **attrs):
        n = onnx.NodeProto(op_type=op, name=output + "_node")
        n.input.extend(inputs)
        n.output.append(output)
        for key, value in attrs.items():
            attr = n.attribute.add(name=key)
            if isinstance(value, int):
                attr.type = onnx.AttributeProto.INT
                attr.i = value
            else:
                attr.type = onnx.AttributeProto.TENSOR
                attr.t.CopyFrom(value)
        graph.node.append(n)
        return output

    graph.input.append(value_info("input", INT64, [1, "phonemes"]))
    graph.input.append(value_info("input_lengths", INT64, [1]))
    graph.input.append(value_info("scales", FLOAT, [3]))
    if speakers > 1:
        graph.input.append(value_info("sid", INT64, [1]))
    graph.output.append(value_info("output", FLOAT, [1, 1, 1, "time"]))

    length = node("Cast", ["input_lengths"], "length_f", to=FLOAT)
    length_scale = node("Slice", ["scales", const("one_i", INT64, [1]), const("two_i", INT64, [2]),
                                  const("zero_i", INT64, [0])], "length_scale")
    frames = node("Mul", [length, length_scale], "frames")
    samples_f = node("Mul", [frames, const("hop", FLOAT, [256.0])], "samples_f")
    samples = node("Cast", [samples_f], "samples", to=INT64)
    shape = node("Concat", [const("lead_dims", INT64, [1, 1, 1]), samples], "out_shape", axis=0)
    fill = onnx.TensorProto(name="fill", data_type=FLOAT, dims=[1], float_data=[1.0])
    ones = node("ConstantOfShape", [shape], "ones", value=fill)
    index = node("CumSum", [ones, const("time_axis", INT64, [3], dims=[])], "index")
    phase = node("Mul", [index, const("omega", FLOAT, [2.0 * math.pi * 220.0 / 22050.0])], "phase")
    tone = node("Sin", [phase], "tone")
    if speakers > 1:
        sid_f = node("Cast", ["sid"], "sid_f", to=FLOAT)
        level = node("Mul", [node("Add", [sid_f, const("one_f", FLOAT, [1.0])], "sid_plus_one"),
                             const("tenth", FLOAT, [0.1])], "level")
    else:
        level = const("level_c", FLOAT, [0.1])
    node("Mul", [tone, level], "output")

    model = onnx.ModelProto(ir_version=8, producer_name="localvoice-tests", graph=graph)
    model.opset_import.add(domain="", version=13)
    return model


# IPA symbols of Piper's English voices (a subset of the published phoneme_id_map, same conventions).
IPA = ("\u00e6\u00e7\u00f0\u00f8\u0127\u014b\u0153\u0250\u0251\u0252\u0253\u0254\u0255\u0256\u0257\u0258\u0259"
       "\u025a\u025b\u025c\u025e\u025f\u0260\u0261\u0262\u0263\u0264\u0265\u0266\u0267\u0268\u026a\u026b\u026c"
       "\u026d\u026e\u026f\u0270\u0271\u0272\u0273\u0274\u0275\u0276\u0278\u0279\u027a\u027b\u027d\u027e\u0280"
       "\u0281\u0282\u0283\u0284\u0288\u0289\u028a\u028b\u028c\u028d\u028e\u028f\u0290\u0291\u0292\u0294\u0295"
       "\u0298\u0299\u029b\u029c\u029d\u029f\u02a1\u02a2\u02b2\u02c8\u02cc\u02d0\u02d1\u02de\u03b2\u03b8\u03c7"
       "\u1d7b\u2c71\u0303")


def build_config(speakers):
    symbols = ["_", "^", "$", " ", "!", "'", "(", ")", ",", "-", ".", ":", ";", "?"]
    symbols += [chr(c) for c in range(ord("a"), ord("z") + 1)]
    symbols += list(IPA)
    return {
        "dataset": "localvoice_test",
        "audio": {"sample_rate": 22050, "quality": "x_low"},
        "espeak": {"voice": "en-us"},
        "language": {"code": "en_US", "family": "en", "region": "US", "name_native": "English",
                     "name_english": "English", "country_english": "United States"},
        "inference": {"noise_scale": 0.667, "length_scale": 1, "noise_w": 0.8},
        "phoneme_type": "espeak",
        "phoneme_map": {},
        "phoneme_id_map": {symbol: [i] for i, symbol in enumerate(symbols)},
        "num_symbols": 256,
        "num_speakers": speakers,
        "speaker_id_map": {} if speakers <= 1 else {f"speaker_{i}": i for i in range(speakers)},
        "piper_version": "1.0.0",
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out_dir")
    parser.add_argument("name")
    parser.add_argument("--speakers", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work_dir:
        onnx = load_onnx_classes(work_dir)
        model = build_model(onnx, args.speakers)
    base = os.path.join(args.out_dir, args.name + ".onnx")
    with open(base, "wb") as f:
        f.write(model.SerializeToString())
    with open(base + ".json", "w", encoding="utf-8") as f:
        json.dump(build_config(args.speakers), f, ensure_ascii=False, indent=2)


if __name__ == "__main__":
    main()
