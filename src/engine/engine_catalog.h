// What each engine scheme is and accepts, as its module registers it: the one list doctor, config checks,
// "did you mean" suggestions, the model catalog and engine loading read.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/engine_url.h"

namespace lv::engine {

// Embedded engines run in-process; remote engines talk to a server (OpenAI-compatible, Ollama).
enum class EngineFamily { embedded, remote };

// How a scheme loads models of the model catalog, whose names are "SCHEME:NAME" ("whisper:base.en").
struct CatalogUse {
  std::string role = {};          // the catalog role of those models: "stt", "llm", "tts", "embeddings", "vad", "wake"
  std::string default_name = {};  // the model an empty spec means ("v5" for silero:); empty: none
};

// One scheme of one engine kind.
struct SchemeInfo {
  std::string scheme = {};  // "whisper"
  EngineFamily family = EngineFamily::embedded;
  std::string description = {};  // "whisper.cpp in-process (ggml model file or catalog name)"
  std::string example = {};      // "whisper:base.en"
  // Engine URL used instead when this one cannot be created (e.g. a missing model), empty when there is
  // none: the one fallback policy of every command and the server.
  std::string fallback = {};
  std::optional<CatalogUse> catalog = {};  // set when a name in the spec is a catalog model
  std::vector<std::string> params = {};    // the URL parameters it accepts; any other is an error
  // Whether a bare word written without "KIND:" was most likely meant for this engine ("base.en" for
  // whisper:); the scheme's own name always is. Feeds "did you mean".
  std::function<bool(std::string_view word)> claims = {};
  EngineKind kind = EngineKind::vad;  // set by the registry it is added to
};

// The catalog model `url` names under `info` ("whisper:base.en", "silero:v5" for an empty silero: spec);
// empty when it names a file or a server, or the scheme loads no catalog models.
std::string catalog_model_name(const SchemeInfo& info, const EngineUrl& url);

// Throws lv::Error naming the first parameter of `url` that `info` does not accept, and listing those it does.
void check_params(const SchemeInfo& info, const EngineUrl& url);

// Every scheme of every kind a program registered. Built from the registries (EngineRegistry::describe_into)
// so that checks which create no engine see exactly what loading would.
class EngineCatalog {
 public:
  void add(SchemeInfo info) { schemes_.push_back(std::move(info)); }

  const std::vector<SchemeInfo>& all() const { return schemes_; }
  std::vector<SchemeInfo> of_kind(EngineKind kind) const;
  const SchemeInfo* find(EngineKind kind, std::string_view scheme) const;

  // The scheme a bare word most likely meant ("base.en" -> "whisper", "silero" -> "silero"), preferring
  // schemes of `kind` when given; empty when none claims it.
  std::string guess(std::string_view word, std::optional<EngineKind> kind = std::nullopt) const;
  // parse_engine_url() whose "did you mean" comes from guess().
  EngineUrl parse(std::string_view text, std::optional<EngineKind> kind = std::nullopt) const;
  // What a configuration can check without creating the engine: the URL parses, and when its scheme is one
  // of `kind`, every parameter is one it accepts. Unknown schemes are left to the loader, which reports them.
  EngineUrl check(EngineKind kind, std::string_view text) const;

 private:
  std::vector<SchemeInfo> schemes_;
};

// The guess of `schemes` (in order) for a bare word: the scheme named so, else the first that claims it.
std::string guess_scheme(const std::vector<SchemeInfo>& schemes, std::string_view word);

// Finds a model file by name (a path or a catalog name); empty when not resolved.
using ModelResolver = std::function<std::filesystem::path(const std::string& name)>;

// The catalog names its models "SCHEME:NAME": a resolver for `url`'s engine that prefixes the scheme, or an empty
// one when `resolver` is empty.
inline ModelResolver catalog_resolver(const ModelResolver& resolver, const EngineUrl& url) {
  if (!resolver) {
    return {};
  }
  return [resolver, scheme = url.scheme](const std::string& name) { return resolver(scheme + ":" + name); };
}

}  // namespace lv::engine
