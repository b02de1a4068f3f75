#include "llm/llama_engine.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "llm/text_stream.h"
#include "llm/tiny_model.h"
#include "support/test_paths.h"
#include "util/error.h"
#include "util/utf8.h"

namespace lv::llm {
namespace {

using util::is_valid_utf8;

class LlamaEngineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<test::TempDir>();
    model_path_ = test::make_tiny_gguf(dir_->path());
  }
  static void TearDownTestSuite() { dir_.reset(); }

  static std::shared_ptr<LlamaEngine> engine(int max_idle_contexts = 1, int context_tokens = 2048) {
    LlamaEngineOptions options;
    options.model_path = model_path_;
    options.threads = 2;
    options.context_tokens = context_tokens;
    options.max_idle_contexts = max_idle_contexts;
    return LlamaEngine::create(options);
  }

  static std::vector<ChatMessage> conversation(const std::string& user_text) {
    return {{ChatRole::system, "You are a helpful assistant."}, {ChatRole::user, user_text}};
  }

  static ChatOptions seeded(std::uint32_t seed, int max_tokens) {
    ChatOptions options;
    options.seed = seed;
    options.temperature = 1.0F;
    options.max_tokens = max_tokens;
    return options;
  }

  // A seed whose answer to `conversation("hello world")` runs at least `min_tokens` without ending.
  static std::uint32_t long_answer_seed(LlmEngine& engine, int min_tokens) {
    for (std::uint32_t seed = 1; seed < 100; ++seed) {
      auto session = engine.create_session();
      const auto result = session->chat(conversation("hello world"), seeded(seed, min_tokens), [](const ChatDelta&) {});
      if (result.finish_reason == FinishReason::length) {
        return seed;
      }
    }
    ADD_FAILURE() << "no seed gives a long answer";
    return 1;
  }

  static inline std::unique_ptr<test::TempDir> dir_;
  static inline std::filesystem::path model_path_;
};

TEST_F(LlamaEngineTest, StreamsValidUtf8DeltasWithTimings) {
  auto llm = engine();
  auto session = llm->create_session();
  std::vector<std::string> deltas;
  const auto result = session->chat(conversation("hello"), seeded(3, 200),
                                    [&](const ChatDelta& delta) { deltas.push_back(delta.content); });
  ASSERT_NE(result.finish_reason, FinishReason::error) << result.error;
  ASSERT_FALSE(deltas.empty());
  std::string joined;
  for (const auto& delta : deltas) {
    EXPECT_FALSE(delta.empty());
    EXPECT_TRUE(is_valid_utf8(delta)) << delta;
    joined += delta;
  }
  EXPECT_EQ(joined, result.content);
  EXPECT_GT(result.timings.prompt_tokens, 10);
  EXPECT_EQ(result.timings.prompt_eval_tokens, result.timings.prompt_tokens);  // nothing cached yet
  EXPECT_GT(result.timings.completion_tokens, 0);
  EXPECT_LE(result.timings.completion_tokens, 200);
  EXPECT_GT(result.timings.time_to_first_token_ms, 0.0);
  EXPECT_GE(result.timings.total_ms, result.timings.time_to_first_token_ms);
  EXPECT_EQ(llm->model_name(), "tiny.gguf");
  EXPECT_TRUE(llm->capabilities().kv_cache_reuse);
}

TEST_F(LlamaEngineTest, MaxTokensEndsWithLength) {
  auto llm = engine();
  const std::uint32_t seed = long_answer_seed(*llm, 8);
  auto session = llm->create_session();
  const auto result = session->chat(conversation("hello world"), seeded(seed, 8), [](const ChatDelta&) {});
  EXPECT_EQ(result.finish_reason, FinishReason::length);
  EXPECT_EQ(result.timings.completion_tokens, 8);
}

TEST_F(LlamaEngineTest, SameSeedGivesTheSameAnswer) {
  auto llm = engine(0);
  auto first = llm->create_session()->chat(conversation("what is it"), seeded(11, 40), [](const ChatDelta&) {});
  auto second = llm->create_session()->chat(conversation("what is it"), seeded(11, 40), [](const ChatDelta&) {});
  EXPECT_EQ(first.content, second.content);
  EXPECT_FALSE(first.content.empty());
}

TEST_F(LlamaEngineTest, StopSequenceCutsTheAnswerAndNeverLeaks) {
  auto llm = engine(0);  // fresh contexts: both runs compute the same logits
  const std::uint32_t seed = long_answer_seed(*llm, 60);
  const auto full = llm->create_session()->chat(conversation("hello world"), seeded(seed, 60), [](const ChatDelta&) {});
  // A stop sequence taken from the middle of the answer (starting on a character boundary).
  std::size_t at = full.content.size() / 2;
  while (at > 0 && (static_cast<unsigned char>(full.content[at]) & 0xC0) == 0x80) {
    --at;
  }
  std::size_t end = at + 1;
  while (end < full.content.size() && (static_cast<unsigned char>(full.content[end]) & 0xC0) == 0x80) {
    ++end;
  }
  const std::string stop = full.content.substr(at, end + 1 - at);
  const std::string expected = full.content.substr(0, full.content.find(stop));

  ChatOptions options = seeded(seed, 60);
  options.stop = {stop};
  std::string streamed;
  const auto cut = llm->create_session()->chat(conversation("hello world"), options,
                                               [&](const ChatDelta& delta) { streamed += delta.content; });
  EXPECT_EQ(cut.finish_reason, FinishReason::stop);
  EXPECT_EQ(streamed, expected);
  EXPECT_EQ(cut.content, expected);
}

TEST_F(LlamaEngineTest, CancelFromTheCallbackStopsAtOnce) {
  auto llm = engine();
  const std::uint32_t seed = long_answer_seed(*llm, 100);
  std::stop_source stop;
  int deltas_after_stop = 0;
  int deltas = 0;
  const auto result = llm->create_session()->chat(
      conversation("hello world"), seeded(seed, 100),
      [&](const ChatDelta&) {
        ++deltas;
        if (stop.stop_requested()) {
          ++deltas_after_stop;
        }
        if (deltas == 5) {
          stop.request_stop();
        }
      },
      stop.get_token());
  EXPECT_EQ(result.finish_reason, FinishReason::cancelled);
  EXPECT_EQ(deltas_after_stop, 0);
  EXPECT_LT(result.timings.completion_tokens, 100);
}

TEST_F(LlamaEngineTest, CancelFromAnotherThreadReturnsPromptly) {
  auto llm = engine();
  const std::uint32_t seed = long_answer_seed(*llm, 300);
  std::stop_source stop;
  std::atomic<bool> started{false};
  std::chrono::steady_clock::time_point stop_at;
  std::thread canceller([&] {
    while (!started.load()) {
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
    stop_at = std::chrono::steady_clock::now();
    stop.request_stop();
  });
  const auto result = llm->create_session()->chat(
      conversation("hello world"), seeded(seed, 300), [&](const ChatDelta&) { started = true; }, stop.get_token());
  const auto returned_at = std::chrono::steady_clock::now();
  canceller.join();
  EXPECT_EQ(result.finish_reason, FinishReason::cancelled);
  // Generous bound: the requirement is 50 ms, a token of this model takes well under 1 ms.
  const double latency_ms = std::chrono::duration<double, std::milli>(returned_at - stop_at).count();
  EXPECT_LT(latency_ms, 250.0);
}

TEST_F(LlamaEngineTest, AlreadyCancelledCallDoesNothing) {
  auto llm = engine();
  std::stop_source stop;
  stop.request_stop();
  int deltas = 0;
  const auto result = llm->create_session()->chat(
      conversation("hello"), seeded(1, 10), [&](const ChatDelta&) { ++deltas; }, stop.get_token());
  EXPECT_EQ(result.finish_reason, FinishReason::cancelled);
  EXPECT_EQ(deltas, 0);
}

TEST_F(LlamaEngineTest, FollowUpTurnOnlyPrefillsTheNewTokens) {
  auto llm = engine();
  std::string system = "You are a helpful assistant.";
  for (int i = 0; i < 30; ++i) {
    system += " Answer the user in the world of hello.";
  }
  std::vector<ChatMessage> messages{{ChatRole::system, system}, {ChatRole::user, "hello"}};
  auto session = llm->create_session();
  const auto first = session->chat(messages, seeded(5, 20), [](const ChatDelta&) {});
  ASSERT_NE(first.finish_reason, FinishReason::error);
  EXPECT_EQ(first.timings.prompt_eval_tokens, first.timings.prompt_tokens);

  messages.push_back({ChatRole::assistant, first.content});
  messages.push_back({ChatRole::user, "and what is the world?"});
  const auto second = session->chat(messages, seeded(5, 20), [](const ChatDelta&) {});
  ASSERT_NE(second.finish_reason, FinishReason::error);
  // The whole first prompt came from the cache; only the answer and the new turn were computed.
  EXPECT_LE(second.timings.prompt_eval_tokens, second.timings.prompt_tokens - first.timings.prompt_tokens + 1);
  EXPECT_LT(second.timings.prompt_eval_tokens * 4, second.timings.prompt_tokens);

  // A fresh conversation on another context computes everything.
  auto other = llm->create_session();
  const auto cold = other->chat(messages, seeded(5, 20), [](const ChatDelta&) {});
  EXPECT_EQ(cold.timings.prompt_eval_tokens, cold.timings.prompt_tokens);
  EXPECT_EQ(cold.timings.prompt_tokens, second.timings.prompt_tokens);
}

TEST_F(LlamaEngineTest, FullContextDropsTheOldestTurnsButKeepsTheSystemPrompt) {
  auto llm = engine(1, 256);
  const int context = llm->capabilities().context_tokens;
  ASSERT_GE(context, 256);
  std::vector<ChatMessage> messages{{ChatRole::system, "You are a helpful assistant."}};
  for (int turn = 0; turn < 12; ++turn) {
    messages.push_back(
        {ChatRole::user, "hello world, what is the world and what is hello? turn " + std::to_string(turn)});
    messages.push_back({ChatRole::assistant, "the world is a hello and the hello is a world."});
  }
  messages.push_back({ChatRole::user, "the last question"});
  const auto result = llm->create_session()->chat(messages, seeded(2, 16), [](const ChatDelta&) {});
  ASSERT_NE(result.finish_reason, FinishReason::error) << result.error;
  EXPECT_LE(result.timings.prompt_tokens + 16, context);
  const auto& model = llm->model();
  const auto minimal = model.tokenize(model.format_chat({messages.front(), messages.back()}));
  EXPECT_GE(result.timings.prompt_tokens, static_cast<int>(minimal.size()));

  std::vector<ChatMessage> too_long{{ChatRole::user, std::string(4000, 'x')}};
  EXPECT_THROW(llm->create_session()->chat(too_long, seeded(2, 16), [](const ChatDelta&) {}), Error);
}

TEST_F(LlamaEngineTest, HighTemperatureRandomBytesStayValidUtf8) {
  auto llm = engine();
  ChatOptions options = seeded(99, 300);
  options.temperature = 2.0F;
  int deltas = 0;
  const auto result =
      llm->create_session()->chat(conversation("\xF0\x9F\x98\x80 \xE4\xB8\x96"), options, [&](const ChatDelta& delta) {
        ++deltas;
        ASSERT_TRUE(is_valid_utf8(delta.content));
      });
  EXPECT_GT(deltas, 0);
  EXPECT_TRUE(is_valid_utf8(result.content));
}

TEST_F(LlamaEngineTest, MissingFileIsAClearError) {
  LlamaEngineOptions options;
  options.model_path = dir_->path() / "nope.gguf";
  try {
    LlamaEngine::create(options);
    FAIL() << "expected lv::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("not found"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("nope.gguf"), std::string::npos);
  }
}

TEST_F(LlamaEngineTest, NonGgufFileIsAClearError) {
  const auto path = dir_->path() / "notes.gguf";
  std::ofstream(path) << "this is plain text, not a model\n";
  LlamaEngineOptions options;
  options.model_path = path;
  try {
    LlamaEngine::create(options);
    FAIL() << "expected lv::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("not a GGUF"), std::string::npos) << e.what();
  }
}

TEST_F(LlamaEngineTest, TruncatedGgufIsAClearError) {
  for (const double fraction : {0.9, 0.3, 0.0001}) {
    const auto path = dir_->path() / "truncated.gguf";
    std::filesystem::copy_file(model_path_, path, std::filesystem::copy_options::overwrite_existing);
    std::filesystem::resize_file(
        path, std::max<std::uintmax_t>(8, static_cast<std::uintmax_t>(std::filesystem::file_size(path) * fraction)));
    LlamaEngineOptions options;
    options.model_path = path;
    try {
      LlamaEngine::create(options);
      FAIL() << "expected lv::Error at fraction " << fraction;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos) << e.what();
      EXPECT_FALSE(e.fix().empty());
    }
  }
}

TEST_F(LlamaEngineTest, ModelWithoutTemplateNeedsOneConfigured) {
  const auto path = test::make_tiny_gguf(dir_->path(), "no_template.gguf", "--no-template");
  LlamaEngineOptions options;
  options.model_path = path;
  try {
    LlamaEngine::create(options);
    FAIL() << "expected lv::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no chat template"), std::string::npos) << e.what();
    EXPECT_NE(e.fix().find("template=chatml"), std::string::npos) << e.fix();
  }
  options.chat_template = "chatml";
  auto llm = LlamaEngine::create(options);
  const auto result = llm->create_session()->chat(conversation("hello"), seeded(1, 4), [](const ChatDelta&) {});
  EXPECT_NE(result.finish_reason, FinishReason::error);

  options.chat_template = "no-such-template";
  EXPECT_THROW(LlamaEngine::create(options), Error);
}

}  // namespace
}  // namespace lv::llm
