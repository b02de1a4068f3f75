#include "wake/openwakeword_engine.h"

#include <algorithm>
#include <chrono>

#include "util/clock.h"
#include "util/error.h"
#include "util/log.h"

namespace lv::wake {

namespace {

// One stream's context: the last samples, mel frames and embeddings the next frame's scores depend on.
class OpenWakeWordScorer final : public WakeFrameScorer {
 public:
  OpenWakeWordScorer(std::shared_ptr<const OpenWakeWordModels> models,
                     std::shared_ptr<const OpenWakeWordEngine::Start> start)
      : models_(std::move(models)), start_(std::move(start)) {
    reset();
  }

  std::vector<float> score(std::span<const std::int16_t> frame) override {
    // The mel model sees the previous frame's tail too, so each step yields exactly its own 8 mel frames.
    std::copy(input_.end() - kOwwContextSamples, input_.end(), input_.begin());
    std::transform(frame.begin(), frame.end(), input_.begin() + kOwwContextSamples,
                   [](std::int16_t sample) { return static_cast<float>(sample); });
    const auto fresh = models_->melspectrogram(input_);
    shift_in(mel_, fresh);
    const auto embedding = models_->embed(mel_);
    shift_in(features_, embedding);
    std::vector<float> scores(models_->word_count());
    for (std::size_t i = 0; i < scores.size(); ++i) {
      scores[i] = models_->classify(i, features_);
    }
    return scores;
  }

  void reset() override {
    input_.assign(kOwwContextSamples + kOwwFrameSamples, 0.0F);
    mel_ = start_->mel;
    features_ = start_->features;
  }

 private:
  // Drops the oldest values of the fixed-size window and appends `fresh` at its end.
  template <typename Values>
  static void shift_in(std::vector<float>& window, const Values& fresh) {
    const auto keep = window.size() - fresh.size();
    std::copy(window.end() - static_cast<std::ptrdiff_t>(keep), window.end(), window.begin());
    std::copy(fresh.begin(), fresh.end(), window.begin() + static_cast<std::ptrdiff_t>(keep));
  }

  std::shared_ptr<const OpenWakeWordModels> models_;
  std::shared_ptr<const OpenWakeWordEngine::Start> start_;
  std::vector<float> input_;
  std::vector<float> mel_;
  std::vector<float> features_;
};

void require_file(const std::filesystem::path& path, const std::string& pull_hint) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    throw Error("openWakeWord model file not found: " + path.string(), "run `" + pull_hint + "`");
  }
}

// The pipeline's state after silence: where every stream starts, so no word scores from made-up context.
OpenWakeWordEngine::Start silence_start(const OpenWakeWordModels& models) {
  const std::vector<float> quiet(kOwwContextSamples + kOwwFrameSamples, 0.0F);
  const auto mel = models.melspectrogram(quiet);
  if (mel.size() != kOwwMelFramesPerStep * kOwwMelBins) {
    throw Error("the openWakeWord melspectrogram model made " + std::to_string(mel.size() / kOwwMelBins) +
                    " frames of one 80 ms step, not 8",
                "use openWakeWord's melspectrogram.onnx: localvoice models pull openwakeword:hey_jarvis");
  }
  OpenWakeWordEngine::Start start;
  for (std::size_t i = 0; i < kOwwMelWindow; ++i) {
    start.mel.insert(start.mel.end(), mel.begin(), mel.begin() + kOwwMelBins);
  }
  const auto embedding = models.embed(start.mel);
  for (std::size_t i = 0; i < kOwwFeatureWindow; ++i) {
    start.features.insert(start.features.end(), embedding.begin(), embedding.end());
  }
  return start;
}

}  // namespace

std::string OpenWakeWordEngine::word_of(const std::filesystem::path& classifier) {
  std::string word = classifier.stem().string();  // "hey_jarvis_v0.1"
  const auto version = word.rfind("_v");
  if (version != std::string::npos && version > 0) {
    word.resize(version);
  }
  return word;
}

OpenWakeWordEngine::OpenWakeWordEngine(const std::filesystem::path& classifier, WakeOptions options,
                                       const std::string& pull_hint)
    : options_(options) {
  const auto start = std::chrono::steady_clock::now();
  const auto dir = classifier.parent_path();
  OpenWakeWordFiles files{dir / kMelFileName, dir / kEmbeddingFileName, {classifier}};
  for (const auto& path : {files.melspectrogram, files.embedding, classifier}) {
    require_file(path, pull_hint);
  }
  try {
    auto models = std::make_shared<const OpenWakeWordModels>(files);
    start_ = std::make_shared<const Start>(silence_start(*models));
    models_ = std::move(models);
  } catch (const Ort::Exception& e) {
    throw Error("cannot load openWakeWord models from " + dir.string() + ": " + e.what(),
                "reinstall them: " + pull_hint);
  }
  words_.push_back(word_of(classifier));
  log::info("wake model loaded",
            {{"engine", "openwakeword"}, {"word", words_.front()}, {"load_ms", util::ms_since(start)}});
}

WakeCapabilities OpenWakeWordEngine::capabilities() const {
  return WakeCapabilities{"openwakeword", kOwwFrameSamples, words_};
}

std::unique_ptr<WakeFrameScorer> OpenWakeWordEngine::open_scorer() const {
  return std::make_unique<OpenWakeWordScorer>(models_, start_);
}

}  // namespace lv::wake
