#include "llm/llama_engine.h"

#include <llama.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <thread>
#include <utility>

#include "llm/hermes_tools.h"
#include "llm/json_schema_grammar.h"
#include "llm/text_stream.h"
#include "models/llama_backend.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/log.h"

namespace lv::llm {
namespace {

using Clock = std::chrono::steady_clock;
struct ContextDeleter {
  void operator()(llama_context* context) const { llama_free(context); }
};
struct SamplerDeleter {
  void operator()(llama_sampler* sampler) const { llama_sampler_free(sampler); }
};
using SamplerPtr = std::unique_ptr<llama_sampler, SamplerDeleter>;

// A token batch for one sequence (id 0), owned.
class Batch {
 public:
  explicit Batch(int capacity) : batch_(llama_batch_init(capacity, 0, 1)), capacity_(capacity) {}
  ~Batch() { llama_batch_free(batch_); }
  Batch(const Batch&) = delete;
  Batch& operator=(const Batch&) = delete;

  void clear() { batch_.n_tokens = 0; }
  void add(llama_token token, llama_pos position, bool want_logits) {
    const auto i = static_cast<std::size_t>(batch_.n_tokens);
    batch_.token[i] = token;
    batch_.pos[i] = position;
    batch_.n_seq_id[i] = 1;
    batch_.seq_id[i][0] = 0;
    batch_.logits[i] = want_logits ? 1 : 0;
    ++batch_.n_tokens;
  }
  int capacity() const { return capacity_; }
  const llama_batch& get() const { return batch_; }

 private:
  llama_batch batch_;
  int capacity_;
};

// `grammar` (GBNF, may be empty) restricts every token to what the grammar allows, before sampling.
SamplerPtr make_sampler(const ChatOptions& options, float default_temperature, const llama_vocab* vocab,
                        const std::string& grammar) {
  llama_sampler_chain_params params = llama_sampler_chain_default_params();
  params.no_perf = true;
  SamplerPtr chain(llama_sampler_chain_init(params));
  if (!grammar.empty()) {
    llama_sampler* constrained = llama_sampler_init_grammar(vocab, grammar.c_str(), "root");
    if (constrained == nullptr) {
      throw Error("llama.cpp rejected the tool call grammar", "simplify the tools' parameter schemas");
    }
    llama_sampler_chain_add(chain.get(), constrained);
  }
  const float temperature = options.temperature.value_or(default_temperature);
  if (temperature <= 0.0F) {
    llama_sampler_chain_add(chain.get(), llama_sampler_init_greedy());
    return chain;
  }
  if (options.top_p && *options.top_p < 1.0F) {
    llama_sampler_chain_add(chain.get(), llama_sampler_init_top_p(*options.top_p, 1));
  }
  llama_sampler_chain_add(chain.get(), llama_sampler_init_temp(temperature));
  llama_sampler_chain_add(chain.get(), llama_sampler_init_dist(options.seed.value_or(LLAMA_DEFAULT_SEED)));
  return chain;
}

// The tools a forced call may use: all of them ("required") or the one named.
std::vector<ToolDefinition> forced_tools(const ChatOptions& options) {
  if (options.tool_choice.mode != ToolChoiceMode::function) {
    return options.tools;
  }
  for (const auto& tool : options.tools) {
    if (tool.name == options.tool_choice.function_name) {
      return {tool};
    }
  }
  throw Error("tool_choice names '" + options.tool_choice.function_name + "', which is not among the tools",
              "name one of the tools given in the request");
}

bool tools_in_use(const ChatOptions& options) {
  return !options.tools.empty() && options.tool_choice.mode != ToolChoiceMode::none;
}

// The grammar for the answer: a call when one is forced, else none.
std::string answer_grammar(const ChatOptions& options) {
  const auto mode = options.tool_choice.mode;
  if (!tools_in_use(options) || (mode != ToolChoiceMode::required && mode != ToolChoiceMode::function)) {
    return {};
  }
  return tool_call_gbnf(forced_tools(options), std::string(kToolCallOpen) + "\n", "\n" + std::string(kToolCallClose));
}

bool stop_requested(void* data) { return static_cast<const std::stop_token*>(data)->stop_requested(); }

}  // namespace

struct LlamaEngine::Slot {
  std::unique_ptr<llama_context, ContextDeleter> context;
  std::vector<llama_token> cached;  // the tokens whose keys and values are in the cache, by position
  std::unique_ptr<Batch> batch;
  std::stop_token stop;  // the running call's, polled by llama.cpp between graph nodes
};

// One conversation: holds a context (and its cache) until it ends, then gives it back to the engine.
class LlamaSession : public LlmSession {
 public:
  explicit LlamaSession(std::shared_ptr<LlamaEngine> engine)
      : engine_(std::move(engine)), slot_(engine_->acquire_slot()) {}
  ~LlamaSession() override { engine_->release_slot(std::move(slot_)); }
  LlamaSession(const LlamaSession&) = delete;
  LlamaSession& operator=(const LlamaSession&) = delete;

  ChatResult chat(const std::vector<ChatMessage>& messages, const ChatOptions& options, const DeltaCallback& on_delta,
                  std::stop_token stop) override;

 private:
  std::vector<llama_token> fit_prompt(const std::vector<ChatMessage>& messages, const ChatOptions& options) const;
  // Decodes tokens[from, to) at their positions; 0 on success, else llama_decode's code.
  int decode(const std::vector<llama_token>& tokens, std::size_t from, std::size_t to);

  std::shared_ptr<LlamaEngine> engine_;
  std::unique_ptr<LlamaEngine::Slot> slot_;
};

std::vector<llama_token> LlamaSession::fit_prompt(const std::vector<ChatMessage>& messages,
                                                  const ChatOptions& options) const {
  const auto& model = *engine_->model_;
  const auto context_tokens = static_cast<std::size_t>(engine_->context_tokens_);
  const std::size_t reserve =
      options.max_tokens > 0 ? std::min<std::size_t>(static_cast<std::size_t>(options.max_tokens), context_tokens / 2)
                             : context_tokens / 4;
  std::vector<ChatMessage> kept = messages;
  std::size_t dropped = 0;
  while (true) {
    std::vector<llama_token> tokens = model.tokenize(model.format_chat(kept));
    if (tokens.size() + reserve <= context_tokens) {
      if (dropped > 0) {
        log::warn("llm context full: dropped the oldest turns",
                  {{"dropped_messages", static_cast<std::uint64_t>(dropped)},
                   {"prompt_tokens", static_cast<std::uint64_t>(tokens.size())},
                   {"context_tokens", static_cast<std::uint64_t>(context_tokens)}});
      }
      return tokens;
    }
    // The oldest message that is neither the system prompt nor the newest message goes first, together
    // with the answers that followed it, so the history still starts with a user turn.
    auto first =
        std::find_if(kept.begin(), kept.end() - 1, [](const ChatMessage& m) { return m.role != ChatRole::system; });
    if (first == kept.end() - 1) {
      if (tokens.size() < context_tokens) {
        return tokens;  // nothing left to drop; generate in what room there is
      }
      throw Error("the prompt is " + std::to_string(tokens.size()) + " tokens but the context holds " +
                      std::to_string(context_tokens),
                  "shorten the message or raise ctx= in the llama: engine URL");
    }
    auto last = first + 1;
    while (last != kept.end() - 1 && last->role != ChatRole::user) {
      ++last;
    }
    dropped += static_cast<std::size_t>(last - first);
    kept.erase(first, last);
  }
}

int LlamaSession::decode(const std::vector<llama_token>& tokens, std::size_t from, std::size_t to) {
  Batch& batch = *slot_->batch;
  auto* context = slot_->context.get();
  for (std::size_t start = from; start < to; start += static_cast<std::size_t>(batch.capacity())) {
    const std::size_t end = std::min(to, start + static_cast<std::size_t>(batch.capacity()));
    batch.clear();
    for (std::size_t i = start; i < end; ++i) {
      batch.add(tokens[i], static_cast<llama_pos>(i), i + 1 == to);
    }
    const int rc = llama_decode(context, batch.get());
    if (rc != 0) {
      // Whatever llama.cpp kept of this batch stays usable for the next turn.
      const llama_pos last = llama_memory_seq_pos_max(llama_get_memory(context), 0);
      const auto valid = static_cast<std::size_t>(std::max<llama_pos>(last + 1, 0));
      slot_->cached.assign(tokens.begin(), tokens.begin() + static_cast<std::ptrdiff_t>(std::min(valid, end)));
      return rc;
    }
    slot_->cached.assign(tokens.begin(), tokens.begin() + static_cast<std::ptrdiff_t>(end));
  }
  return 0;
}

ChatResult LlamaSession::chat(const std::vector<ChatMessage>& messages, const ChatOptions& options,
                              const DeltaCallback& on_delta, std::stop_token stop) {
  const auto started = Clock::now();
  if (messages.empty()) {
    throw Error("a chat needs at least one message", "send a user message");
  }
  const auto& model = *engine_->model_;
  ChatResult result;
  const bool with_tools = tools_in_use(options);
  const std::string grammar = answer_grammar(options);
  std::vector<llama_token> tokens =
      fit_prompt(with_tools ? hermes_messages(messages, options.tools) : messages, options);
  const std::size_t prompt_size = tokens.size();
  result.timings.prompt_tokens = static_cast<int>(prompt_size);

  slot_->stop = stop;
  auto* context = slot_->context.get();
  llama_set_abort_callback(context, stop_requested, &slot_->stop);

  // Reuse the cached prefix; at least the last prompt token is recomputed to get fresh logits.
  std::size_t keep = 0;
  const auto& cached = slot_->cached;
  while (keep < cached.size() && keep < prompt_size && cached[keep] == tokens[keep]) {
    ++keep;
  }
  keep = std::min(keep, prompt_size - 1);
  if (keep < cached.size()) {
    if (!llama_memory_seq_rm(llama_get_memory(context), 0, static_cast<llama_pos>(keep), -1)) {
      llama_memory_clear(llama_get_memory(context), true);
      keep = 0;
    }
    slot_->cached.resize(keep);
  }
  result.timings.prompt_eval_tokens = static_cast<int>(prompt_size - keep);

  auto finish = [&](FinishReason reason) {
    result.finish_reason = reason;
    result.timings.total_ms = util::ms_between(started, Clock::now());
    return result;
  };
  auto fail = [&](int rc, const char* stage) {
    if (rc == 2 || stop.stop_requested()) {
      return finish(FinishReason::cancelled);
    }
    result.error = std::string("llama.cpp failed during ") + stage + " (llama_decode returned " + std::to_string(rc) +
                   "); check memory and the ctx= setting";
    log::error("llm generation failed", {{"error", result.error}});
    return finish(FinishReason::error);
  };

  if (stop.stop_requested()) {
    return finish(FinishReason::cancelled);
  }
  if (const int rc = decode(tokens, keep, prompt_size); rc != 0) {
    return fail(rc, "prompt processing");
  }

  SamplerPtr sampler = make_sampler(options, engine_->options_.default_temperature, model.vocab(), grammar);
  DeltaText text(options.stop);
  // With tools, the text from the first <tool_call> on is a call, not part of the streamed answer.
  StopSequenceFilter call_gate(with_tools ? std::vector<std::string>{std::string(kToolCallOpen)}
                                          : std::vector<std::string>{});
  std::string generated;
  auto show = [&](std::string piece) {
    if (!piece.empty()) {
      result.content += piece;
      ChatDelta delta;
      delta.content = std::move(piece);
      on_delta(delta);
    }
  };
  auto emit = [&](const std::string& raw) {
    generated += raw;
    show(call_gate.push(raw));
  };
  Clock::time_point first_token_at{};
  int completion = 0;
  FinishReason reason = FinishReason::stop;
  while (true) {
    if (stop.stop_requested()) {
      reason = FinishReason::cancelled;
      break;
    }
    const llama_token token = llama_sampler_sample(sampler.get(), context, -1);
    if (completion == 0) {
      first_token_at = Clock::now();
      result.timings.time_to_first_token_ms = util::ms_between(started, first_token_at);
    }
    if (model.is_end_of_generation(token)) {
      break;
    }
    ++completion;
    result.timings.completion_tokens = completion;
    emit(text.push(model.token_bytes(token)));
    if (text.stopped()) {
      break;
    }
    if ((options.max_tokens > 0 && completion >= options.max_tokens) ||
        tokens.size() + 1 >= static_cast<std::size_t>(engine_->context_tokens_)) {
      reason = FinishReason::length;
      break;
    }
    tokens.push_back(token);
    if (const int rc = decode(tokens, tokens.size() - 1, tokens.size()); rc != 0) {
      return fail(rc, "generation");
    }
  }
  if (reason != FinishReason::cancelled) {
    emit(text.finish());
    show(call_gate.finish());
  }
  if (with_tools && reason != FinishReason::cancelled) {
    ParsedToolCalls parsed = parse_hermes_tool_calls(generated, std::to_string(started.time_since_epoch().count()));
    if (!parsed.calls.empty()) {
      if (!options.parallel_tool_calls) {
        parsed.calls.resize(1);
      }
      result.tool_calls = parsed.calls;
      ChatDelta calls;
      calls.tool_calls = std::move(parsed.calls);
      on_delta(calls);
      reason = FinishReason::tool_calls;
    }
  }
  const auto ended = Clock::now();
  if (completion > 1) {
    result.timings.tokens_per_s = (completion - 1) * 1000.0 / std::max(util::ms_between(first_token_at, ended), 1e-3);
  }
  return finish(reason);
}

LlamaEngine::LlamaEngine(LlamaEngineOptions options) : options_(std::move(options)) {}

LlamaEngine::~LlamaEngine() = default;

std::shared_ptr<LlamaEngine> LlamaEngine::create(LlamaEngineOptions options) {
  models::init_llama_backend();
  std::shared_ptr<LlamaEngine> engine(new LlamaEngine(std::move(options)));
  auto& opts = engine->options_;
  engine->model_ = LlamaModel::load(opts.model_path, LlamaModelOptions{opts.chat_template});
  engine->name_ = opts.model_name.empty() ? opts.model_path.filename().string() : opts.model_name;
  const int trained = engine->model_->train_context_tokens();
  engine->context_tokens_ = trained > 0 ? std::min(opts.context_tokens, trained) : opts.context_tokens;

  // Warm-up: one decode allocates the compute buffers so the first real request is not slower.
  const auto started = Clock::now();
  auto slot = engine->acquire_slot();
  engine->context_tokens_ = static_cast<int>(llama_n_ctx(slot->context.get()));
  const std::vector<llama_token> probe = engine->model_->tokenize("hi");
  if (!probe.empty()) {
    Batch batch(1);
    batch.add(probe.front(), 0, true);
    if (llama_decode(slot->context.get(), batch.get()) != 0) {
      throw Error("llama.cpp could not run " + opts.model_path.string(), "check that the model file is intact");
    }
    llama_memory_clear(llama_get_memory(slot->context.get()), true);
  }
  engine->release_slot(std::move(slot));
  log::info("llm engine ready", {{"engine", "llama"},
                                 {"model", engine->name_},
                                 {"context_tokens", engine->context_tokens_},
                                 {"warmup_ms", util::ms_between(started, Clock::now())}});
  return engine;
}

std::unique_ptr<LlamaEngine::Slot> LlamaEngine::acquire_slot() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_slots_.empty()) {
      auto slot = std::move(idle_slots_.back());
      idle_slots_.pop_back();
      return slot;
    }
  }
  llama_context_params params = llama_context_default_params();
  const int threads =
      options_.threads > 0 ? options_.threads : std::clamp(static_cast<int>(std::thread::hardware_concurrency()), 1, 8);
  params.n_ctx = static_cast<std::uint32_t>(context_tokens_ > 0 ? context_tokens_ : options_.context_tokens);
  params.n_batch = static_cast<std::uint32_t>(std::min<int>(options_.batch_tokens, static_cast<int>(params.n_ctx)));
  params.n_ubatch = params.n_batch;
  params.n_seq_max = 1;
  params.n_threads = threads;
  params.n_threads_batch = threads;
  params.no_perf = true;
  auto slot = std::make_unique<Slot>();
  slot->context.reset(llama_init_from_model(model_->get(), params));
  if (!slot->context) {
    throw Error("llama.cpp could not create a context of " + std::to_string(params.n_ctx) + " tokens for " + name_,
                "lower ctx= in the llama: engine URL (less memory) and check free memory");
  }
  slot->batch = std::make_unique<Batch>(static_cast<int>(params.n_batch));
  return slot;
}

void LlamaEngine::release_slot(std::unique_ptr<Slot> slot) {
  if (!slot) {
    return;
  }
  llama_set_abort_callback(slot->context.get(), nullptr, nullptr);
  std::lock_guard lock(mutex_);
  if (static_cast<int>(idle_slots_.size()) < options_.max_idle_contexts) {
    idle_slots_.push_back(std::move(slot));
  }
}

LlmSessionPtr LlamaEngine::create_session() { return std::make_unique<LlamaSession>(shared_from_this()); }

LlmCapabilities LlamaEngine::capabilities() const {
  LlmCapabilities caps;
  caps.kv_cache_reuse = true;
  caps.seed = true;
  caps.tool_calls = true;
  caps.context_tokens = context_tokens_;
  return caps;
}

}  // namespace lv::llm
