#include "stt/register_stt.h"

#include <gtest/gtest.h>

#include "stt/openai_stt.h"
#include "util/error.h"

namespace lv::stt {
namespace {

engine::EngineRegistry<SttEngine> make_registry() {
  engine::EngineRegistry<SttEngine> registry(engine::EngineKind::stt);
  SttRegistryOptions options;
  options.models_dir = "/nonexistent-models";
  options.threads = 2;
  register_stt_engines(registry, options);
  return registry;
}

TEST(RegisterStt, RegistersAllSchemes) {
  const auto registry = make_registry();
  for (const char* scheme : {"pocketsphinx", "whisper", "openai"}) {
    EXPECT_TRUE(registry.has(scheme)) << scheme;
  }
}

TEST(RegisterStt, SameUrlSharesOneEngine) {
  const auto registry = make_registry();
  const auto url = engine::parse_engine_url("pocketsphinx:en-us");
  const auto first = registry.create(url);
  const auto second = registry.create(url);
  EXPECT_EQ(first.get(), second.get());
  EXPECT_EQ(first->capabilities().name, "pocketsphinx");
}

TEST(RegisterStt, ModelsDirProviderIsAskedAtCreation) {
  engine::EngineRegistry<SttEngine> registry(engine::EngineKind::stt);
  SttRegistryOptions options;
  std::filesystem::path configured = "/first";
  options.models_dir_provider = [&configured] { return configured; };
  register_stt_engines(registry, options);
  configured = "/loaded-later";
  try {
    registry.create(engine::parse_engine_url("whisper:tiny"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/loaded-later/ggml-tiny.bin"), std::string::npos) << e.what();
  }
}

TEST(RegisterStt, OpenAiUrlBuildsTheEndpoint) {
  const auto registry = make_registry();
  const auto engine =
      registry.create(engine::parse_engine_url("openai:http://127.0.0.1:9/v1?model=base&timeout_ms=500"));
  const auto* openai = dynamic_cast<const OpenAiStt*>(engine.get());
  ASSERT_NE(openai, nullptr);
  EXPECT_EQ(openai->endpoint(), "http://127.0.0.1:9/v1/audio/transcriptions");
}

TEST(RegisterStt, BadUrlsNameTheProblem) {
  const auto registry = make_registry();
  const auto message = [&](const char* text) {
    try {
      registry.create(engine::parse_engine_url(text));
    } catch (const Error& e) {
      return e.full_message();
    }
    return std::string("(no error)");
  };
  EXPECT_NE(message("whisper:base.en").find("/nonexistent-models/ggml-base.en.bin"), std::string::npos);
  EXPECT_NE(message("whisper:/x.bin?beam=3").find("beam"), std::string::npos);
  EXPECT_NE(message("pocketsphinx:de-de").find("de-de"), std::string::npos);
  EXPECT_NE(message("openai:?model=x").find("server URL"), std::string::npos);
  EXPECT_NE(message("whisper:/x.bin?threads=many").find("threads"), std::string::npos);
}

}  // namespace
}  // namespace lv::stt
