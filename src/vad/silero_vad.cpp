#include "vad/silero_vad.h"

#include <onnxruntime_cxx_api.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "onnx/ort_session.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/log.h"
#include "vad/speech_gate.h"

namespace lv::vad {

namespace {

constexpr std::size_t kFrameSamples = 512;   // 32 ms at 16 kHz: the frame size Silero v5 was trained on
constexpr std::size_t kContextSamples = 64;  // v5 expects the last 64 samples of the previous frame first
constexpr std::size_t kStateSize = 2 * 1 * 128;

}  // namespace

struct SileroVad::Model {
  Ort::Env env{ORT_LOGGING_LEVEL_ERROR, "localvoice-silero"};
  Ort::MemoryInfo memory = Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
  std::unique_ptr<Ort::Session> session;

  // Runs one frame (with its context) and advances the recurrent state in place.
  float run(std::span<const float> input, std::array<float, kStateSize>& state) const {
    std::int64_t sample_rate = kVadSampleRateHz;
    const std::array<std::int64_t, 2> input_shape{1, static_cast<std::int64_t>(input.size())};
    const std::array<std::int64_t, 3> state_shape{2, 1, 128};
    std::array<Ort::Value, 3> inputs{
        Ort::Value::CreateTensor<float>(memory, const_cast<float*>(input.data()), input.size(), input_shape.data(),
                                        input_shape.size()),
        Ort::Value::CreateTensor<float>(memory, state.data(), state.size(), state_shape.data(), state_shape.size()),
        Ort::Value::CreateTensor<std::int64_t>(memory, &sample_rate, 1, nullptr, 0)};
    static constexpr std::array<const char*, 3> kInputNames{"input", "state", "sr"};
    static constexpr std::array<const char*, 2> kOutputNames{"output", "stateN"};
    auto outputs = session->Run(Ort::RunOptions{nullptr}, kInputNames.data(), inputs.data(), inputs.size(),
                                kOutputNames.data(), kOutputNames.size());
    const float probability = outputs[0].GetTensorData<float>()[0];
    const float* next_state = outputs[1].GetTensorData<float>();
    std::copy(next_state, next_state + kStateSize, state.begin());
    return probability;
  }
};

namespace {

class SileroScorer final : public FrameScorer {
 public:
  explicit SileroScorer(std::shared_ptr<const SileroVad::Model> model) : model_(std::move(model)) { reset(); }

  float score(std::span<const float> frame) override {
    std::copy(frame.begin(), frame.end(), input_.begin() + kContextSamples);
    const float probability = model_->run(input_, state_);
    // The frame's tail becomes the next frame's context.
    std::copy(input_.end() - kContextSamples, input_.end(), input_.begin());
    return probability;
  }

  void reset() override {
    state_.fill(0.0F);
    input_.assign(kContextSamples + kFrameSamples, 0.0F);
  }

 private:
  std::shared_ptr<const SileroVad::Model> model_;
  std::array<float, kStateSize> state_{};
  std::vector<float> input_;
};

void check_model_file(const std::filesystem::path& path) {
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  if (error) {
    throw Error("Silero VAD model not found: " + path.string(), "run scripts/fetch-silero-model " +
                                                                    path.parent_path().string() +
                                                                    " (or use --vad energy: which needs no model)");
  }
  std::ifstream in(path, std::ios::binary);
  char first = 0;
  // An ONNX file is a protobuf ModelProto, whose first field (ir_version, field 1, varint) starts with 0x08.
  if (size < 1024 || !in.get(first) || first != 0x08) {
    throw Error("not an ONNX model: " + path.string() + " (" + std::to_string(size) + " bytes)",
                "reinstall it with scripts/fetch-silero-model " + path.parent_path().string());
  }
}

}  // namespace

SileroVad::SileroVad(const std::filesystem::path& model_path, VadOptions options) : options_(options) {
  check_model_file(model_path);
  const auto start = std::chrono::steady_clock::now();
  auto model = std::make_shared<Model>();
  try {
    // A 32 ms frame is far too small to gain from threads: one per session keeps cores free for STT and LLM.
    model->session = onnx::open_session(model->env, model_path, onnx::single_thread_options());
  } catch (const Ort::Exception& e) {
    throw Error("cannot load Silero VAD model " + model_path.string() + ": " + e.what(),
                "reinstall it with scripts/fetch-silero-model " + model_path.parent_path().string());
  }
  model_ = std::move(model);
  // Warm-up: the first Run allocates and plans; doing it now keeps the first real frame fast. It also proves
  // the file is a Silero v5 graph (other models fail here on input names or shapes).
  try {
    SileroScorer scorer(model_);
    std::vector<float> silence(kFrameSamples, 0.0F);
    scorer.score(silence);
  } catch (const Ort::Exception& e) {
    throw Error("not a Silero VAD v5 model: " + model_path.string() + ": " + e.what(),
                "reinstall it with scripts/fetch-silero-model " + model_path.parent_path().string());
  }
  log::info("vad model loaded",
            {{"engine", "silero"}, {"path", model_path.string()}, {"load_ms", util::ms_since(start)}});
}

SileroVad::~SileroVad() = default;

VadCapabilities SileroVad::capabilities() const {
  return VadCapabilities{"silero", {kVadSampleRateHz}, kFrameSamples, true};
}

std::unique_ptr<VadStream> SileroVad::open_stream() const {
  return std::make_unique<FrameVadStream>(std::make_unique<SileroScorer>(model_), kFrameSamples, options_);
}

}  // namespace lv::vad
