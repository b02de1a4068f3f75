#include "wake/register_wake.h"

#include <gtest/gtest.h>

#include <string>

#include "util/error.h"

namespace lv::wake {
namespace {

engine::EngineRegistry<WakeEngine> registry_in(const std::filesystem::path& models_dir) {
  engine::EngineRegistry<WakeEngine> registry(engine::EngineKind::wake);
  register_wake_engines(registry, {{}, models_dir});
  return registry;
}

std::string failure_of(const engine::EngineRegistry<WakeEngine>& registry, const std::string& url) {
  try {
    registry.create(registry.parse(url));
  } catch (const Error& e) {
    return e.full_message();
  }
  return "created";
}

TEST(RegisterWake, OptionsComeFromTheUrl) {
  const auto options = wake_options_from_url(
      engine::parse_engine_url("openwakeword:alexa?threshold=0.7&trigger_level=3&refractory_ms=500"));
  EXPECT_FLOAT_EQ(options.threshold, 0.7F);
  EXPECT_EQ(options.trigger_level, 3);
  EXPECT_EQ(options.refractory_ms, 500);
}

TEST(RegisterWake, BadParametersNameTheFix) {
  const auto registry = registry_in("/nonexistent");
  const auto out_of_range = failure_of(registry, "openwakeword:hey_jarvis?threshold=1.5");
  EXPECT_NE(out_of_range.find("threshold='1.5'"), std::string::npos) << out_of_range;
  EXPECT_NE(out_of_range.find("from 0.01 to 0.99"), std::string::npos) << out_of_range;
  const auto malformed = failure_of(registry, "openwakeword:hey_jarvis?trigger_level=two");
  EXPECT_NE(malformed.find("from 1 to 50"), std::string::npos) << malformed;
  const auto unknown = failure_of(registry, "openwakeword:hey_jarvis?sensitivity=2");
  EXPECT_NE(unknown.find("'sensitivity'"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("trigger_level"), std::string::npos) << unknown;
}

TEST(RegisterWake, UnknownWordListsTheKnownOnes) {
  const auto message = failure_of(registry_in("/nonexistent"), "openwakeword:hey_computer");
  EXPECT_NE(message.find("'hey_computer'"), std::string::npos) << message;
  EXPECT_NE(message.find("openwakeword:hey_jarvis"), std::string::npos) << message;
  EXPECT_NE(message.find("openwakeword:alexa"), std::string::npos) << message;
}

TEST(RegisterWake, MissingModelNamesThePullCommand) {
  const auto registry = registry_in("/nonexistent");
  const auto message = failure_of(registry, "openwakeword:hey_mycroft");
  EXPECT_NE(message.find("localvoice models pull openwakeword:hey_mycroft"), std::string::npos) << message;
  const auto default_word = failure_of(registry, "openwakeword:");
  EXPECT_NE(default_word.find("localvoice models pull openwakeword:hey_jarvis"), std::string::npos) << default_word;
}

TEST(RegisterWake, BareWakeWordIsSuggestedTheScheme) {
  const auto registry = registry_in("/nonexistent");
  try {
    (void)registry.parse("alexa");
    FAIL() << "a bare word parsed as a URL";
  } catch (const Error& e) {
    EXPECT_NE(e.full_message().find("openwakeword:alexa"), std::string::npos) << e.full_message();
  }
}

}  // namespace
}  // namespace lv::wake
