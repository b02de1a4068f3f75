#!/usr/bin/env python3
"""Writes a tiny random-weight whisper model in whisper.cpp's legacy ggml format, for tests and benchmarks.

Layout: magic, 11 int32 hyper-parameters, the mel filter bank (n_mel x n_fft float32), the vocabulary
(count, then length-prefixed byte strings), then tensors (n_dims, name length, type, dims in ggml order, name,
data). The model is English-only (51864 tokens; whisper.cpp appends the special tokens itself), one encoder
and one decoder layer, 32 wide: about 4 MB. Its output is nonsense text, but every code path runs.

Usage: make_tiny_whisper.py OUT.bin [--seed N]
"""
import argparse
import struct

import numpy as np

MAGIC = 0x67676D6C
N_VOCAB = 51864  # English-only: whisper.cpp treats >= 51865 as multilingual
N_BASE_TOKENS = 50256  # tokens stored in the file; the rest are special tokens whisper.cpp adds
N_AUDIO_CTX = 1500
N_TEXT_CTX = 448
N_STATE = 32
N_HEAD = 2
N_LAYER = 1  # two text layers would be read as a distilled model; one keeps it plain
N_MELS = 80
N_FFT = 201
FTYPE_F16 = 1


def mel_filters(rng):
    # Triangular-ish positive filters; the exact shape does not matter for a random model.
    filters = np.zeros((N_MELS, N_FFT), dtype=np.float32)
    centers = np.linspace(1, N_FFT - 2, N_MELS)
    for m, c in enumerate(centers):
        for k in range(N_FFT):
            filters[m, k] = max(0.0, 1.0 - abs(k - c) / 3.0) * 0.01
    return filters + rng.random((N_MELS, N_FFT), dtype=np.float32) * 1e-4


def token_text(i):
    if i == 220:
        return b" "  # GPT-2's space token: whisper.cpp looks it up by text to suppress blank starts
    if i < 256:
        # Byte-level tokens: printable ASCII as itself, others as a placeholder word.
        return bytes([i]) if 32 < i < 127 else f" b{i}".encode()
    return f" w{i}".encode()


def write_tensor(out, name, data, keep_f32=False):
    data = np.ascontiguousarray(data)
    use_f16 = data.ndim >= 2 and not keep_f32
    data = data.astype(np.float16 if use_f16 else np.float32)
    encoded = name.encode()
    out.write(struct.pack("iii", data.ndim, len(encoded), 1 if use_f16 else 0))
    for dim in reversed(data.shape):  # ggml lists the fastest-varying dimension first
        out.write(struct.pack("i", dim))
    out.write(encoded)
    data.tofile(out)


def block(out, prefix, rng, cross):
    n = N_STATE

    def weight(*shape):
        return rng.normal(0.0, 0.02, shape).astype(np.float32)

    def norm(name):
        write_tensor(out, f"{prefix}.{name}.weight", np.ones(n, dtype=np.float32))
        write_tensor(out, f"{prefix}.{name}.bias", np.zeros(n, dtype=np.float32))

    def attention(name):
        write_tensor(out, f"{prefix}.{name}.query.weight", weight(n, n))
        write_tensor(out, f"{prefix}.{name}.query.bias", weight(n))
        write_tensor(out, f"{prefix}.{name}.key.weight", weight(n, n))
        write_tensor(out, f"{prefix}.{name}.value.weight", weight(n, n))
        write_tensor(out, f"{prefix}.{name}.value.bias", weight(n))
        write_tensor(out, f"{prefix}.{name}.out.weight", weight(n, n))
        write_tensor(out, f"{prefix}.{name}.out.bias", weight(n))

    norm("attn_ln")
    attention("attn")
    if cross:
        norm("cross_attn_ln")
        attention("cross_attn")
    norm("mlp_ln")
    write_tensor(out, f"{prefix}.mlp.0.weight", weight(4 * n, n))
    write_tensor(out, f"{prefix}.mlp.0.bias", weight(4 * n))
    write_tensor(out, f"{prefix}.mlp.2.weight", weight(n, 4 * n))
    write_tensor(out, f"{prefix}.mlp.2.bias", weight(n))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    n = N_STATE
    with open(args.out, "wb") as out:
        out.write(struct.pack("I", MAGIC))
        out.write(struct.pack("11i", N_VOCAB, N_AUDIO_CTX, n, N_HEAD, N_LAYER, N_TEXT_CTX, n, N_HEAD, N_LAYER,
                              N_MELS, FTYPE_F16))
        out.write(struct.pack("ii", N_MELS, N_FFT))
        mel_filters(rng).tofile(out)
        out.write(struct.pack("i", N_BASE_TOKENS))
        for i in range(N_BASE_TOKENS):
            text = token_text(i)
            out.write(struct.pack("I", len(text)))
            out.write(text)

        write_tensor(out, "encoder.positional_embedding", rng.normal(0, 0.02, (N_AUDIO_CTX, n)), keep_f32=True)
        write_tensor(out, "encoder.conv1.weight", rng.normal(0, 0.02, (n, N_MELS, 3)))
        write_tensor(out, "encoder.conv1.bias", np.zeros((n, 1)), keep_f32=True)
        write_tensor(out, "encoder.conv2.weight", rng.normal(0, 0.02, (n, n, 3)))
        write_tensor(out, "encoder.conv2.bias", np.zeros((n, 1)), keep_f32=True)
        for layer in range(N_LAYER):
            block(out, f"encoder.blocks.{layer}", rng, cross=False)
        write_tensor(out, "encoder.ln_post.weight", np.ones(n))
        write_tensor(out, "encoder.ln_post.bias", np.zeros(n))

        write_tensor(out, "decoder.positional_embedding", rng.normal(0, 0.02, (N_TEXT_CTX, n)), keep_f32=True)
        write_tensor(out, "decoder.token_embedding.weight", rng.normal(0, 0.02, (N_VOCAB, n)))
        for layer in range(N_LAYER):
            block(out, f"decoder.blocks.{layer}", rng, cross=True)
        write_tensor(out, "decoder.ln.weight", np.ones(n))
        write_tensor(out, "decoder.ln.bias", np.zeros(n))


if __name__ == "__main__":
    main()
