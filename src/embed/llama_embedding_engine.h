// The `llama:` embedding engine: a GGUF embedding model (BERT-like or any llama.cpp architecture) in-process.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "embed/embedding_engine.h"

struct llama_model;
struct llama_context;

namespace lv::embed {

// How per-token outputs become one vector per text.
enum class Pooling { mean, cls, last };

std::string_view pooling_name(Pooling pooling);  // "mean", "cls", "last"
// Parses "mean", "cls" or "last"; nullopt otherwise.
std::optional<Pooling> parse_pooling(std::string_view text);

struct LlamaEmbeddingOptions {
  std::filesystem::path model_path;
  std::string model_name;          // recorded with stored vectors; the file name without ".gguf" when empty
  std::optional<Pooling> pooling;  // empty: the model's own when it declares one, else mean
  int threads = 0;                 // 0: hardware threads, at most 8
  int context_tokens = 512;        // longest text; longer ones are truncated (capped at the model's training)
  // Tokens decoded together (several texts); raised to context_tokens. Encoders attend across the whole batch
  // (masked), so their scratch memory grows with its square: 512 tokens take about 12 MB of attention scores
  // for all-MiniLM's 12 heads, 2048 would take 200 MB.
  int batch_tokens = 512;
  int max_batch_texts = 32;  // texts decoded together
};

class LlamaEmbeddingEngine : public EmbeddingEngine {
 public:
  // Loads the model and creates its context. Throws lv::Error for missing or bad files, reranking
  // models and contexts llama.cpp cannot create.
  static std::shared_ptr<LlamaEmbeddingEngine> create(LlamaEmbeddingOptions options);
  ~LlamaEmbeddingEngine() override;
  LlamaEmbeddingEngine(const LlamaEmbeddingEngine&) = delete;
  LlamaEmbeddingEngine& operator=(const LlamaEmbeddingEngine&) = delete;

  EmbeddingCapabilities capabilities() const override;
  std::string model_name() const override { return name_; }
  std::vector<std::vector<float>> embed(const std::vector<std::string>& texts, std::stop_token stop = {}) override;
  EmbeddingResult embed_counted(const std::vector<std::string>& texts, std::stop_token stop = {}) override;

  Pooling pooling() const { return pooling_; }
  // The tokens a text becomes, after truncation to the context (what embed() feeds the model).
  std::vector<int> tokenize(std::string_view text) const;

 private:
  struct ModelDeleter {
    void operator()(llama_model* model) const;
  };
  struct ContextDeleter {
    void operator()(llama_context* context) const;
  };
  explicit LlamaEmbeddingEngine(LlamaEmbeddingOptions options);
  void load();
  // Decodes texts [first, last) of `tokens` as one batch (one sequence each) into `out`. Caller holds mutex_.
  void decode_batch(const std::vector<std::vector<int>>& tokens, std::size_t first, std::size_t last,
                    std::vector<std::vector<float>>& out, std::stop_token& stop);

  LlamaEmbeddingOptions options_;
  std::string name_;
  Pooling pooling_ = Pooling::mean;
  int dimensions_ = 0;
  int context_tokens_ = 0;
  int batch_tokens_ = 0;
  bool encoder_only_ = false;  // T5-style encoders run through llama_encode, everything else llama_decode
  std::unique_ptr<llama_model, ModelDeleter> model_;
  std::mutex mutex_;  // one context: llama.cpp contexts must not be used by two threads at once
  std::unique_ptr<llama_context, ContextDeleter> context_;
};

using LlamaEmbeddingEnginePtr = std::shared_ptr<LlamaEmbeddingEngine>;

}  // namespace lv::embed
