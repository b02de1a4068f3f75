// openWakeWord's three ONNX stages on onnxruntime: melspectrogram, speech embedding and per-word classifiers.
#pragma once

#include <onnxruntime_cxx_api.h>

#include <array>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace lv::wake {

// The pipeline's fixed sizes (openWakeWord's published design).
inline constexpr std::size_t kOwwFrameSamples = 1280;   // 80 ms at 16 kHz: one step of the pipeline
inline constexpr std::size_t kOwwContextSamples = 480;  // 3 mel hops of the previous frame, so frames join
inline constexpr std::size_t kOwwMelBins = 32;
inline constexpr std::size_t kOwwMelFramesPerStep = 8;  // 10 ms mel hops per 80 ms step
inline constexpr std::size_t kOwwMelWindow = 76;        // mel frames the embedding model reads (775 ms)
inline constexpr std::size_t kOwwEmbeddingSize = 96;
inline constexpr std::size_t kOwwFeatureWindow = 16;  // embeddings a classifier reads (1.28 s)

struct OpenWakeWordFiles {
  std::filesystem::path melspectrogram;
  std::filesystem::path embedding;
  std::vector<std::filesystem::path> classifiers;  // one per wake word
};

// Loaded once, shared by streams; Run is thread-safe in onnxruntime.
class OpenWakeWordModels {
 public:
  // Throws Ort::Exception when a file cannot be loaded, lv::Error when a graph's shape is not openWakeWord's.
  explicit OpenWakeWordModels(const OpenWakeWordFiles& files);

  // Mel frames of `samples` (int16 values as floats), scaled as openWakeWord trains on (x / 10 + 2):
  // kOwwMelBins values per frame, frame after frame.
  std::vector<float> melspectrogram(std::span<const float> samples) const;
  // The embedding of kOwwMelWindow mel frames.
  std::array<float, kOwwEmbeddingSize> embed(std::span<const float> mel_window) const;
  // Word `index`'s score for kOwwFeatureWindow embeddings, 0..1.
  float classify(std::size_t index, std::span<const float> features) const;

  std::size_t word_count() const { return classifiers_.size(); }

 private:
  struct Graph {
    std::unique_ptr<Ort::Session> session;
    std::string input;
    std::string output;
  };
  Graph load(const std::filesystem::path& path, std::size_t rank) const;
  std::vector<float> run(const Graph& graph, std::span<const float> input, std::span<const std::int64_t> shape) const;

  Ort::Env env_{ORT_LOGGING_LEVEL_ERROR, "localvoice-openwakeword"};
  Ort::MemoryInfo memory_ = Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
  Graph melspectrogram_;
  Graph embedding_;
  std::vector<Graph> classifiers_;
};

}  // namespace lv::wake
