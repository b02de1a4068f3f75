// openai: client overhead: the same streamed /v1/chat/completions request from llama-server, through our
// client (SSE parsing, UTF-8 and stop filtering, retries) and through plain libcurl that discards the bytes.
#include <benchmark/benchmark.h>
#include <curl/curl.h>

#include <memory>
#include <string>
#include <vector>

#include "llm/llama_server_process.h"
#include "llm/openai_engine.h"
#include "llm/tiny_model.h"

namespace {

constexpr int kMaxTokens = 32;

struct Server {
  lv::test::TempDir dir;
  std::filesystem::path model = lv::test::make_tiny_gguf(dir.path());
  lv::test::LlamaServerProcess process{model, dir.path() / "server.log", {"-c", "1024"}};
  Server() { process.start(); }
};

Server& server() {
  static Server instance;
  return instance;
}

// The body our client sends for this conversation and these options (checked by the first request).
const char* kBody =
    R"({"max_tokens":32,"messages":[{"content":"Be brief.","role":"system"},{"content":"hello","role":"user"}],)"
    R"("model":"tiny","seed":1,"stream":true,"stream_options":{"include_usage":true},"temperature":0.0})";

void BM_OpenAiClient(benchmark::State& state) {
  lv::llm::RemoteOptions remote;
  remote.base_url = server().process.url() + "/v1";
  remote.model = "tiny";
  lv::llm::OpenAiEngine engine(remote);
  lv::llm::ChatOptions options;
  options.max_tokens = kMaxTokens;
  options.temperature = 0.0F;
  options.seed = 1;
  const std::vector<lv::llm::ChatMessage> messages{{lv::llm::ChatRole::system, "Be brief."},
                                                   {lv::llm::ChatRole::user, "hello"}};
  std::int64_t tokens = 0;
  for (auto _ : state) {
    const auto result = engine.create_session()->chat(
        messages, options, [](const lv::llm::ChatDelta& delta) { benchmark::DoNotOptimize(delta.content.data()); });
    if (result.finish_reason == lv::llm::FinishReason::error) {
      state.SkipWithError(result.error.c_str());
      break;
    }
    tokens += result.timings.completion_tokens;
  }
  state.counters["tokens/iter"] = static_cast<double>(tokens) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_OpenAiClient)->Unit(benchmark::kMillisecond)->MinTime(1.0);

std::size_t discard(char* /*data*/, std::size_t size, std::size_t count, void* user) {
  *static_cast<std::size_t*>(user) += size * count;
  return size * count;
}

void BM_PlainLibcurl(benchmark::State& state) {
  const std::string url = server().process.url() + "/v1/chat/completions";
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  std::size_t bytes = 0;
  for (auto _ : state) {
    // A new handle setup per request, as a client making one call would do.
    curl_easy_reset(curl.get());
    curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, kBody);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &bytes);
    curl_easy_setopt(curl.get(), CURLOPT_FORBID_REUSE, 1L);
    if (curl_easy_perform(curl.get()) != CURLE_OK) {
      state.SkipWithError("libcurl request failed");
      break;
    }
  }
  curl_slist_free_all(headers);
  state.counters["bytes/iter"] = static_cast<double>(bytes) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_PlainLibcurl)->Unit(benchmark::kMillisecond)->MinTime(1.0);

}  // namespace
