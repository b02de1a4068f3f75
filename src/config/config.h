// LocalVoice settings: defaults < config file (TOML) < environment (LOCALVOICE_*) < command-line flags.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "engine/engine_catalog.h"
#include "session/session_options.h"
#include "util/error.h"

namespace lv::config {

struct ServerConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  std::string web_root;  // empty: the web UI shipped with the program
  int io_threads = 2;
  int worker_threads = 2;
  std::size_t max_ws_message_bytes = std::size_t{1} << 20;
  std::size_t max_upload_bytes = std::size_t{25} << 20;
  int shutdown_grace_ms = 5000;

  bool operator==(const ServerConfig&) const = default;
};

// Engine URLs (see engine/engine_url.h); empty means "none".
struct EnginesConfig {
  std::string vad = "silero:";  // falls back to energy: when the model is missing
  std::string stt = "pocketsphinx:en-us";
  std::string tts = "flite:slt";
  std::string llm;
  std::string embeddings;

  bool operator==(const EnginesConfig&) const = default;
};

struct PathsConfig {
  std::filesystem::path data_dir;      // $XDG_DATA_HOME/localvoice
  std::filesystem::path models_dir;    // $XDG_CACHE_HOME/localvoice/models
  std::filesystem::path kb_dir;        // <data_dir>/knowledge
  std::filesystem::path catalog_file;  // empty: the built-in model catalog

  bool operator==(const PathsConfig&) const = default;
};

struct LogConfig {
  std::string level = "info";   // trace, debug, info, warn, error, critical, off
  std::string format = "auto";  // auto (JSON unless stderr is a terminal), json, text

  bool operator==(const LogConfig&) const = default;
};

// The knowledge base: retrieval for voice turns, chunking and file limits of ingestion.
struct KbConfig {
  int top_k = 3;                                       // passages given to the language model per turn
  double min_score = 0.15;                             // relevance 0..1 below which a passage is not used
  int chunk_words = 300;                               // target chunk length
  int chunk_overlap_words = 50;                        // words repeated between consecutive chunks of a section
  std::size_t max_file_bytes = std::size_t{50} << 20;  // larger documents are skipped with a warning

  bool operator==(const KbConfig&) const = default;
};

// Voice-session defaults (each session may change its own with session.update): the [session] keys of
// session::SessionOptions, with its defaults.
struct SessionConfig {
  int min_speech_ms = session::TurnTakingOptions{}.min_speech_ms;                    // shorter sounds are not speech
  int end_of_turn_silence_ms = session::TurnTakingOptions{}.end_of_turn_silence_ms;  // ends the user's turn
  int min_interruption_ms = session::TurnTakingOptions{}.min_interruption_ms;        // speech that interrupts the agent
  // no words within this after an interruption: the reply resumes
  int false_interruption_timeout_ms = session::TurnTakingOptions{}.false_interruption_timeout_ms;
  int playback_lead_ms = session::SessionOptions{}.playback_lead_ms;  // reply audio ahead of playout, at most
  std::string system_prompt;                                          // empty: the built-in prompt
  int max_reply_tokens = 300;  // a spoken reply longer than this is cut (0: no limit; the library default)

  bool operator==(const SessionConfig&) const = default;
};

// The session options these settings give (everything else keeps SessionOptions' defaults).
session::SessionOptions to_session_options(const SessionConfig& settings);

// Tools the assistant may call: their time zone, per-tool policies and extra intent templates.
struct ToolsConfig {
  std::string time_zone;     // empty: the system's
  std::string allow;         // comma-separated tool names run without asking
  std::string confirm;       // ... run only after the user confirms
  std::string deny;          // ... never run
  std::string intents_file;  // extra intent templates (JSON), after the built-in ones; empty: none

  bool operator==(const ToolsConfig&) const = default;
};

// The Wyoming server (Home Assistant's voice protocol) beside HTTP: where it listens.
struct WyomingConfig {
  std::string uri;  // comma-separated tcp://HOST:PORT and unix:///path URIs; empty: no Wyoming server

  bool operator==(const WyomingConfig&) const = default;
};

struct Config {
  ServerConfig server;
  EnginesConfig engines;
  PathsConfig paths;
  KbConfig kb;
  SessionConfig session;
  ToolsConfig tools;
  WyomingConfig wyoming;
  LogConfig log;

  bool operator==(const Config&) const = default;
};

// A configuration problem; `key()` names the setting ("server.port"), the message says how to fix it.
class ConfigError : public Error {
 public:
  ConfigError(std::string key, const std::string& problem, std::string fix = {})
      : Error(problem, std::move(fix)), key_(std::move(key)) {}
  const std::string& key() const noexcept { return key_; }

 private:
  std::string key_;
};

// One documented setting: its dotted name, environment variable, default and meaning.
struct KeyInfo {
  std::string_view key;           // "server.port"
  std::string_view env;           // "LOCALVOICE_SERVER_PORT"
  std::string_view default_text;  // "8080" ("" when computed, e.g. XDG paths)
  std::string_view description;
};
std::span<const KeyInfo> keys();

// A command-line flag of `localvoice serve` and the key it sets ("--port" -> "server.port").
struct FlagInfo {
  std::string_view flag;
  std::string_view key;
};
std::span<const FlagInfo> flags();
// The flag that sets `key` ("" when the key has none).
std::string_view flag_for_key(std::string_view key);

struct Sources {
  // --config FILE; when absent, $XDG_CONFIG_HOME/localvoice/config.toml (or ~/.config/...) if it exists.
  std::optional<std::filesystem::path> file;
  std::map<std::string, std::string> env;    // the process environment (only LOCALVOICE_*, XDG_*, HOME used)
  std::map<std::string, std::string> flags;  // dotted key -> value, from command-line flags
  // The engines this program offers (each module's registration). When set, engine URLs get "did you mean"
  // from them, and a parameter the named engine does not accept is an error; when null, only the URL syntax
  // is checked.
  const engine::EngineCatalog* engines = nullptr;
};

// Loads and validates. Throws ConfigError naming the key (and file line where known) and the fix, for:
// an unknown key, a value of the wrong type or out of range, a malformed engine URL, an unreadable model
// path, an unreadable or malformed config file.
Config load(const Sources& sources);

// The config file `load` reads: Sources::file (which must exist), else $LOCALVOICE_CONFIG (which must
// exist), else the XDG default when it exists; nullopt when there is none. Throws ConfigError (key "config").
std::optional<std::filesystem::path> find_config_file(const Sources& sources);

// The effective configuration as TOML (for `serve --print-config`); loading it back gives the same Config.
std::string to_toml(const Config& config);

// Reads the LOCALVOICE_*, XDG_* and HOME variables of this process.
std::map<std::string, std::string> process_environment();

}  // namespace lv::config
