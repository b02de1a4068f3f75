#include "config/config.h"

#include <unistd.h>

#include <array>
#include <cstdio>
#include <string>
#include <variant>

#include "config/settings.h"

namespace lv::config {
namespace {

// Keep in the order of settings(); docs/configuration.md lists the same keys (a test checks both).
constexpr std::array<KeyInfo, 18> kKeys = {{
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
    {"engines.stt", "LOCALVOICE_ENGINES_STT", "pocketsphinx:en-us", "Speech-to-text engine (engine URL)."},
    {"engines.tts", "LOCALVOICE_ENGINES_TTS", "flite:slt", "Text-to-speech engine (engine URL)."},
    {"engines.llm", "LOCALVOICE_ENGINES_LLM", "",
     "Language model that writes the replies (engine URL); empty means none."},
    {"engines.embeddings", "LOCALVOICE_ENGINES_EMBEDDINGS", "",
     "Embedding model for knowledge-base search (engine URL); empty means none."},
    {"paths.data_dir", "LOCALVOICE_PATHS_DATA_DIR", "",
     "Where LocalVoice keeps its data; default $XDG_DATA_HOME/localvoice, else ~/.local/share/localvoice."},
    {"paths.models_dir", "LOCALVOICE_PATHS_MODELS_DIR", "",
     "Where downloaded models live; default $XDG_CACHE_HOME/localvoice/models, else "
     "~/.cache/localvoice/models."},
    {"paths.kb_dir", "LOCALVOICE_PATHS_KB_DIR", "", "Documents of the knowledge base; default <data_dir>/knowledge."},
    {"log.level", "LOCALVOICE_LOG_LEVEL", "info", "Log level: trace, debug, info, warn, error, critical or off."},
    {"log.format", "LOCALVOICE_LOG_FORMAT", "auto",
     "Log format: auto (JSON unless stdout is a terminal), json or text."},
}};

constexpr std::array<FlagInfo, 13> kFlags = {{
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

}  // namespace lv::config
