#include "config/config.h"

#include <unistd.h>

#include <array>
#include <charconv>
#include <cstdio>
#include <string>
#include <variant>

#include "config/settings.h"

namespace lv::config {
namespace {

// Keep in the order of settings(); docs/configuration.md lists the same keys (a test checks both).
constexpr std::array<KeyInfo, 37> kKeys = {{
    {"server.host", "LOCALVOICE_SERVER_HOST", "127.0.0.1",
     "Address to listen on: an IPv4 or IPv6 literal or localhost. 0.0.0.0 or :: exposes the server to the "
     "network."},
    {"server.port", "LOCALVOICE_SERVER_PORT", "8080", "TCP port to listen on, 0 to 65535; 0 picks a free port."},
    {"server.web_root", "LOCALVOICE_SERVER_WEB_ROOT", "",
     "Directory served as the web UI; empty serves the UI shipped with the program."},
    {"server.io_threads", "LOCALVOICE_SERVER_IO_THREADS", "2", "Threads handling network I/O, 1 to 64."},
    {"server.worker_threads", "LOCALVOICE_SERVER_WORKER_THREADS", "2",
     "Threads running speech and language engines, 1 to 64."},
    {"server.max_ws_message_bytes", "LOCALVOICE_SERVER_MAX_WS_MESSAGE_BYTES", "1048576",
     "Largest WebSocket message accepted, in bytes (KiB, MiB, GiB suffixes allowed)."},
    {"server.max_upload_bytes", "LOCALVOICE_SERVER_MAX_UPLOAD_BYTES", "26214400",
     "Largest HTTP request body accepted (e.g. uploaded audio), in bytes (KiB, MiB, GiB suffixes allowed)."},
    {"server.shutdown_grace_ms", "LOCALVOICE_SERVER_SHUTDOWN_GRACE_MS", "5000",
     "How long shutdown waits for open requests and sessions, 0 to 3600000 ms."},
    {"engines.vad", "LOCALVOICE_ENGINES_VAD",
     "silero:", "Voice activity detector (engine URL); energy: is used when silero: cannot load."},
    {"engines.stt", "LOCALVOICE_ENGINES_STT", "pocketsphinx:en-us",
     "Speech-to-text engine (engine URL); left at the default, the recommended model once it is installed."},
    {"engines.tts", "LOCALVOICE_ENGINES_TTS", "flite:slt",
     "Text-to-speech engine (engine URL); left at the default, the recommended voice once it is installed."},
    {"engines.llm", "LOCALVOICE_ENGINES_LLM", "",
     "Language model that writes the replies (engine URL); empty: the recommended model once it is installed, "
     "else none."},
    {"engines.embeddings", "LOCALVOICE_ENGINES_EMBEDDINGS", "",
     "Embedding model for knowledge-base search (engine URL); empty: the recommended model once it is "
     "installed (used from the next start), else none."},
    {"paths.data_dir", "LOCALVOICE_PATHS_DATA_DIR", "",
     "Where LocalVoice keeps its data; default $XDG_DATA_HOME/localvoice, else ~/.local/share/localvoice."},
    {"paths.models_dir", "LOCALVOICE_PATHS_MODELS_DIR", "",
     "Where downloaded models live; default $XDG_CACHE_HOME/localvoice/models, else "
     "~/.cache/localvoice/models."},
    {"paths.kb_dir", "LOCALVOICE_PATHS_KB_DIR", "", "Documents of the knowledge base; default <data_dir>/knowledge."},
    {"paths.catalog_file", "LOCALVOICE_PATHS_CATALOG_FILE", "",
     "Model catalog JSON used instead of the built-in one (a mirror, or your own models); empty: built-in."},
    {"kb.top_k", "LOCALVOICE_KB_TOP_K", "3", "Knowledge-base passages given to the language model per turn, 1 to 50."},
    {"kb.min_score", "LOCALVOICE_KB_MIN_SCORE", "0.15",
     "Relevance (0 to 1) a passage needs to be used; higher means fewer, surer passages."},
    {"kb.chunk_words", "LOCALVOICE_KB_CHUNK_WORDS", "300",
     "Target length of a knowledge-base chunk in words, 20 to 2000 (changes apply on `localvoice kb rebuild`)."},
    {"kb.chunk_overlap_words", "LOCALVOICE_KB_CHUNK_OVERLAP_WORDS", "50",
     "Words repeated between consecutive chunks of a section; less than kb.chunk_words."},
    {"kb.max_file_bytes", "LOCALVOICE_KB_MAX_FILE_BYTES", "52428800",
     "Largest document indexed; larger files are skipped with a warning (KiB, MiB, GiB suffixes allowed)."},
    {"session.min_speech_ms", "LOCALVOICE_SESSION_MIN_SPEECH_MS", "250",
     "Shorter sounds are not speech (clicks, coughs), 0 to 10000 ms."},
    {"session.end_of_turn_silence_ms", "LOCALVOICE_SESSION_END_OF_TURN_SILENCE_MS", "500",
     "Silence after speech that ends the user's turn, 0 to 10000 ms."},
    {"session.min_interruption_ms", "LOCALVOICE_SESSION_MIN_INTERRUPTION_MS", "400",
     "User speech this long while the agent speaks interrupts it, 0 to 10000 ms."},
    {"session.false_interruption_timeout_ms", "LOCALVOICE_SESSION_FALSE_INTERRUPTION_TIMEOUT_MS", "1500",
     "No words heard this long after an interruption: the agent resumes its reply, 0 to 10000 ms."},
    {"session.playback_lead_ms", "LOCALVOICE_SESSION_PLAYBACK_LEAD_MS", "300",
     "Reply audio is sent at most this far ahead of real-time playout, 0 to 10000 ms."},
    {"session.max_reply_tokens", "LOCALVOICE_SESSION_MAX_REPLY_TOKENS", "300",
     "Longest spoken reply in tokens (the model is stopped there), 0 (no limit) to 100000."},
    {"session.system_prompt", "LOCALVOICE_SESSION_SYSTEM_PROMPT", "",
     "Instructions for the language model; empty: the built-in voice-assistant prompt."},
    {"tools.time_zone", "LOCALVOICE_TOOLS_TIME_ZONE", "",
     "Time zone of the time, date and reminder tools, e.g. Europe/Paris; empty: the system's."},
    {"tools.allow", "LOCALVOICE_TOOLS_ALLOW", "",
     "Tools that run without asking, comma-separated (overrides a tool's own default)."},
    {"tools.confirm", "LOCALVOICE_TOOLS_CONFIRM", "", "Tools that run only after the user confirms, comma-separated."},
    {"tools.deny", "LOCALVOICE_TOOLS_DENY", "", "Tools that never run, comma-separated."},
    {"tools.intents_file", "LOCALVOICE_TOOLS_INTENTS_FILE", "",
     "Extra intent templates (JSON, the shape of src/tools/intents/en.json), tried after the built-in ones."},
    {"wyoming.uri", "LOCALVOICE_WYOMING_URI", "",
     "Wyoming servers to run beside HTTP (for Home Assistant), comma-separated tcp://HOST:PORT or "
     "unix:///path; empty: none. Wyoming has no authentication."},
    {"log.level", "LOCALVOICE_LOG_LEVEL", "info", "Log level: trace, debug, info, warn, error, critical or off."},
    {"log.format", "LOCALVOICE_LOG_FORMAT", "auto",
     "Log format: auto (JSON unless stderr is a terminal), json or text."},
}};

constexpr std::array<FlagInfo, 14> kFlags = {{
    {"--wyoming", "wyoming.uri"},
    {"--host", "server.host"},
    {"--port", "server.port"},
    {"--web-root", "server.web_root"},
    {"--log-level", "log.level"},
    {"--log-format", "log.format"},
    {"--vad", "engines.vad"},
    {"--stt", "engines.stt"},
    {"--tts", "engines.tts"},
    {"--llm", "engines.llm"},
    {"--embeddings", "engines.embeddings"},
    {"--data-dir", "paths.data_dir"},
    {"--models-dir", "paths.models_dir"},
    {"--kb-dir", "paths.kb_dir"},
}};

// A TOML basic string: quotes, backslashes and control characters escaped.
std::string toml_string(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          std::array<char, 8> escaped{};
          std::snprintf(escaped.data(), escaped.size(), "\\u%04X", static_cast<unsigned>(c));
          out += escaped.data();
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

// The shortest text that reads back as the same double, always with a '.' so TOML sees a float.
std::string toml_decimal(double value) {
  std::array<char, 32> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  std::string text(buffer.data(), result.ptr);
  if (text.find_first_of(".eE") == std::string::npos) text += ".0";
  return text;
}

bool has_prefix(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

}  // namespace

std::span<const KeyInfo> keys() { return kKeys; }

std::span<const FlagInfo> flags() { return kFlags; }

std::string_view flag_for_key(std::string_view key) {
  for (const FlagInfo& flag : kFlags) {
    if (flag.key == key) return flag.flag;
  }
  return {};
}

std::string to_toml(const Config& config) {
  std::string out =
      "# LocalVoice configuration. Every key is optional; see docs/configuration.md.\n"
      "# Precedence: command-line flags > LOCALVOICE_* environment variables > this file > defaults.\n";
  std::string_view section;
  for (const KeyInfo& info : keys()) {
    const auto dot = info.key.find('.');
    const std::string_view key_section = info.key.substr(0, dot);
    if (key_section != section) {
      section = key_section;
      out += "\n[" + std::string(section) + "]\n";
    }
    const Setting* setting = find_setting(info.key);
    if (setting == nullptr) continue;
    out += "# " + std::string(info.description) + "\n";
    out += std::string(info.key.substr(dot + 1)) + " = ";
    const Value value = setting->read(config);
    if (const auto* text = std::get_if<std::string>(&value)) {
      out += toml_string(*text);
    } else if (const auto* decimal = std::get_if<double>(&value)) {
      out += toml_decimal(*decimal);
    } else {
      out += std::to_string(std::get<std::int64_t>(value));
    }
    out += '\n';
  }
  return out;
}

std::map<std::string, std::string> process_environment() {
  std::map<std::string, std::string> env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view line(*entry);
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view name = line.substr(0, eq);
    if (has_prefix(name, "LOCALVOICE_") || has_prefix(name, "XDG_") || name == "HOME") {
      env.emplace(std::string(name), std::string(line.substr(eq + 1)));
    }
  }
  return env;
}

session::SessionOptions to_session_options(const SessionConfig& settings) {
  session::SessionOptions options;
  options.turn_taking.min_speech_ms = settings.min_speech_ms;
  options.turn_taking.end_of_turn_silence_ms = settings.end_of_turn_silence_ms;
  options.turn_taking.min_interruption_ms = settings.min_interruption_ms;
  options.turn_taking.false_interruption_timeout_ms = settings.false_interruption_timeout_ms;
  options.playback_lead_ms = settings.playback_lead_ms;
  options.chat.max_tokens = settings.max_reply_tokens;
  if (!settings.system_prompt.empty()) {
    options.system_prompt = settings.system_prompt;
  }
  return options;
}

}  // namespace lv::config
