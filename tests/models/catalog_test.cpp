#include "models/catalog.h"

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>

#include "support/test_paths.h"
#include "util/error.h"

namespace lv::models {
namespace {

using Json = nlohmann::json;

std::string parse_error(const Json& catalog) {
  try {
    parse_catalog(catalog.dump(), "test.json");
  } catch (const lv::Error& error) {
    return error.what();
  }
  return "(no error)";
}

Json valid_catalog() {
  return Json::parse(R"({
    "schema_version": 1,
    "models": [{
      "name": "whisper:t", "role": "stt", "description": "", "license": "MIT", "ram_bytes": 10, "verified": false,
      "files": [{"name": "m.bin", "size_bytes": 5, "sha256": null,
                 "source": {"huggingface": {"repo": "o/r", "revision": "main", "path": "m.bin"}}}]
    }],
    "profiles": {"small": {"description": "", "ram_bytes": 10, "models": ["whisper:t"]}}
  })");
}

TEST(Catalog, EmbeddedCatalogIsValidAndComplete) {
  const Catalog catalog = embedded_catalog();
  EXPECT_EQ(catalog.schema_version, 1);
  for (const char* name :
       {"whisper:base.en", "whisper:small.en", "whisper:tiny.en", "llama:qwen2.5-1.5b-instruct-q4_k_m",
        "llama:qwen2.5-3b-instruct-q4_k_m", "llama:all-minilm-l6-v2", "piper:en_US-lessac-medium", "silero:v5"}) {
    EXPECT_NE(catalog.find(name), nullptr) << name;
  }
  const auto& piper = catalog.get("piper:en_US-lessac-medium");
  ASSERT_EQ(piper.files.size(), 2U);
  EXPECT_EQ(piper.files[1].name, piper.files[0].name + ".json");
  const auto& silero = catalog.get("silero:v5");
  EXPECT_EQ(silero.files[0].source.kind, FileSource::Kind::npm);
  EXPECT_TRUE(silero.verified);
  EXPECT_TRUE(silero.files[0].sha256.has_value());
  for (const char* profile : {"small", "quality"}) {
    const Profile& p = catalog.profile(profile);
    EXPECT_GT(p.ram_bytes, 0U);
    std::set<std::string_view> roles;
    for (const auto& name : p.models) {
      roles.insert(role_name(catalog.get(name).role));
    }
    EXPECT_EQ(roles.size(), 5U) << profile << " should cover vad, stt, tts, llm and embeddings";
  }
}

TEST(Catalog, ValidCatalogParses) {
  const Catalog catalog = parse_catalog(valid_catalog().dump(), "test.json");
  ASSERT_EQ(catalog.models.size(), 1U);
  EXPECT_EQ(catalog.models[0].files[0].source.repo, "o/r");
  EXPECT_FALSE(catalog.models[0].files[0].sha256.has_value());
  EXPECT_EQ(catalog.profile("small").models.size(), 1U);
}

TEST(Catalog, BrokenCatalogsFailNamingTheField) {
  struct Case {
    const char* what;
    std::function<void(Json&)> mutate;
    const char* expected;
  };
  const std::vector<Case> cases = {
      {"not JSON", nullptr, "test.json: JSON"},
      {"wrong version", [](Json& j) { j["schema_version"] = 2; }, "schema_version: this program reads version 1"},
      {"no models", [](Json& j) { j.erase("models"); }, "missing \"models\""},
      {"bad name", [](Json& j) { j["models"][0]["name"] = "Whisper base"; }, "models[0].name"},
      {"bad role", [](Json& j) { j["models"][0]["role"] = "asr"; }, "unknown role \"asr\""},
      {"short hash", [](Json& j) { j["models"][0]["files"][0]["sha256"] = "abc"; },
       "models[0] (whisper:t).files[0].sha256: expected 64 lower-case hex digits"},
      {"missing hash key", [](Json& j) { j["models"][0]["files"][0].erase("sha256"); }, "use null when the hash"},
      {"verified without hash", [](Json& j) { j["models"][0]["verified"] = true; }, "is true but a file has no"},
      {"zero size", [](Json& j) { j["models"][0]["files"][0]["size_bytes"] = 0; }, "size_bytes: expected a positive"},
      {"two sources",
       [](Json& j) {
         j["models"][0]["files"][0]["source"]["npm"] = Json{{"package", "p"}, {"version", "1"}, {"path", "x"}};
       },
       "expected exactly one of"},
      {"escaping path", [](Json& j) { j["models"][0]["files"][0]["source"]["huggingface"]["path"] = "../x"; },
       "without \"..\""},
      {"file name with slash", [](Json& j) { j["models"][0]["files"][0]["name"] = "a/b"; }, "plain file name"},
      {"duplicate model", [](Json& j) { j["models"].push_back(j["models"][0]); }, "duplicate model name whisper:t"},
      {"profile with unknown model", [](Json& j) { j["profiles"]["small"]["models"].push_back("llama:none"); },
       "profiles.small.models: names an unknown model \"llama:none\""},
  };
  for (const auto& c : cases) {
    std::string message;
    if (c.mutate) {
      Json catalog = valid_catalog();
      c.mutate(catalog);
      message = parse_error(catalog);
    } else {
      try {
        parse_catalog("{ not json", "test.json");
      } catch (const lv::Error& error) {
        message = error.what();
      }
    }
    EXPECT_NE(message.find("invalid model catalog test.json"), std::string::npos) << c.what << ": " << message;
    EXPECT_NE(message.find(c.expected), std::string::npos) << c.what << ": " << message;
  }
}

TEST(Catalog, LookupErrorsListTheAlternatives) {
  const Catalog catalog = parse_catalog(valid_catalog().dump(), "test.json");
  try {
    catalog.get("whisper:nope");
    FAIL();
  } catch (const lv::Error& error) {
    EXPECT_NE(std::string(error.what()).find("unknown model \"whisper:nope\""), std::string::npos);
    EXPECT_NE(error.fix().find("whisper:t"), std::string::npos);
  }
  EXPECT_THROW(catalog.profile("huge"), lv::Error);
}

TEST(Catalog, LoadsFromAFile) {
  const lv::test::TempDir dir;
  std::ofstream(dir / "c.json") << valid_catalog().dump();
  EXPECT_EQ(load_catalog(dir / "c.json").models.size(), 1U);
  EXPECT_THROW(load_catalog(dir / "missing.json"), lv::Error);
}

}  // namespace
}  // namespace lv::models
