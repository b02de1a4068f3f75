#include "wake/openwakeword_models.h"

#include "onnx/ort_session.h"
#include "util/error.h"

namespace lv::wake {

namespace {

std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::string out = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    out += (i == 0 ? "" : ", ") + std::to_string(shape[i]);
  }
  return out + "]";
}

}  // namespace

OpenWakeWordModels::Graph OpenWakeWordModels::load(const std::filesystem::path& path, std::size_t rank) const {
  Graph graph;
  graph.session = onnx::open_session(env_, path, onnx::single_thread_options());
  const auto inputs = onnx::inputs_of(*graph.session);
  const auto outputs = onnx::outputs_of(*graph.session);
  if (inputs.size() != 1 || outputs.size() != 1 || inputs[0].shape.size() != rank) {
    throw Error("not an openWakeWord model: " + path.string() + " (inputs " +
                    (inputs.empty() ? std::string("none") : shape_text(inputs[0].shape)) + ")",
                "use the openWakeWord ONNX files: localvoice models pull openwakeword:hey_jarvis");
  }
  graph.input = inputs[0].name;
  graph.output = outputs[0].name;
  return graph;
}

OpenWakeWordModels::OpenWakeWordModels(const OpenWakeWordFiles& files) {
  melspectrogram_ = load(files.melspectrogram, 2);  // [batch, samples]
  embedding_ = load(files.embedding, 4);            // [batch, 76, 32, 1]
  for (const auto& path : files.classifiers) {
    classifiers_.push_back(load(path, 3));  // [1, 16, 96]
  }
}

std::vector<float> OpenWakeWordModels::run(const Graph& graph, std::span<const float> input,
                                           std::span<const std::int64_t> shape) const {
  // onnxruntime reads the input in place; it does not write to it.
  auto tensor = Ort::Value::CreateTensor<float>(memory_, const_cast<float*>(input.data()), input.size(), shape.data(),
                                                shape.size());
  const char* input_name = graph.input.c_str();
  const char* output_name = graph.output.c_str();
  auto outputs = graph.session->Run(Ort::RunOptions{nullptr}, &input_name, &tensor, 1, &output_name, 1);
  const auto count = outputs[0].GetTensorTypeAndShapeInfo().GetElementCount();
  const float* data = outputs[0].GetTensorData<float>();
  return {data, data + count};
}

std::vector<float> OpenWakeWordModels::melspectrogram(std::span<const float> samples) const {
  const std::array<std::int64_t, 2> shape{1, static_cast<std::int64_t>(samples.size())};
  auto mel = run(melspectrogram_, samples, shape);  // [1, 1, frames, 32]
  for (float& value : mel) {
    value = value / 10.0F + 2.0F;
  }
  return mel;
}

std::array<float, kOwwEmbeddingSize> OpenWakeWordModels::embed(std::span<const float> mel_window) const {
  const std::array<std::int64_t, 4> shape{1, kOwwMelWindow, kOwwMelBins, 1};
  const auto out = run(embedding_, mel_window, shape);  // [1, 1, 1, 96]
  if (out.size() != kOwwEmbeddingSize) {
    throw Error("the openWakeWord embedding model returned " + std::to_string(out.size()) + " values, not 96",
                "reinstall it: localvoice models pull openwakeword:hey_jarvis");
  }
  std::array<float, kOwwEmbeddingSize> embedding{};
  std::copy(out.begin(), out.end(), embedding.begin());
  return embedding;
}

float OpenWakeWordModels::classify(std::size_t index, std::span<const float> features) const {
  const std::array<std::int64_t, 3> shape{1, kOwwFeatureWindow, kOwwEmbeddingSize};
  const auto out = run(classifiers_.at(index), features, shape);  // [1, 1]
  return out.empty() ? 0.0F : out[0];
}

}  // namespace lv::wake
