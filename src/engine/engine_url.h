// Engine URLs ("KIND:SPEC?key=value"): how configuration names an engine and its model or server.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace lv::engine {

// What an engine does. One interface per kind; several schemes (engine families) per kind.
enum class EngineKind { vad, stt, tts, llm, embeddings, wake };

std::string_view kind_name(EngineKind kind);  // "vad", "stt", "tts", "llm", "embeddings", "wake"
// What the kind does, for people: "Voice detection", "Speech recognition", "Spoken replies", ...
std::string_view kind_label(EngineKind kind);

// A parsed engine URL. Examples:
//   whisper:/models/ggml-base.en.bin        scheme "whisper", spec is a file path
//   whisper:base.en                         scheme "whisper", spec is a catalog name
//   pocketsphinx:en-us   flite:slt   espeak:en-us   silero:   energy:
//   openai:http://host:8000/v1?model=NAME   scheme "openai", spec is a server URL, params {model: NAME}
//   ollama:http://localhost:11434?model=gemma3:4b
struct EngineUrl {
  std::string text;                           // the URL as written, for messages
  std::string scheme;                         // lower-case, [a-z][a-z0-9_+.-]*
  std::string spec;                           // everything after "scheme:" up to '?', percent-decoded
  std::map<std::string, std::string> params;  // query parameters, percent-decoded

  bool empty_spec() const { return spec.empty(); }
  bool is_http() const;  // spec is an http:// or https:// URL (a remote engine)
  bool is_path() const;  // spec names a file: starts with '/', './', '../' or '~/'
  bool is_name() const { return !empty_spec() && !is_http() && !is_path(); }  // catalog name or voice
  std::optional<std::string> param(std::string_view key) const;
  // The URL without secrets (any param named key, api_key, token is shown as "***"), for logs.
  std::string redacted() const;
};

// The scheme a word written without "KIND:" most likely meant ("base.en" -> "whisper"), empty when unknown.
// The registered engines answer it (EngineCatalog::guess); the parser itself knows no engine.
using SchemeGuess = std::function<std::string(std::string_view word)>;

// Parses an engine URL; throws lv::Error naming what is wrong and showing a valid example ("did you mean"
// from `guess` when the kind is missing).
EngineUrl parse_engine_url(std::string_view text, const SchemeGuess& guess = {});

// Throws lv::Error naming the first parameter of `url` not in `known`, and listing those that are.
void reject_unknown_params(const EngineUrl& url, const std::set<std::string>& known);

// The whole-number parameter `key` within [min_value, max_value], or `fallback` when absent; throws lv::Error
// naming the value and the range otherwise.
int int_param(const EngineUrl& url, const std::string& key, int fallback, int min_value, int max_value);

}  // namespace lv::engine
