#include "engine/engine_registry.h"

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "engine/engine_url.h"
#include "util/error.h"

namespace lv::engine {
namespace {

// A stand-in engine interface, as SttEngine or TtsEngine would be.
class FakeEngine {
 public:
  virtual ~FakeEngine() = default;
  virtual std::string describe() const = 0;
};

class EchoEngine : public FakeEngine {
 public:
  explicit EchoEngine(std::string text) : text_(std::move(text)) {}
  std::string describe() const override { return text_; }

 private:
  std::string text_;
};

using FakeRegistry = EngineRegistry<FakeEngine>;

SchemeInfo info(const std::string& scheme, const std::string& example, EngineFamily family = EngineFamily::embedded) {
  return SchemeInfo{scheme, family, "fake " + scheme + " engine", example};
}

FakeRegistry::Factory echo_factory(const std::string& prefix) {
  return [prefix](const EngineUrl& url) {
    return std::make_shared<EchoEngine>(prefix + ":" + url.spec + ":" + url.param("voice").value_or("-"));
  };
}

TEST(EngineRegistryTest, CreatesEngineFromTheFactoryOfItsScheme) {
  FakeRegistry registry(EngineKind::tts);
  registry.add(info("flite", "flite:slt"), echo_factory("F"));
  registry.add(info("espeak", "espeak:en-us"), echo_factory("E"));

  const auto flite = registry.create(parse_engine_url("flite:slt?voice=x"));
  ASSERT_NE(flite, nullptr);
  EXPECT_EQ(flite->describe(), "F:slt:x");
  const auto espeak = registry.create(parse_engine_url("espeak:en-us"));
  EXPECT_EQ(espeak->describe(), "E:en-us:-");
}

TEST(EngineRegistryTest, ReportsKindSchemesAndMembership) {
  FakeRegistry registry(EngineKind::llm);
  EXPECT_EQ(registry.kind(), EngineKind::llm);
  EXPECT_TRUE(registry.schemes().empty());
  registry.add(info("openai", "openai:http://localhost:8000/v1?model=NAME", EngineFamily::remote), echo_factory("O"));
  registry.add(info("llama", "llama:qwen2.5-0.5b-instruct-q4_k_m"), echo_factory("L"));

  EXPECT_TRUE(registry.has("openai"));
  EXPECT_TRUE(registry.has("llama"));
  EXPECT_FALSE(registry.has("whisper"));
  const auto schemes = registry.schemes();
  ASSERT_EQ(schemes.size(), 2U);
  EXPECT_EQ(schemes[0].scheme, "llama");
  EXPECT_EQ(schemes[0].family, EngineFamily::embedded);
  EXPECT_EQ(schemes[1].scheme, "openai");
  EXPECT_EQ(schemes[1].family, EngineFamily::remote);
  EXPECT_EQ(schemes[1].example, "openai:http://localhost:8000/v1?model=NAME");
}

TEST(EngineRegistryTest, UnknownSchemeNamesTheKindAndListsExamples) {
  FakeRegistry registry(EngineKind::stt);
  registry.add(info("whisper", "whisper:base.en"), echo_factory("W"));
  registry.add(info("pocketsphinx", "pocketsphinx:en-us"), echo_factory("P"));
  try {
    registry.create(parse_engine_url("vosk:small-en"));
    FAIL() << "no error for an unknown scheme";
  } catch (const Error& error) {
    const std::string what = error.what();
    EXPECT_NE(what.find("unknown stt engine 'vosk'"), std::string::npos) << what;
    EXPECT_NE(error.fix().find("whisper:base.en"), std::string::npos) << error.fix();
    EXPECT_NE(error.fix().find("pocketsphinx:en-us"), std::string::npos) << error.fix();
  }
}

TEST(EngineRegistryTest, UnknownSchemeMessageHidesSecrets) {
  FakeRegistry registry(EngineKind::llm);
  try {
    registry.create(parse_engine_url("opanai:http://h/v1?api_key=sk-secret"));
    FAIL() << "no error for an unknown scheme";
  } catch (const Error& error) {
    EXPECT_EQ(error.full_message().find("sk-secret"), std::string::npos) << error.full_message();
    EXPECT_NE(error.fix().find("no llm engines"), std::string::npos) << error.fix();
  }
}

TEST(EngineRegistryTest, RegisteringASchemeTwiceIsAProgrammingError) {
  FakeRegistry registry(EngineKind::vad);
  registry.add(info("energy", "energy:"), echo_factory("A"));
  EXPECT_THROW(registry.add(info("energy", "energy:"), echo_factory("B")), std::logic_error);
  // The first registration stays in force.
  EXPECT_EQ(registry.create(parse_engine_url("energy:"))->describe(), "A::-");
}

TEST(EngineRegistryTest, FactoryErrorPassesThroughUnchanged) {
  FakeRegistry registry(EngineKind::stt);
  registry.add(info("whisper", "whisper:base.en"), [](const EngineUrl& url) -> FakeRegistry::EnginePtr {
    throw Error("model file '" + url.spec + "' does not exist", "download it with `localvoice models pull`");
  });
  try {
    registry.create(parse_engine_url("whisper:/nope.bin"));
    FAIL() << "the factory's error was swallowed";
  } catch (const Error& error) {
    EXPECT_STREQ(error.what(), "model file '/nope.bin' does not exist");
    EXPECT_EQ(error.fix(), "download it with `localvoice models pull`");
  }
}

TEST(EngineRegistryFallback, UsesTheRegisteredFallbackWhenTheEngineCannotBeCreated) {
  EngineRegistry<FakeEngine> registry(EngineKind::vad);
  registry.add({"plain", EngineFamily::embedded, "needs nothing", "plain:"},
               [](const EngineUrl&) { return std::make_shared<EchoEngine>("plain"); });
  registry.add({"model", EngineFamily::embedded, "needs a model file", "model:", "plain:"},
               [](const EngineUrl& url) -> std::shared_ptr<FakeEngine> {
                 if (url.spec != "present") {
                   throw Error("model:" + url.spec + " is not installed", "pull it");
                 }
                 return std::make_shared<EchoEngine>("model");
               });
  const auto fine = registry.create_or_fallback(parse_engine_url("model:present"));
  EXPECT_EQ(fine.engine->describe(), "model");
  EXPECT_EQ(fine.url, "model:present");
  EXPECT_TRUE(fine.fallback_reason.empty());

  const auto fallen = registry.create_or_fallback(parse_engine_url("model:gone"));
  EXPECT_EQ(fallen.engine->describe(), "plain");
  EXPECT_EQ(fallen.url, "plain:");
  EXPECT_NE(fallen.fallback_reason.find("model:gone is not installed"), std::string::npos) << fallen.fallback_reason;
}

TEST(EngineRegistryFallback, WithoutAFallbackTheErrorPassesThrough) {
  EngineRegistry<FakeEngine> registry(EngineKind::stt);
  registry.add({"model", EngineFamily::embedded, "needs a model file", "model:"},
               [](const EngineUrl&) -> std::shared_ptr<FakeEngine> { throw Error("broken", "fix it"); });
  EXPECT_THROW((void)registry.create_or_fallback(parse_engine_url("model:x")), Error);
  EXPECT_THROW((void)registry.create_or_fallback(parse_engine_url("unknown:x")), Error);
}

}  // namespace
}  // namespace lv::engine
