#include "embed/llama_embedding_engine.h"

#include <llama.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <system_error>
#include <thread>
#include <utility>

#include "embed/vector_math.h"
#include "models/gguf_file.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/log.h"
#include "util/utf8.h"
#include "util/utf8_sanitizer.h"

namespace lv::embed {
namespace {

// Sequence ids a llama.cpp context accepts (LLAMA_MAX_SEQ in its sources).
constexpr int kMaxSequences = 256;

// A token batch with several sequences, owned.
class Batch {
 public:
  Batch(int capacity_tokens, int max_sequences) : batch_(llama_batch_init(capacity_tokens, 0, max_sequences)) {}
  ~Batch() { llama_batch_free(batch_); }
  Batch(const Batch&) = delete;
  Batch& operator=(const Batch&) = delete;

  void add(llama_token token, llama_pos position, llama_seq_id sequence) {
    const auto i = static_cast<std::size_t>(batch_.n_tokens);
    batch_.token[i] = token;
    batch_.pos[i] = position;
    batch_.n_seq_id[i] = 1;
    batch_.seq_id[i][0] = sequence;
    batch_.logits[i] = 1;  // pooling reads every token's output
    ++batch_.n_tokens;
  }
  const llama_batch& get() const { return batch_; }

 private:
  llama_batch batch_;
};

bool stop_requested(void* data) { return static_cast<const std::stop_token*>(data)->stop_requested(); }

std::string model_metadata(const llama_model* model, const std::string& key) {
  std::array<char, 256> value{};
  const int length = llama_model_meta_val_str(model, key.c_str(), value.data(), value.size());
  return length < 0 ? std::string() : std::string(value.data());
}

// The pooling the model declares in "<arch>.pooling_type" (written by llama.cpp's converter for BERT-like
// embedding models); nullopt when it declares none. Throws for reranking models, which make scores, not vectors.
std::optional<Pooling> declared_pooling(const llama_model* model, const std::filesystem::path& path) {
  const std::string arch = model_metadata(model, "general.architecture");
  const std::string declared = arch.empty() ? std::string() : model_metadata(model, arch + ".pooling_type");
  if (declared.empty()) {
    return std::nullopt;
  }
  const int type = std::atoi(declared.c_str());
  switch (type) {
    case LLAMA_POOLING_TYPE_MEAN:
      return Pooling::mean;
    case LLAMA_POOLING_TYPE_CLS:
      return Pooling::cls;
    case LLAMA_POOLING_TYPE_LAST:
      return Pooling::last;
    case LLAMA_POOLING_TYPE_RANK:
      throw Error(path.filename().string() + " is a reranking model (it scores text pairs, it makes no embeddings)",
                  "use an embedding model such as all-MiniLM-L6-v2, bge-small or nomic-embed in GGUF form");
    default:
      return std::nullopt;
  }
}

enum llama_pooling_type to_llama_pooling(Pooling pooling) {
  switch (pooling) {
    case Pooling::cls:
      return LLAMA_POOLING_TYPE_CLS;
    case Pooling::last:
      return LLAMA_POOLING_TYPE_LAST;
    case Pooling::mean:
      break;
  }
  return LLAMA_POOLING_TYPE_MEAN;
}

int default_threads() {
  const unsigned hardware = std::thread::hardware_concurrency();
  return static_cast<int>(std::clamp(hardware == 0 ? 1U : hardware, 1U, 8U));
}

}  // namespace

std::string_view pooling_name(Pooling pooling) {
  switch (pooling) {
    case Pooling::cls:
      return "cls";
    case Pooling::last:
      return "last";
    case Pooling::mean:
      break;
  }
  return "mean";
}

std::optional<Pooling> parse_pooling(std::string_view text) {
  for (const Pooling pooling : {Pooling::mean, Pooling::cls, Pooling::last}) {
    if (text == pooling_name(pooling)) {
      return pooling;
    }
  }
  return std::nullopt;
}

void LlamaEmbeddingEngine::ModelDeleter::operator()(llama_model* model) const { llama_model_free(model); }
void LlamaEmbeddingEngine::ContextDeleter::operator()(llama_context* context) const { llama_free(context); }

LlamaEmbeddingEngine::LlamaEmbeddingEngine(LlamaEmbeddingOptions options) : options_(std::move(options)) {}
LlamaEmbeddingEngine::~LlamaEmbeddingEngine() = default;

std::shared_ptr<LlamaEmbeddingEngine> LlamaEmbeddingEngine::create(LlamaEmbeddingOptions options) {
  std::shared_ptr<LlamaEmbeddingEngine> engine(new LlamaEmbeddingEngine(std::move(options)));
  engine->load();
  return engine;
}

void LlamaEmbeddingEngine::load() {
  const auto& path = options_.model_path;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    throw Error("embedding model file not found: " + path.string(),
                "check the path in engines.embeddings (llama:/path/model.gguf) or pull the model with "
                "`localvoice models pull all-minilm-l6-v2`");
  }
  models::check_gguf_file(path);  // also loads the ggml backends (ggml_backend_load_all)
  const auto started = std::chrono::steady_clock::now();
  llama_model_params model_params = llama_model_default_params();
  model_.reset(llama_model_load_from_file(path.c_str(), model_params));
  if (!model_) {
    throw Error(
        "llama.cpp could not load the embedding model " + path.string() + " (unsupported architecture or damaged file)",
        "run with --log-level debug to see llama.cpp's reason; try a model supported by llama.cpp " +
            std::string(llama_version()));
  }
  name_ = options_.model_name.empty() ? path.stem().string() : options_.model_name;
  pooling_ = options_.pooling.value_or(declared_pooling(model_.get(), path).value_or(Pooling::mean));
  dimensions_ = llama_model_n_embd_out(model_.get());  // models with an output projection differ from n_embd
  if (dimensions_ <= 0) {
    dimensions_ = llama_model_n_embd(model_.get());
  }
  encoder_only_ = llama_model_has_encoder(model_.get()) && !llama_model_has_decoder(model_.get());
  const int trained = llama_model_n_ctx_train(model_.get());
  context_tokens_ = std::max(1, trained > 0 ? std::min(options_.context_tokens, trained) : options_.context_tokens);
  batch_tokens_ = std::max(options_.batch_tokens, context_tokens_);
  const int max_texts = std::clamp(options_.max_batch_texts, 1, kMaxSequences);
  options_.max_batch_texts = max_texts;

  llama_context_params params = llama_context_default_params();
  params.embeddings = true;
  params.pooling_type = to_llama_pooling(pooling_);
  // Non-causal models (BERT) must see a whole text in one micro-batch, so the batch is one micro-batch.
  params.n_ctx = static_cast<std::uint32_t>(batch_tokens_);
  params.n_batch = static_cast<std::uint32_t>(batch_tokens_);
  params.n_ubatch = static_cast<std::uint32_t>(batch_tokens_);
  params.n_seq_max = static_cast<std::uint32_t>(max_texts);
  // One cache shared by all texts of a batch: each text then has the whole context, not an equal slice of it.
  params.kv_unified = true;
  const int threads = options_.threads > 0 ? options_.threads : default_threads();
  params.n_threads = threads;
  params.n_threads_batch = threads;
  params.no_perf = true;
  context_.reset(llama_init_from_model(model_.get(), params));
  if (!context_) {
    throw Error("llama.cpp could not create an embedding context for " + path.filename().string() + " (" +
                    std::to_string(batch_tokens_) + " tokens, " + std::to_string(max_texts) + " texts per batch)",
                "lower batch= or ctx= in the llama: engine URL, or free memory; --log-level debug shows llama.cpp's "
                "reason");
  }
  const double load_ms = util::ms_since(started);
  log::info("embedding model loaded", {{"path", path.string()},
                                       {"dimensions", dimensions_},
                                       {"pooling", std::string(pooling_name(pooling_))},
                                       {"context_tokens", context_tokens_},
                                       {"load_ms", load_ms}});
}

EmbeddingCapabilities LlamaEmbeddingEngine::capabilities() const {
  EmbeddingCapabilities caps;
  caps.dimensions = dimensions_;
  caps.max_input_tokens = context_tokens_;
  caps.normalized = true;
  return caps;
}

std::vector<int> LlamaEmbeddingEngine::tokenize(std::string_view text) const {
  // Tokenizers expect UTF-8; invalid bytes become U+FFFD instead of reaching them.
  std::string clean;
  if (!util::is_valid_utf8(text)) {
    clean = util::sanitize_utf8(text);
    text = clean;
  }
  const llama_vocab* vocab = llama_model_get_vocab(model_.get());
  const auto length = static_cast<std::int32_t>(std::min<std::size_t>(text.size(), INT32_MAX / 2));
  // The special tokens the model wants (BOS/CLS, SEP) are added; special-token text in user input stays text.
  std::vector<llama_token> tokens(static_cast<std::size_t>(length) + 8);
  std::int32_t count =
      llama_tokenize(vocab, text.data(), length, tokens.data(), static_cast<std::int32_t>(tokens.size()), true, false);
  if (count < 0) {
    tokens.resize(static_cast<std::size_t>(-count));
    count = llama_tokenize(vocab, text.data(), length, tokens.data(), static_cast<std::int32_t>(tokens.size()), true,
                           false);
  }
  if (count < 0) {
    throw Error("a text of " + std::to_string(text.size()) + " bytes could not be tokenized",
                "split the text into smaller pieces");
  }
  tokens.resize(static_cast<std::size_t>(count));
  const auto limit = static_cast<std::size_t>(context_tokens_);
  if (tokens.size() > limit) {
    // Keep a closing separator (BERT's [SEP], an EOS) when the tokenizer added one: models were trained with it.
    const llama_token last = tokens.back();
    const bool closing = last == llama_vocab_sep(vocab) || last == llama_vocab_eos(vocab);
    tokens.resize(limit);
    if (closing) {
      tokens.back() = last;
    }
  }
  return tokens;
}

std::vector<std::vector<float>> LlamaEmbeddingEngine::embed(const std::vector<std::string>& texts,
                                                            std::stop_token stop) {
  return embed_counted(texts, std::move(stop)).vectors;
}

EmbeddingResult LlamaEmbeddingEngine::embed_counted(const std::vector<std::string>& texts, std::stop_token stop) {
  EmbeddingResult result;
  if (texts.empty()) {
    return result;
  }
  std::vector<std::vector<int>> tokens;
  tokens.reserve(texts.size());
  std::size_t truncated = 0;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    tokens.push_back(tokenize(texts[i]));
    if (tokens.back().empty()) {
      throw Error("text " + std::to_string(i) + " is empty: there is nothing to embed",
                  "leave empty texts out of embedding requests");
    }
    result.input_tokens += static_cast<int>(tokens.back().size());
    truncated += tokens.back().size() == static_cast<std::size_t>(context_tokens_) ? 1 : 0;
  }
  if (truncated > 0) {
    log::debug("embedding inputs at the context limit (longer ones were truncated)",
               {{"texts", static_cast<std::uint64_t>(truncated)}, {"context_tokens", context_tokens_}});
  }
  result.vectors.resize(texts.size());

  std::lock_guard lock(mutex_);
  llama_set_abort_callback(context_.get(), stop_requested, &stop);
  std::size_t first = 0;
  while (first < tokens.size()) {
    std::size_t last = first;
    std::size_t batch_size = 0;
    while (last < tokens.size() && last - first < static_cast<std::size_t>(options_.max_batch_texts) &&
           batch_size + tokens[last].size() <= static_cast<std::size_t>(batch_tokens_)) {
      batch_size += tokens[last].size();
      ++last;
    }
    try {
      decode_batch(tokens, first, last, result.vectors, stop);
    } catch (...) {
      llama_set_abort_callback(context_.get(), nullptr, nullptr);
      throw;
    }
    first = last;
  }
  llama_set_abort_callback(context_.get(), nullptr, nullptr);
  return result;
}

void LlamaEmbeddingEngine::decode_batch(const std::vector<std::vector<int>>& tokens, std::size_t first,
                                        std::size_t last, std::vector<std::vector<float>>& out, std::stop_token& stop) {
  if (stop.stop_requested()) {
    throw Error("cancelled", "the embedding request was cancelled before it finished");
  }
  auto* context = context_.get();
  // Texts are independent: nothing of the previous batch may stay visible to attention.
  if (llama_memory_t memory = llama_get_memory(context); memory != nullptr) {
    llama_memory_clear(memory, true);
  }
  Batch batch(batch_tokens_, options_.max_batch_texts);
  for (std::size_t text = first; text < last; ++text) {
    const auto sequence = static_cast<llama_seq_id>(text - first);
    for (std::size_t i = 0; i < tokens[text].size(); ++i) {
      batch.add(tokens[text][i], static_cast<llama_pos>(i), sequence);
    }
  }
  const int rc = encoder_only_ ? llama_encode(context, batch.get()) : llama_decode(context, batch.get());
  if (rc != 0) {
    if (stop.stop_requested()) {
      throw Error("cancelled", "the embedding request was cancelled before it finished");
    }
    throw Error("llama.cpp failed to compute embeddings (code " + std::to_string(rc) + ") for " +
                    options_.model_path.filename().string(),
                "run with --log-level debug to see llama.cpp's reason; lower batch= in the llama: engine URL");
  }
  for (std::size_t text = first; text < last; ++text) {
    const float* values = llama_get_embeddings_seq(context, static_cast<llama_seq_id>(text - first));
    if (values == nullptr) {
      throw Error("llama.cpp returned no pooled embedding for " + options_.model_path.filename().string(),
                  "set pooling=mean in the llama: engine URL");
    }
    std::vector<float> vector(values, values + dimensions_);
    if (!normalize_l2(vector)) {
      throw Error(
          "the embedding model produced an unusable vector (zero or not finite) for text " + std::to_string(text),
          "check that " + options_.model_path.filename().string() + " is an intact embedding model");
    }
    out[text] = std::move(vector);
  }
}

}  // namespace lv::embed
