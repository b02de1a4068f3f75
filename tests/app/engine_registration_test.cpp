// A new engine is one folder plus one registration line: once its module's add() has run, config checks,
// doctor, "did you mean", loading by URL and its fallback all know it, with no other list to edit.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "app/doctor_command.h"
#include "app/engine_loader.h"
#include "app/engine_setup.h"
#include "app/loaded_engines.h"
#include "config/config.h"
#include "support/test_paths.h"
#include "util/error.h"
#include "vad/energy_vad.h"

namespace lv::app {
namespace {

// The test-only engine "clap:": a detector whose model is "installed" only as clap:present.
void register_clap_engine(engine::EngineRegistry<vad::VadEngine>& registry) {
  registry.add({.scheme = "clap",
                .description = "Clap detector for tests",
                .example = "clap:present",
                .fallback = "energy:",
                .params = {"sensitivity"},
                .claims = [](std::string_view word) { return word == "hands"; }},
               [](const engine::EngineUrl& url) -> vad::VadEnginePtr {
                 if (url.spec != "present") {
                   throw Error("the clap model '" + url.spec + "' is not installed", "install it");
                 }
                 return std::make_shared<vad::EnergyVad>(vad::EnergyVadSettings{});
               });
}

class EngineRegistrationTest : public ::testing::Test {
 protected:
  EngineRegistrationTest() {
    register_clap_engine(setup_.vad);  // the one registration line
  }

  static config::Config config_in(const std::filesystem::path& dir) {
    config::Config config;
    config.paths.data_dir = dir / "data";
    config.paths.models_dir = dir / "models";
    config.paths.kb_dir = dir / "kb";
    return config;
  }

  config::Config load_with_vad(const std::string& url) const {
    const auto engines = setup_.catalog();
    config::Sources sources;
    sources.env["HOME"] = dir_.path().string();
    sources.flags["engines.vad"] = url;
    sources.engines = &engines;
    return config::load(sources);
  }

  test::TempDir dir_;
  config::Config config_ = config_in(dir_.path());
  EngineSetup setup_{config_};
};

TEST_F(EngineRegistrationTest, ConfigAcceptsItsUrlsAndChecksItsParameters) {
  EXPECT_EQ(load_with_vad("clap:present?sensitivity=2").engines.vad, "clap:present?sensitivity=2");
  try {
    (void)load_with_vad("clap:present?sensitivty=2");
    FAIL() << "a parameter clap: does not accept was loaded";
  } catch (const config::ConfigError& error) {
    EXPECT_EQ(error.key(), "engines.vad");
    EXPECT_NE(std::string(error.what()).find("'sensitivty'"), std::string::npos) << error.what();
    EXPECT_NE(error.fix().find("sensitivity"), std::string::npos) << error.fix();
  }
}

TEST_F(EngineRegistrationTest, ConfigAndParsingSuggestIt) {
  try {
    (void)load_with_vad("hands");
    FAIL() << "a URL without a kind was loaded";
  } catch (const config::ConfigError& error) {
    EXPECT_EQ(error.fix(), "did you mean 'clap:hands'?");
  }
  try {
    (void)setup_.vad.parse("clap");
    FAIL() << "a bare scheme parsed";
  } catch (const Error& error) {
    EXPECT_EQ(error.fix(), "did you mean 'clap:'?");
  }
  const auto misspelled = check_engine(setup_, engine::EngineKind::vad, "clp:present");
  EXPECT_EQ(misspelled.state, engine::EngineState::failed);
  EXPECT_NE(misspelled.detail.find("did you mean 'clap:'?"), std::string::npos) << misspelled.detail;
}

TEST_F(EngineRegistrationTest, DoctorListsAndChecksIt) {
  EXPECT_NE(engine_list(config_, setup_).find("vad: clap:present energy: silero:"), std::string::npos)
      << engine_list(config_, setup_);
  config_.engines.vad = "clap:present";
  bool checked = false;
  for (const auto& result : run_checks(config_, setup_)) {
    if (result.area == "engines" && result.name == "vad") {
      checked = true;
      EXPECT_EQ(result.level, CheckLevel::ok) << result.detail;
      EXPECT_NE(result.detail.find("Clap detector for tests"), std::string::npos) << result.detail;
    }
  }
  EXPECT_TRUE(checked);
}

TEST_F(EngineRegistrationTest, LoadsByUrlAndHonoursItsFallback) {
  const auto present = setup_.vad.load("clap:present");
  ASSERT_NE(present.engine, nullptr);
  EXPECT_EQ(present.url, "clap:present");
  EXPECT_TRUE(present.fallback_reason.empty());

  const auto missing = setup_.vad.load("clap:absent");
  ASSERT_NE(missing.engine, nullptr);
  EXPECT_EQ(missing.url, "energy:");
  EXPECT_NE(missing.fallback_reason.find("the clap model 'absent' is not installed"), std::string::npos);

  // The server's and `converse`'s loader follows the same policy and says the engine is degraded.
  engine::EngineStatusBoard board;
  LoadedEngines loaded;
  const auto status =
      load_engine({&config_, &setup_, &board, nullptr, &loaded}, engine::EngineKind::vad, "clap:absent");
  EXPECT_EQ(status.state, engine::EngineState::degraded);
  EXPECT_NE(status.detail.find("; using energy: instead"), std::string::npos) << status.detail;
  EXPECT_EQ(status.summary, "basic (the Clap model is not installed)");
  EXPECT_EQ(loaded.snapshot().vad_url, "energy:");
}

}  // namespace
}  // namespace lv::app
