#include "app/engine_setup.h"

#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <string>
#include <string_view>

#include "support/test_paths.h"
#include "util/error.h"

namespace lv::app {
namespace {

// A catalog whose small profile recommends one model per role, without hashes (trusted on first use).
constexpr const char* kCatalog = R"({
  "schema_version": 1,
  "models": [
    {"name": "whisper:test", "role": "stt", "description": "d", "license": "MIT", "ram_bytes": 1, "verified": false,
     "files": [{"name": "stt.bin", "source": {"huggingface": {"repo": "o/r", "revision": "main", "path": "stt.bin"}},
                "size_bytes": 3, "sha256": null}]},
    {"name": "llama:test", "role": "llm", "description": "d", "license": "MIT", "ram_bytes": 1, "verified": false,
     "files": [{"name": "llm.gguf", "source": {"huggingface": {"repo": "o/r", "revision": "main", "path": "llm.gguf"}},
                "size_bytes": 3, "sha256": null}]}
  ],
  "profiles": {"small": {"description": "d", "ram_bytes": 1, "models": ["whisper:test", "llama:test"]}}
})";

class InstalledProfileEnginesTest : public ::testing::Test {
 protected:
  InstalledProfileEnginesTest()
      : store_(models::parse_catalog(kCatalog, "test catalog"), models::StoreOptions{dir_.path(), {}}) {}

  void install(const std::string& name) {
    const auto path = store_.install_path(name);
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << "abc";
  }

  test::TempDir dir_;
  models::ModelStore store_;
};

TEST_F(InstalledProfileEnginesTest, DefaultsFollowWhatIsInstalled) {
  const config::Config defaults;
  auto chosen = with_installed_profile_engines(defaults, store_, "small");
  EXPECT_EQ(chosen.engines, defaults.engines) << "nothing installed: nothing changes";

  install("llama:test");
  chosen = with_installed_profile_engines(defaults, store_, "small");
  EXPECT_EQ(chosen.engines.llm, "llama:test");
  EXPECT_EQ(chosen.engines.stt, defaults.engines.stt);  // its model is still missing

  install("whisper:test");
  chosen = with_installed_profile_engines(defaults, store_, "small");
  EXPECT_EQ(chosen.engines.stt, "whisper:test");
  EXPECT_EQ(chosen.engines.tts, defaults.engines.tts);  // the profile recommends no voice
}

TEST_F(InstalledProfileEnginesTest, AnEngineTheUserChoseIsKept) {
  install("llama:test");
  install("whisper:test");
  config::Config mine;
  mine.engines.llm = "openai:http://127.0.0.1:9/v1?model=m";
  mine.engines.stt = "pocketsphinx:en-us?beam=1e-40";
  const auto chosen = with_installed_profile_engines(mine, store_, "small");
  EXPECT_EQ(chosen.engines.llm, mine.engines.llm);
  EXPECT_EQ(chosen.engines.stt, mine.engines.stt);
}

TEST_F(InstalledProfileEnginesTest, AnUnknownProfileChangesNothing) {
  install("llama:test");
  const config::Config defaults;
  EXPECT_EQ(with_installed_profile_engines(defaults, store_, "huge").engines, defaults.engines);
}

// The fix parse errors suggest, from the engines this build registers.
std::string suggestion(std::string_view text, std::optional<engine::EngineKind> kind = std::nullopt) {
  try {
    (void)offered_engines().parse(text, kind);
  } catch (const Error& error) {
    return error.fix();
  }
  ADD_FAILURE() << "no error for '" << text << "'";
  return {};
}

TEST(OfferedEnginesTest, AWordWithoutKindSuggestsTheEngineThatClaimsIt) {
  EXPECT_EQ(suggestion("base.en"), "did you mean 'whisper:base.en'?");
  EXPECT_EQ(suggestion("/models/x.gguf"), "did you mean 'llama:/models/x.gguf'?");
  EXPECT_EQ(suggestion("/models/ggml-tiny.bin"), "did you mean 'whisper:/models/ggml-tiny.bin'?");
  EXPECT_EQ(suggestion("slt"), "did you mean 'flite:slt'?");
  EXPECT_EQ(suggestion("en-us"), "did you mean 'pocketsphinx:en-us'?");
  EXPECT_EQ(suggestion("silero"), "did you mean 'silero:'?");
  EXPECT_EQ(suggestion("http://localhost:8000/v1"), "did you mean 'openai:http://localhost:8000/v1'?");
  EXPECT_EQ(suggestion("http://localhost:11434"), "did you mean 'ollama:http://localhost:11434'?");
}

TEST(OfferedEnginesTest, TheSettingsKindComesFirst) {
  EXPECT_EQ(suggestion("en-us", engine::EngineKind::stt), "did you mean 'pocketsphinx:en-us'?");
  EXPECT_EQ(suggestion("espeak", engine::EngineKind::tts), "did you mean 'espeak:'?");
}

TEST(OfferedEnginesTest, EachSchemeSaysWhatItLoadsAndFallsBackTo) {
  const auto engines = offered_engines();
  const auto* silero = engines.find(engine::EngineKind::vad, "silero");
  ASSERT_NE(silero, nullptr);
  EXPECT_EQ(silero->fallback, "energy:");
  ASSERT_TRUE(silero->catalog.has_value());
  EXPECT_EQ(engine::catalog_model_name(*silero, engine::parse_engine_url("silero:")), "silero:v5");
  const auto* whisper = engines.find(engine::EngineKind::stt, "whisper");
  ASSERT_NE(whisper, nullptr);
  EXPECT_EQ(engine::catalog_model_name(*whisper, engine::parse_engine_url("whisper:base.en")), "whisper:base.en");
  EXPECT_EQ(engine::catalog_model_name(*whisper, engine::parse_engine_url("whisper:/m/ggml.bin")), "");
  const auto* llm = engines.find(engine::EngineKind::llm, "llama");
  const auto* embedder = engines.find(engine::EngineKind::embeddings, "llama");
  ASSERT_TRUE(llm != nullptr && embedder != nullptr);
  EXPECT_EQ(llm->catalog->role, "llm");
  EXPECT_EQ(embedder->catalog->role, "embeddings");
  EXPECT_EQ(engines.find(engine::EngineKind::stt, "pocketsphinx")->catalog, std::nullopt);
  EXPECT_EQ(engines.find(engine::EngineKind::vad, "webrtc"), nullptr);
}

}  // namespace
}  // namespace lv::app
