#include "tts/tts_engines.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/engine_url.h"
#include "tts/openai_tts_engine.h"
#include "util/error.h"

namespace lv::tts {
namespace {

using ::testing::HasSubstr;

engine::EngineRegistry<TtsEngine> registry() {
  engine::EngineRegistry<TtsEngine> out(engine::EngineKind::tts);
  TtsEngineContext context;
  context.models_dir = "/nonexistent/models";
  register_tts_engines(out, context);
  return out;
}

std::string create_error(const std::string& url) {
  try {
    registry().create(engine::parse_engine_url(url));
  } catch (const Error& e) {
    return std::string(e.what()) + " | " + e.fix();
  }
  return "no error";
}

TEST(RegisterTtsEngines, OffersEveryScheme) {
  const auto reg = registry();
  for (const char* scheme : {"flite", "espeak", "piper", "openai"}) {
    EXPECT_TRUE(reg.has(scheme)) << scheme;
  }
}

TEST(RegisterTtsEngines, CreatesEmbeddedEnginesFromUrls) {
  const auto reg = registry();
  EXPECT_EQ(reg.create(engine::parse_engine_url("flite:kal16"))->name(), "flite:kal16");
  EXPECT_EQ(reg.create(engine::parse_engine_url("flite:"))->name(), "flite:slt");
  EXPECT_EQ(reg.create(engine::parse_engine_url("espeak:de"))->name(), "espeak:de");
}

TEST(RegisterTtsEngines, CreatesTheRemoteEngineWithoutContactingIt) {
  const auto engine = registry().create(
      engine::parse_engine_url("openai:http://127.0.0.1:9/v1?model=kokoro&voice=af_bella&format=wav"));
  auto* remote = dynamic_cast<OpenAiTtsEngine*>(engine.get());
  ASSERT_NE(remote, nullptr);
  EXPECT_EQ(remote->endpoint(), "http://127.0.0.1:9/v1/audio/speech");
  EXPECT_EQ(remote->name(), "openai:kokoro");
  EXPECT_FALSE(remote->capabilities().streaming);
}

TEST(RegisterTtsEngines, BadUrlsGiveClearErrors) {
  EXPECT_THAT(create_error("flite:bob"), HasSubstr("unknown flite voice"));
  EXPECT_THAT(create_error("piper:"), HasSubstr("needs a voice"));
  EXPECT_THAT(create_error("piper:en_US-lessac-medium"), HasSubstr("/nonexistent/models/en_US-lessac-medium.onnx"));
  EXPECT_THAT(create_error("piper:/x/v.onnx?length_scale=fast"), HasSubstr("length_scale"));
  EXPECT_THAT(create_error("openai:http://h/v1?timeout_ms=-5"), HasSubstr("timeout_ms"));
  EXPECT_THAT(create_error("openai:http://h/v1?format=ogg"), HasSubstr("ogg"));
}

}  // namespace
}  // namespace lv::tts
