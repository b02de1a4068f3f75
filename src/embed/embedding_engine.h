// Text embeddings: the engine interface (a loaded model or a configured server) shared by all callers.
#pragma once

#include <memory>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

namespace lv::embed {

struct EmbeddingCapabilities {
  int dimensions = 0;        // length of every vector (remote engines: 0 until their server first answered)
  int max_input_tokens = 0;  // longer inputs are truncated by the engine (0 when unknown)
  bool normalized = true;    // vectors have unit length (cosine similarity = dot product)
};

// Vectors together with what producing them cost, for usage reports (the HTTP API's "usage").
struct EmbeddingResult {
  std::vector<std::vector<float>> vectors;  // one per input, in order
  int input_tokens = 0;                     // tokens the engine read (after truncation); 0 when it cannot tell
};

// Thread-safe. embed() returns one vector per input, in order; throws lv::Error when the engine fails
// (unreachable server, model error) with the fix, and stops early (throwing lv::Error "cancelled") when `stop`
// is requested.
class EmbeddingEngine {
 public:
  virtual ~EmbeddingEngine() = default;
  virtual EmbeddingCapabilities capabilities() const = 0;
  // The model's name, recorded with stored vectors so that changing the model re-embeds ("all-MiniLM-L6-v2").
  virtual std::string model_name() const = 0;
  virtual std::vector<std::vector<float>> embed(const std::vector<std::string>& texts, std::stop_token stop = {}) = 0;
  // embed() that also reports the tokens read; engines that can count them override it.
  virtual EmbeddingResult embed_counted(const std::vector<std::string>& texts, std::stop_token stop = {}) {
    return EmbeddingResult{embed(texts, std::move(stop)), 0};
  }
};

using EmbeddingEnginePtr = std::shared_ptr<EmbeddingEngine>;

}  // namespace lv::embed
