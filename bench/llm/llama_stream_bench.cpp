// llama: engine costs: streaming overhead against a bare llama.cpp decode loop, and KV-cache reuse on a
// follow-up turn with a 1,000-token history against recomputing it.
#include <benchmark/benchmark.h>
#include <llama.h>

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "llm/llama_engine.h"
#include "llm/tiny_model.h"

namespace {

using Clock = std::chrono::steady_clock;
using lv::llm::ChatMessage;
using lv::llm::ChatRole;

constexpr int kGeneratedTokens = 128;
constexpr int kThreads = 1;  // one thread: no spin barriers, steadier on a shared machine

// One random-weight model for all benchmarks, big enough that a token takes measurable time.
struct BenchModel {
  lv::test::TempDir dir;
  std::filesystem::path path = lv::test::make_tiny_gguf(dir.path(), "bench.gguf", "--embd 256 --layers 4 --ctx 4096");
};

BenchModel& bench_model() {
  static BenchModel model;
  return model;
}

std::shared_ptr<lv::llm::LlamaEngine> make_engine(int max_idle_contexts) {
  lv::llm::LlamaEngineOptions options;
  options.model_path = bench_model().path;
  options.threads = kThreads;
  options.context_tokens = 4096;
  options.max_idle_contexts = max_idle_contexts;
  return lv::llm::LlamaEngine::create(options);
}

std::vector<ChatMessage> short_chat() { return {{ChatRole::system, "Be brief."}, {ChatRole::user, "hello world"}}; }

lv::llm::ChatOptions greedy(int max_tokens) {
  lv::llm::ChatOptions options;
  options.temperature = 0.0F;
  options.max_tokens = max_tokens;
  return options;
}

// Runs `generate` and returns (seconds, tokens).
template <typename Generate>
std::pair<double, int> timed(Generate&& generate) {
  const auto started = Clock::now();
  const int tokens = generate();
  return {std::chrono::duration<double>(Clock::now() - started).count(), tokens};
}

// The engine path and a bare llama.cpp loop (same model, prompt, greedy sampling, fresh cache each time),
// alternated in one loop so that changing load on the machine affects both alike.
void BM_StreamOverheadVsBareLoop(benchmark::State& state) {
  auto engine = make_engine(0);  // a fresh context per session: nothing cached
  const auto& model = engine->model();
  const auto* vocab = llama_model_get_vocab(model.get());
  const auto prompt = model.tokenize(model.format_chat(short_chat()));
  llama_context_params params = llama_context_default_params();
  params.n_ctx = 4096;
  params.n_batch = 512;
  params.n_ubatch = 512;
  params.n_threads = kThreads;
  params.n_threads_batch = kThreads;
  params.no_perf = true;

  double engine_s = 0;
  double bare_s = 0;
  std::int64_t engine_tokens = 0;
  std::int64_t bare_tokens = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto session = engine->create_session();
    llama_context* context = llama_init_from_model(model.get(), params);
    llama_sampler* sampler = llama_sampler_init_greedy();
    state.ResumeTiming();

    const auto [e_s, e_tokens] = timed([&] {
      return session
          ->chat(short_chat(), greedy(kGeneratedTokens),
                 [](const lv::llm::ChatDelta& delta) { benchmark::DoNotOptimize(delta.content.data()); })
          .timings.completion_tokens;
    });
    const auto [b_s, b_tokens] = timed([&] {
      std::vector<llama_token> input = prompt;
      llama_batch batch = llama_batch_get_one(input.data(), static_cast<std::int32_t>(input.size()));
      std::string text;
      int produced = 0;
      for (int i = 0; i < kGeneratedTokens; ++i) {
        if (llama_decode(context, batch) != 0) {
          break;
        }
        const llama_token token = llama_sampler_sample(sampler, context, -1);
        if (llama_vocab_is_eog(vocab, token)) {
          break;
        }
        char piece[64];
        const int n = llama_token_to_piece(vocab, token, piece, sizeof(piece), 0, false);
        text.append(piece, static_cast<std::size_t>(n > 0 ? n : 0));
        ++produced;
        input.assign(1, token);
        batch = llama_batch_get_one(input.data(), 1);
      }
      benchmark::DoNotOptimize(text.data());
      return produced;
    });
    engine_s += e_s;
    engine_tokens += e_tokens;
    bare_s += b_s;
    bare_tokens += b_tokens;

    state.PauseTiming();
    llama_sampler_free(sampler);
    llama_free(context);
    state.ResumeTiming();
  }
  const double engine_rate = static_cast<double>(engine_tokens) / engine_s;
  const double bare_rate = static_cast<double>(bare_tokens) / bare_s;
  state.counters["engine_tokens/s"] = engine_rate;
  state.counters["bare_tokens/s"] = bare_rate;
  state.counters["overhead_%"] = (bare_rate - engine_rate) / bare_rate * 100.0;
  state.counters["tokens/iter"] = static_cast<double>(engine_tokens) / static_cast<double>(state.iterations());
  if (engine_tokens != bare_tokens) {
    state.SkipWithError("the engine and the bare loop generated different token counts");
  }
}
BENCHMARK(BM_StreamOverheadVsBareLoop)->Unit(benchmark::kMillisecond)->MinTime(5.0);

// A conversation whose history is about 1,000 tokens.
std::vector<ChatMessage> long_history(const lv::llm::LlamaModel& model) {
  std::vector<ChatMessage> messages{{ChatRole::system, "You are a helpful assistant that answers briefly."}};
  for (int turn = 0; model.tokenize(model.format_chat(messages)).size() < 980; ++turn) {
    messages.emplace_back(ChatRole::user, "tell me about the world, part " + std::to_string(turn));
    messages.emplace_back(ChatRole::assistant,
                          "the world is what it is, and you and I see the hello of it " + std::to_string(turn));
  }
  messages.emplace_back(ChatRole::user, "and what is it now?");
  return messages;
}

void follow_up_ttft(benchmark::State& state, bool reuse) {
  auto engine = make_engine(reuse ? 1 : 0);
  std::vector<ChatMessage> history = long_history(engine->model());
  double prompt_tokens = 0;
  double prompt_eval_tokens = 0;
  auto session = engine->create_session();
  for (auto _ : state) {
    if (!reuse) {
      session = engine->create_session();  // a fresh, empty cache
    }
    // First turn (not timed): with reuse it leaves the history in the cache.
    std::vector<ChatMessage> turn = history;
    const auto first = session->chat(turn, greedy(4), [](const lv::llm::ChatDelta&) {});
    turn.emplace_back(ChatRole::assistant, first.content);
    turn.emplace_back(ChatRole::user, "thanks, and one more thing?");
    if (!reuse) {
      session = engine->create_session();
    }
    const auto second = session->chat(turn, greedy(1), [](const lv::llm::ChatDelta&) {});
    state.SetIterationTime(second.timings.time_to_first_token_ms / 1000.0);
    prompt_tokens = second.timings.prompt_tokens;
    prompt_eval_tokens = second.timings.prompt_eval_tokens;
  }
  state.counters["prompt_tokens"] = prompt_tokens;
  state.counters["prompt_eval_tokens"] = prompt_eval_tokens;
}

void BM_FollowUpTtftWithKvReuse(benchmark::State& state) { follow_up_ttft(state, true); }
void BM_FollowUpTtftRecompute(benchmark::State& state) { follow_up_ttft(state, false); }
BENCHMARK(BM_FollowUpTtftWithKvReuse)->UseManualTime()->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_FollowUpTtftRecompute)->UseManualTime()->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace
