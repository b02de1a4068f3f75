#include "app/engine_setup.h"

#include <gtest/gtest.h>

#include <fstream>

#include "support/test_paths.h"

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

}  // namespace
}  // namespace lv::app
