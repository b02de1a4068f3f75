#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "config/config.h"
#include "engine/engine_catalog.h"
#include "support/test_paths.h"

namespace lv::config {
namespace {

namespace fs = std::filesystem;

// Each test gets its own HOME, so that no real ~/.config/localvoice/config.toml takes part.
class ConfigLoaderTest : public ::testing::Test {
 protected:
  ConfigLoaderTest() { sources_.env["HOME"] = home_.path().string(); }

  fs::path write_file(const std::string& name, const std::string& content) {
    const fs::path path = home_ / name;
    fs::create_directories(path.parent_path());
    std::ofstream(path) << content;
    return path;
  }

  // Writes `content` as the --config file.
  void config_file(const std::string& content) { sources_.file = write_file("config.toml", content); }

  // The ConfigError thrown by load(); fails the test when it loads fine.
  ConfigError load_error() {
    try {
      load(sources_);
    } catch (const ConfigError& error) {
      return error;
    }
    ADD_FAILURE() << "load() accepted the configuration";
    return ConfigError("", "");
  }

  static bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
  }

  test::TempDir home_;
  Sources sources_;
};

TEST_F(ConfigLoaderTest, DefaultsWithoutAnySource) {
  const Config config = load(sources_);
  const Config defaults;
  EXPECT_EQ(config.server, defaults.server);
  EXPECT_EQ(config.engines, defaults.engines);
  EXPECT_EQ(config.log, defaults.log);
  EXPECT_EQ(config.paths.data_dir, home_.path() / ".local/share/localvoice");
  EXPECT_EQ(config.paths.models_dir, home_.path() / ".cache/localvoice/models");
  EXPECT_EQ(config.paths.kb_dir, home_.path() / ".local/share/localvoice/knowledge");
}

TEST_F(ConfigLoaderTest, PathDefaultsFollowXdgVariables) {
  sources_.env["XDG_DATA_HOME"] = "/srv/data";
  sources_.env["XDG_CACHE_HOME"] = "/srv/cache";
  const Config config = load(sources_);
  EXPECT_EQ(config.paths.data_dir, fs::path("/srv/data/localvoice"));
  EXPECT_EQ(config.paths.models_dir, fs::path("/srv/cache/localvoice/models"));
  EXPECT_EQ(config.paths.kb_dir, fs::path("/srv/data/localvoice/knowledge"));
}

TEST_F(ConfigLoaderTest, RelativeXdgVariablesAreIgnored) {
  sources_.env["XDG_DATA_HOME"] = "relative/data";
  EXPECT_EQ(load(sources_).paths.data_dir, home_.path() / ".local/share/localvoice");
}

TEST_F(ConfigLoaderTest, KbDirFollowsAConfiguredDataDir) {
  sources_.flags["paths.data_dir"] = "/var/lib/lv";
  const Config config = load(sources_);
  EXPECT_EQ(config.paths.data_dir, fs::path("/var/lib/lv"));
  EXPECT_EQ(config.paths.kb_dir, fs::path("/var/lib/lv/knowledge"));
}

TEST_F(ConfigLoaderTest, NoHomeAndNoXdgIsAnErrorNamingTheKey) {
  sources_.env.erase("HOME");
  const ConfigError error = load_error();
  EXPECT_EQ(error.key(), "paths.data_dir");
  EXPECT_TRUE(contains(error.what(), "HOME")) << error.what();
  EXPECT_TRUE(contains(error.fix(), "--data-dir")) << error.fix();
}

TEST_F(ConfigLoaderTest, ReadsEverySectionOfTheFile) {
  config_file(R"(
[server]
host = "0.0.0.0"
port = 9000
io_threads = 4
worker_threads = 3
max_ws_message_bytes = 2048
max_upload_bytes = "2MiB"
shutdown_grace_ms = 0

[engines]
vad = "silero:"
stt = "whisper:base.en"
tts = "espeak:en-us"
llm = "ollama:http://localhost:11434?model=gemma3:4b"
embeddings = "openai:http://127.0.0.1:8000/v1?model=e5"

[paths]
data_dir = "/d"
models_dir = "/m"
kb_dir = "/k"

[log]
level = "debug"
format = "json"
)");
  const Config config = load(sources_);
  EXPECT_EQ(config.server.host, "0.0.0.0");
  EXPECT_EQ(config.server.port, 9000);
  EXPECT_EQ(config.server.io_threads, 4);
  EXPECT_EQ(config.server.worker_threads, 3);
  EXPECT_EQ(config.server.max_ws_message_bytes, 2048U);
  EXPECT_EQ(config.server.max_upload_bytes, 2U << 20);
  EXPECT_EQ(config.server.shutdown_grace_ms, 0);
  EXPECT_EQ(config.engines.vad, "silero:");
  EXPECT_EQ(config.engines.stt, "whisper:base.en");
  EXPECT_EQ(config.engines.tts, "espeak:en-us");
  EXPECT_EQ(config.engines.llm, "ollama:http://localhost:11434?model=gemma3:4b");
  EXPECT_EQ(config.engines.embeddings, "openai:http://127.0.0.1:8000/v1?model=e5");
  EXPECT_EQ(config.paths.data_dir, fs::path("/d"));
  EXPECT_EQ(config.paths.models_dir, fs::path("/m"));
  EXPECT_EQ(config.paths.kb_dir, fs::path("/k"));
  EXPECT_EQ(config.log.level, "debug");
  EXPECT_EQ(config.log.format, "json");
}

TEST_F(ConfigLoaderTest, DottedKeysAndInlineTablesWork) {
  config_file("server.port = 1234\nlog = { level = \"warn\" }\n");
  const Config config = load(sources_);
  EXPECT_EQ(config.server.port, 1234);
  EXPECT_EQ(config.log.level, "warn");
}

TEST_F(ConfigLoaderTest, PrecedenceIsFlagsThenEnvThenFileThenDefaults) {
  config_file("[server]\nport = 1111\nio_threads = 3\nworker_threads = 5\n");
  sources_.env["LOCALVOICE_SERVER_PORT"] = "2222";
  sources_.env["LOCALVOICE_SERVER_IO_THREADS"] = "6";
  sources_.flags["server.port"] = "3333";
  const Config config = load(sources_);
  EXPECT_EQ(config.server.port, 3333);               // flag beats env and file
  EXPECT_EQ(config.server.io_threads, 6);            // env beats file
  EXPECT_EQ(config.server.worker_threads, 5);        // file beats default
  EXPECT_EQ(config.server.shutdown_grace_ms, 5000);  // default
}

TEST_F(ConfigLoaderTest, EmptyEnvironmentValueClearsAnEngine) {
  config_file("[engines]\nllm = \"llama:qwen\"\n");
  sources_.env["LOCALVOICE_ENGINES_LLM"] = "";
  EXPECT_EQ(load(sources_).engines.llm, "");
}

TEST_F(ConfigLoaderTest, PortZeroIsAllowed) {
  sources_.flags["server.port"] = "0";
  EXPECT_EQ(load(sources_).server.port, 0);
}

TEST_F(ConfigLoaderTest, FindsTheXdgConfigFileOnlyWhenItExists) {
  EXPECT_EQ(find_config_file(sources_), std::nullopt);
  const fs::path path = write_file(".config/localvoice/config.toml", "[server]\nport = 4321\n");
  EXPECT_EQ(find_config_file(sources_), path);
  EXPECT_EQ(load(sources_).server.port, 4321);

  sources_.env["XDG_CONFIG_HOME"] = (home_ / "xdg").string();
  EXPECT_EQ(find_config_file(sources_), std::nullopt);
  const fs::path xdg_path = write_file("xdg/localvoice/config.toml", "[server]\nport = 5432\n");
  EXPECT_EQ(load(sources_).server.port, 5432);
  EXPECT_EQ(find_config_file(sources_), xdg_path);
}

TEST_F(ConfigLoaderTest, ExplicitFileMustExist) {
  sources_.file = home_ / "missing.toml";
  const ConfigError error = load_error();
  EXPECT_EQ(error.key(), "config");
  EXPECT_TRUE(contains(error.what(), "missing.toml")) << error.what();
  EXPECT_TRUE(contains(error.what(), "does not exist")) << error.what();
}

TEST_F(ConfigLoaderTest, ConfigEnvironmentVariableNamesTheFile) {
  sources_.env["LOCALVOICE_CONFIG"] = write_file("other.toml", "[server]\nport = 6543\n").string();
  EXPECT_EQ(load(sources_).server.port, 6543);
  sources_.env["LOCALVOICE_CONFIG"] = (home_ / "nope.toml").string();
  EXPECT_TRUE(contains(load_error().what(), "LOCALVOICE_CONFIG"));
}

TEST_F(ConfigLoaderTest, DirectoryAsConfigFileIsAnError) {
  sources_.file = home_.path();
  EXPECT_TRUE(contains(load_error().what(), "is a directory"));
}

TEST_F(ConfigLoaderTest, MalformedTomlNamesFileAndLine) {
  config_file("[server]\nport = 8080\nhost = \"unterminated\n");
  const ConfigError error = load_error();
  EXPECT_EQ(error.key(), "config");
  const std::string expected = sources_.file->string() + ":3:";
  EXPECT_TRUE(contains(error.what(), expected)) << error.what();
  EXPECT_TRUE(contains(error.what(), "not valid TOML")) << error.what();
}

TEST_F(ConfigLoaderTest, UnknownFileKeyHasLineAndSuggestion) {
  config_file("[server]\nhost = \"127.0.0.1\"\nprot = 8080\n");
  const ConfigError error = load_error();
  EXPECT_EQ(error.key(), "server.prot");
  EXPECT_EQ(std::string(error.what()), sources_.file->string() + ":3: unknown key 'server.prot'");
  EXPECT_EQ(error.fix(), "did you mean 'server.port'?");
}

TEST_F(ConfigLoaderTest, KeyOutsideItsSectionSuggestsTheFullKey) {
  config_file("port = 8080\n");
  const ConfigError error = load_error();
  EXPECT_TRUE(contains(error.what(), ":1: unknown key 'port'")) << error.what();
  EXPECT_EQ(error.fix(), "did you mean 'server.port'?");
}

TEST_F(ConfigLoaderTest, UnknownSectionSuggestsTheClosest) {
  config_file("\n[sever]\nport = 1\n");
  const ConfigError error = load_error();
  EXPECT_TRUE(contains(error.what(), ":2: unknown section [sever]")) << error.what();
  EXPECT_EQ(error.fix(), "did you mean [server]?");
}

TEST_F(ConfigLoaderTest, SectionThatIsNotATableIsAnError) {
  config_file("server = 5\n");
  EXPECT_TRUE(contains(load_error().what(), "must be a section"));
}

TEST_F(ConfigLoaderTest, WrongTypesInFileNameKeyLineAndFix) {
  config_file("[server]\n\nport = \"8080\"\n");
  ConfigError error = load_error();
  EXPECT_EQ(error.key(), "server.port");
  EXPECT_EQ(std::string(error.what()), sources_.file->string() + ":3: server.port: must be a number, not text");
  EXPECT_EQ(error.fix(), "write it without quotes, e.g. port = 8080");

  config_file("[engines]\nstt = 5\n");
  error = load_error();
  EXPECT_TRUE(contains(error.what(), ":2: engines.stt: must be text, not a whole number")) << error.what();

  config_file("[server]\nio_threads = 2.5\n");
  EXPECT_TRUE(contains(load_error().what(), "must be a whole number, not a decimal number"));
  config_file("[server]\nport = [1]\n");
  EXPECT_TRUE(contains(load_error().what(), "must be a whole number, not a list"));
  config_file("[log]\nlevel = true\n");
  EXPECT_TRUE(contains(load_error().what(), "must be text, not true/false"));
}

TEST_F(ConfigLoaderTest, OutOfRangeValuesInFile) {
  config_file("[server]\nport = 70000\n");
  ConfigError error = load_error();
  EXPECT_TRUE(contains(error.what(), ":2: server.port: 70000 is out of range")) << error.what();
  EXPECT_TRUE(contains(error.fix(), "0 to 65535")) << error.fix();

  config_file("[server]\nport = -1\n");
  EXPECT_TRUE(contains(load_error().what(), "-1 is negative"));
  config_file("[server]\nio_threads = 0\n");
  EXPECT_TRUE(contains(load_error().what(), "server.io_threads: 0 is out of range"));
  config_file("[server]\nio_threads = 65\n");
  EXPECT_TRUE(contains(load_error().what(), "server.io_threads: 65 is out of range"));
  config_file("[server]\nmax_upload_bytes = 0\n");
  EXPECT_TRUE(contains(load_error().what(), "server.max_upload_bytes: 0 is out of range"));
  config_file("[server]\nmax_ws_message_bytes = \"lots\"\n");
  EXPECT_TRUE(contains(load_error().what(), "server.max_ws_message_bytes: 'lots' is not a size"));
}

TEST_F(ConfigLoaderTest, BadEnvironmentValuesNameTheVariable) {
  sources_.env["LOCALVOICE_SERVER_PORT"] = "abc";
  ConfigError error = load_error();
  EXPECT_EQ(error.key(), "server.port");
  EXPECT_EQ(std::string(error.what()), "server.port (from LOCALVOICE_SERVER_PORT): 'abc' is not a whole number");

  sources_.env["LOCALVOICE_SERVER_PORT"] = "-5";
  EXPECT_TRUE(contains(load_error().what(), "is negative"));
  sources_.env["LOCALVOICE_SERVER_PORT"] = "65536";
  EXPECT_TRUE(contains(load_error().what(), "65536 is out of range"));
  sources_.env["LOCALVOICE_SERVER_PORT"] = "99999999999999999999999";
  EXPECT_TRUE(contains(load_error().what(), "too large"));
}

TEST_F(ConfigLoaderTest, UnknownEnvironmentVariableSuggestsTheRightOne) {
  sources_.env["LOCALVOICE_SERVER_PROT"] = "1";
  ConfigError error = load_error();
  EXPECT_EQ(error.key(), "LOCALVOICE_SERVER_PROT");
  EXPECT_TRUE(contains(error.what(), "unknown environment variable LOCALVOICE_SERVER_PROT"));
  EXPECT_EQ(error.fix(), "did you mean LOCALVOICE_SERVER_PORT?");

  sources_.env.erase("LOCALVOICE_SERVER_PROT");
  sources_.env["LOCALVOICE_PORT"] = "1";
  EXPECT_EQ(load_error().fix(), "did you mean LOCALVOICE_SERVER_PORT?");
}

TEST_F(ConfigLoaderTest, OtherEnvironmentVariablesAreIgnored) {
  sources_.env["PATH"] = "/bin";
  sources_.env["XDG_RUNTIME_DIR"] = "/run/user/1";
  sources_.env["LOCALVOICEX"] = "1";
  EXPECT_NO_THROW(load(sources_));
}

TEST_F(ConfigLoaderTest, UnknownFlagKeyIsAnError) {
  sources_.flags["server.prot"] = "1";
  const ConfigError error = load_error();
  EXPECT_EQ(error.key(), "server.prot");
  EXPECT_TRUE(contains(error.what(), "unknown setting 'server.prot' on the command line"));
  EXPECT_EQ(error.fix(), "did you mean 'server.port'?");
}

TEST_F(ConfigLoaderTest, BadFlagValueNamesTheFlag) {
  sources_.flags["server.port"] = "http";
  EXPECT_EQ(std::string(load_error().what()), "server.port (from --port): 'http' is not a whole number");
  sources_.flags.clear();
  sources_.flags["server.io_threads"] = "x";
  EXPECT_TRUE(contains(load_error().what(), "server.io_threads (from the command line)"));
}

TEST_F(ConfigLoaderTest, KnowledgeBaseSectionTakesDecimalsAndWholeNumbers) {
  config_file("[kb]\ntop_k = 5\nmin_score = 0.25\nchunk_words = 200\nmax_file_bytes = \"10MiB\"\n");
  Config config = load(sources_);
  EXPECT_EQ(config.kb.top_k, 5);
  EXPECT_DOUBLE_EQ(config.kb.min_score, 0.25);
  EXPECT_EQ(config.kb.chunk_words, 200);
  EXPECT_EQ(config.kb.max_file_bytes, std::size_t{10} << 20);
  config_file("[kb]\nmin_score = 1\n");
  EXPECT_DOUBLE_EQ(load(sources_).kb.min_score, 1.0);
  sources_.env["LOCALVOICE_KB_MIN_SCORE"] = "0.05";
  EXPECT_DOUBLE_EQ(load(sources_).kb.min_score, 0.05);
}

TEST_F(ConfigLoaderTest, BadKnowledgeBaseValuesNameTheKeyAndFix) {
  config_file("[kb]\nmin_score = 1.5\n");
  EXPECT_TRUE(contains(load_error().what(), "kb.min_score"));
  config_file("[kb]\nmin_score = \"high\"\n");
  const ConfigError text = load_error();
  EXPECT_TRUE(contains(text.what(), "must be a number")) << text.what();
  EXPECT_TRUE(contains(text.fix(), "min_score = 0.15")) << text.fix();
  config_file("[kb]\ntop_k = 0\n");
  EXPECT_EQ(load_error().key(), "kb.top_k");
  config_file("");
  sources_.env["LOCALVOICE_KB_MIN_SCORE"] = "abc";
  const ConfigError env = load_error();
  EXPECT_TRUE(contains(env.what(), "LOCALVOICE_KB_MIN_SCORE")) << env.what();
}

TEST_F(ConfigLoaderTest, SizesAcceptBinaryUnits) {
  sources_.env["LOCALVOICE_SERVER_MAX_UPLOAD_BYTES"] = "64MiB";
  sources_.env["LOCALVOICE_SERVER_MAX_WS_MESSAGE_BYTES"] = "512 KiB";
  const Config config = load(sources_);
  EXPECT_EQ(config.server.max_upload_bytes, std::size_t{64} << 20);
  EXPECT_EQ(config.server.max_ws_message_bytes, std::size_t{512} << 10);
}

TEST_F(ConfigLoaderTest, HostMustBeAnAddressOrLocalhost) {
  for (const std::string host : {"127.0.0.1", "0.0.0.0", "::1", "::", "fe80::1", "localhost"}) {
    sources_.flags["server.host"] = host;
    EXPECT_EQ(load(sources_).server.host, host);
  }
  for (const std::string host : {"example.com", "127.0.0", "256.1.1.1", "[::1]", ""}) {
    sources_.flags["server.host"] = host;
    const ConfigError error = load_error();
    EXPECT_EQ(error.key(), "server.host") << host;
    EXPECT_TRUE(contains(error.what(), "server.host (from --host)")) << error.what();
  }
}

TEST_F(ConfigLoaderTest, LogLevelAndFormatNamesAreChecked) {
  sources_.env["LOCALVOICE_LOG_LEVEL"] = "verbose";
  ConfigError error = load_error();
  EXPECT_EQ(error.key(), "log.level");
  EXPECT_TRUE(contains(error.what(), "unknown log level 'verbose'")) << error.what();
  EXPECT_TRUE(contains(error.fix(), "trace, debug, info")) << error.fix();

  sources_.env.erase("LOCALVOICE_LOG_LEVEL");
  sources_.env["LOCALVOICE_LOG_FORMAT"] = "xml";
  error = load_error();
  EXPECT_EQ(error.key(), "log.format");
  EXPECT_TRUE(contains(error.fix(), "auto, json, text")) << error.fix();
}

// What an engine module would register for whisper: (the real registrations are tested in tests/app).
engine::EngineCatalog whisper_catalog() {
  engine::EngineCatalog catalog;
  catalog.add({.scheme = "whisper",
               .example = "whisper:base.en",
               .catalog = engine::CatalogUse{"stt"},
               .params = {"threads"},
               .claims = [](std::string_view word) { return word == "base.en"; },
               .kind = engine::EngineKind::stt});
  return catalog;
}

TEST_F(ConfigLoaderTest, MalformedEngineUrlNamesTheKey) {
  const auto engines = whisper_catalog();
  sources_.engines = &engines;
  sources_.env["LOCALVOICE_ENGINES_STT"] = "base.en";
  const ConfigError error = load_error();
  EXPECT_EQ(error.key(), "engines.stt");
  EXPECT_TRUE(contains(error.what(), "engines.stt (from LOCALVOICE_ENGINES_STT): engine URL 'base.en'"))
      << error.what();
  EXPECT_TRUE(contains(error.fix(), "did you mean 'whisper:base.en'?")) << error.fix();
}

TEST_F(ConfigLoaderTest, MalformedEngineUrlInFileHasLine) {
  config_file("[engines]\n\nllm = \"openai:http://:8000/v1\"\n");
  const ConfigError error = load_error();
  EXPECT_EQ(error.key(), "engines.llm");
  EXPECT_TRUE(contains(error.what(), ":3: engines.llm: engine URL")) << error.what();
}

TEST_F(ConfigLoaderTest, WithoutTheEnginesOnlyTheFormIsSuggested) {
  sources_.env["LOCALVOICE_ENGINES_STT"] = "base.en";
  const ConfigError error = load_error();
  EXPECT_EQ(error.key(), "engines.stt");
  EXPECT_TRUE(contains(error.fix(), "KIND:SPEC")) << error.fix();
}

TEST_F(ConfigLoaderTest, AParameterTheEngineDoesNotAcceptNamesTheKeyAndTheAcceptedOnes) {
  const auto engines = whisper_catalog();
  sources_.engines = &engines;
  sources_.flags["engines.stt"] = "whisper:base.en?treads=2";
  const ConfigError error = load_error();
  EXPECT_EQ(error.key(), "engines.stt");
  EXPECT_TRUE(contains(error.what(), "engines.stt (from --stt): unknown parameter 'treads'")) << error.what();
  EXPECT_TRUE(contains(error.fix(), "threads")) << error.fix();
  // The same parameter is not checked for a kind whose engines do not have it (llm here has none).
  sources_.flags["engines.stt"] = "whisper:base.en?threads=2";
  sources_.flags["engines.llm"] = "whisper:base.en?treads=2";
  EXPECT_EQ(load(sources_).engines.stt, "whisper:base.en?threads=2");
}

TEST_F(ConfigLoaderTest, MissingModelFileSaysHowToGetOne) {
  const auto engines = whisper_catalog();
  sources_.engines = &engines;
  sources_.flags["engines.stt"] = "whisper:/nonexistent/x.bin";
  const ConfigError error = load_error();
  EXPECT_EQ(error.key(), "engines.stt");
  EXPECT_EQ(error.full_message(),
            "engines.stt (from --stt): model file '/nonexistent/x.bin' does not exist (download one with "
            "`localvoice models pull whisper:base.en` or fix the path)");
}

TEST_F(ConfigLoaderTest, ExistingModelFileIsAcceptedAndTildeExpanded) {
  write_file("models/m.bin", "model");
  sources_.flags["engines.stt"] = "whisper:~/models/m.bin?threads=2";
  const Config config = load(sources_);
  EXPECT_EQ(config.engines.stt, "whisper:" + (home_ / "models/m.bin").string() + "?threads=2");
}

TEST_F(ConfigLoaderTest, TildeExpansionEscapesHomeInsideEngineUrls) {
  const fs::path home = home_ / "50%?home";
  sources_.env["HOME"] = home.string();
  fs::create_directories(home);
  std::ofstream(home / "m.bin") << "model";
  sources_.flags["engines.stt"] = "whisper:~/m.bin";
  const Config config = load(sources_);
  EXPECT_EQ(config.engines.stt, "whisper:" + (home_ / "50%25%3Fhome").string() + "/m.bin");
}

TEST_F(ConfigLoaderTest, ModelFileOverriddenByAFlagIsNotChecked) {
  config_file("[engines]\nstt = \"whisper:/nonexistent/x.bin\"\n");
  sources_.flags["engines.stt"] = "whisper:base.en";
  EXPECT_EQ(load(sources_).engines.stt, "whisper:base.en");
}

TEST_F(ConfigLoaderTest, UnreadableModelFileIsAnError) {
  if (::geteuid() == 0) {
    GTEST_SKIP() << "root reads any file, so permissions cannot make one unreadable";
  }
  const fs::path path = write_file("locked.bin", "model");
  ::chmod(path.c_str(), 0);
  sources_.flags["engines.llm"] = "llama:" + path.string();
  const ConfigError error = load_error();
  EXPECT_TRUE(contains(error.what(), "cannot be read")) << error.what();
}

TEST_F(ConfigLoaderTest, PathsExpandTilde) {
  config_file("[paths]\ndata_dir = \"~/lv\"\nmodels_dir = \"~/models\"\n");
  const Config config = load(sources_);
  EXPECT_EQ(config.paths.data_dir, home_.path() / "lv");
  EXPECT_EQ(config.paths.models_dir, home_.path() / "models");
  EXPECT_EQ(config.paths.kb_dir, home_.path() / "lv" / "knowledge");
}

TEST_F(ConfigLoaderTest, WebRootMustBeAnExistingDirectory) {
  fs::create_directories(home_ / "web");
  sources_.flags["server.web_root"] = "~/web";
  EXPECT_EQ(load(sources_).server.web_root, (home_ / "web").string());

  sources_.flags["server.web_root"] = (home_ / "missing").string();
  ConfigError error = load_error();
  EXPECT_EQ(error.key(), "server.web_root");
  EXPECT_TRUE(contains(error.what(), "does not exist")) << error.what();

  sources_.flags["server.web_root"] = write_file("file.txt", "x").string();
  EXPECT_TRUE(contains(load_error().what(), "is not a directory"));
}

TEST_F(ConfigLoaderTest, ErrorsAreOneLine) {
  config_file("[server]\nprot = 1\n");
  EXPECT_EQ(load_error().full_message().find('\n'), std::string::npos);
  config_file("[server\n");
  EXPECT_EQ(load_error().full_message().find('\n'), std::string::npos);
}

}  // namespace
}  // namespace lv::config
