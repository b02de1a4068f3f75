#include "engine/engine_registry.h"

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

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
  return SchemeInfo{.scheme = scheme,
                    .family = family,
                    .description = "fake " + scheme + " engine",
                    .example = example,
                    .params = {"voice"}};
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
  registry.add({.scheme = "plain", .description = "needs nothing", .example = "plain:"},
               [](const EngineUrl&) { return std::make_shared<EchoEngine>("plain"); });
  registry.add({.scheme = "model", .description = "needs a model file", .example = "model:", .fallback = "plain:"},
               [](const EngineUrl& url) -> std::shared_ptr<FakeEngine> {
                 if (url.spec != "present") {
                   throw Error("model:" + url.spec + " is not installed", "pull it");
                 }
                 return std::make_shared<EchoEngine>("model");
               });
  const auto fine = registry.load(parse_engine_url("model:present"));
  EXPECT_EQ(fine.engine->describe(), "model");
  EXPECT_EQ(fine.url, "model:present");
  EXPECT_TRUE(fine.fallback_reason.empty());

  const auto fallen = registry.load(parse_engine_url("model:gone"));
  EXPECT_EQ(fallen.engine->describe(), "plain");
  EXPECT_EQ(fallen.url, "plain:");
  EXPECT_NE(fallen.fallback_reason.find("model:gone is not installed"), std::string::npos) << fallen.fallback_reason;
}

TEST(EngineRegistryFallback, WithoutAFallbackTheErrorPassesThrough) {
  EngineRegistry<FakeEngine> registry(EngineKind::stt);
  registry.add({.scheme = "model", .description = "needs a model file", .example = "model:"},
               [](const EngineUrl&) -> std::shared_ptr<FakeEngine> { throw Error("broken", "fix it"); });
  EXPECT_THROW((void)registry.load(parse_engine_url("model:x")), Error);
  EXPECT_THROW((void)registry.load(parse_engine_url("unknown:x")), Error);
}

TEST(EngineRegistryFallback, AParameterTheEngineDoesNotAcceptIsNotFallenBackFrom) {
  EngineRegistry<FakeEngine> registry(EngineKind::vad);
  registry.add({.scheme = "plain", .example = "plain:"},
               [](const EngineUrl&) { return std::make_shared<EchoEngine>("plain"); });
  registry.add({.scheme = "model", .example = "model:", .fallback = "plain:", .params = {"threshold"}},
               [](const EngineUrl&) -> std::shared_ptr<FakeEngine> { throw Error("not installed", "pull it"); });
  EXPECT_EQ(registry.load(parse_engine_url("model:?threshold=1")).url, "plain:");
  try {
    (void)registry.load(parse_engine_url("model:?treshold=1"));
    FAIL() << "a misspelled parameter was accepted";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("unknown parameter 'treshold'"), std::string::npos) << error.what();
    EXPECT_NE(error.fix().find("threshold"), std::string::npos) << error.fix();
  }
}

TEST(EngineRegistryTest, AcceptsOnlyTheParametersItsSchemeRegistered) {
  FakeRegistry registry(EngineKind::tts);
  registry.add({.scheme = "bare", .example = "bare:"}, echo_factory("B"));
  registry.add(info("flite", "flite:slt"), echo_factory("F"));
  EXPECT_EQ(registry.create(parse_engine_url("flite:slt?voice=x"))->describe(), "F:slt:x");
  EXPECT_THROW((void)registry.create(parse_engine_url("flite:slt?speed=2")), Error);
  EXPECT_THROW((void)registry.create(parse_engine_url("bare:?voice=x")), Error);
}

TEST(EngineRegistryTest, ParseSuggestsItsOwnSchemes) {
  FakeRegistry registry(EngineKind::tts);
  SchemeInfo flite = info("flite", "flite:slt");
  flite.claims = [](std::string_view word) { return word == "slt"; };
  registry.add(flite, echo_factory("F"));
  try {
    (void)registry.parse("slt");
    FAIL() << "a URL without a kind parsed";
  } catch (const Error& error) {
    EXPECT_EQ(error.fix(), "did you mean 'flite:slt'?");
  }
  EXPECT_EQ(registry.load("flite:slt").engine->describe(), "F:slt:-");
}

TEST(EngineRegistryTest, DescribesItsSchemesWithTheirKindIntoACatalog) {
  FakeRegistry stt(EngineKind::stt);
  FakeRegistry tts(EngineKind::tts);
  stt.add(info("openai", "openai:http://h/v1"), echo_factory("S"));
  tts.add(info("openai", "openai:http://h/v1"), echo_factory("T"));
  tts.add(info("flite", "flite:slt"), echo_factory("F"));
  EngineCatalog catalog;
  stt.describe_into(catalog);
  tts.describe_into(catalog);
  EXPECT_EQ(catalog.all().size(), 3U);
  ASSERT_NE(catalog.find(EngineKind::tts, "flite"), nullptr);
  EXPECT_EQ(catalog.find(EngineKind::tts, "flite")->kind, EngineKind::tts);
  EXPECT_EQ(catalog.find(EngineKind::stt, "flite"), nullptr);
  EXPECT_EQ(catalog.of_kind(EngineKind::stt).size(), 1U);
}

}  // namespace
}  // namespace lv::engine
