// A registry of engine factories for one engine kind, keyed by URL scheme; filled in by the program's main.
#pragma once

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/engine_url.h"
#include "util/error.h"
#include "util/log.h"

namespace lv::engine {

// Embedded engines run in-process; remote engines talk to a server (OpenAI-compatible, Ollama).
enum class EngineFamily { embedded, remote };

// What a scheme is, for `localvoice doctor` and error messages.
struct SchemeInfo {
  std::string scheme;  // "whisper"
  EngineFamily family = EngineFamily::embedded;
  std::string description;  // "whisper.cpp in-process (ggml model file or catalog name)"
  std::string example;      // "whisper:base.en"
  // Engine URL used instead when this one cannot be created (e.g. a missing model), empty when there is
  // none: the one fallback policy of every command and the server.
  std::string fallback = {};
};

// An engine, the URL it was made from (the fallback's when that was used), and why the fallback was needed.
template <typename EnginePtr>
struct CreatedEngine {
  EnginePtr engine;
  std::string url;              // redacted
  std::string fallback_reason;  // empty when the requested engine was created
};

// Registry of factories creating `Engine` (an interface type such as SttEngine) from an EngineUrl.
template <typename Engine>
class EngineRegistry {
 public:
  using EnginePtr = std::shared_ptr<Engine>;
  using Factory = std::function<EnginePtr(const EngineUrl& url)>;

  explicit EngineRegistry(EngineKind kind) : kind_(kind) {}

  // Registers a factory; a scheme registered twice is a programming error (throws std::logic_error).
  void add(SchemeInfo info, Factory factory) {
    if (entries_.count(info.scheme) != 0) {
      throw std::logic_error("engine scheme registered twice: " + info.scheme);
    }
    std::string scheme = info.scheme;
    entries_.emplace(std::move(scheme), Entry{std::move(info), std::move(factory)});
  }

  bool has(const std::string& scheme) const { return entries_.count(scheme) != 0; }

  // Creates the engine named by `url`. Throws lv::Error when the scheme is unknown for this kind (listing
  // the schemes that are) or when the factory fails (its own lv::Error passes through unchanged).
  EnginePtr create(const EngineUrl& url) const {
    const auto it = entries_.find(url.scheme);
    if (it == entries_.end()) {
      throw Error(
          "unknown " + std::string(kind_name(kind_)) + " engine '" + url.scheme + "' in '" + url.redacted() + "'",
          known_schemes_hint());
    }
    return it->second.factory(url);
  }

  // Like create(), but when the scheme names a fallback and creating the engine fails, the fallback is
  // created instead and a warning says so. Errors of the fallback itself (and of schemes without one) pass.
  CreatedEngine<EnginePtr> create_or_fallback(const EngineUrl& url) const {
    const auto it = entries_.find(url.scheme);
    if (it == entries_.end() || it->second.info.fallback.empty()) {
      return {create(url), url.redacted(), {}};
    }
    try {
      return {it->second.factory(url), url.redacted(), {}};
    } catch (const Error& e) {
      const EngineUrl fallback = parse_engine_url(it->second.info.fallback);
      auto engine = create(fallback);
      log::warn(std::string(kind_name(kind_)) + " engine unavailable; using " + fallback.redacted() + " instead",
                {{"url", url.redacted()}, {"detail", e.full_message()}});
      return {std::move(engine), fallback.redacted(), e.full_message()};
    }
  }

  std::vector<SchemeInfo> schemes() const {
    std::vector<SchemeInfo> out;
    out.reserve(entries_.size());
    for (const auto& [name, entry] : entries_) {
      out.push_back(entry.info);
    }
    return out;
  }

  EngineKind kind() const { return kind_; }

 private:
  struct Entry {
    SchemeInfo info;
    Factory factory;
  };

  std::string known_schemes_hint() const {
    if (entries_.empty()) {
      return "this build has no " + std::string(kind_name(kind_)) + " engines";
    }
    std::string hint = "use one of:";
    for (const auto& [name, entry] : entries_) {
      hint += " " + entry.info.example;
    }
    return hint;
  }

  EngineKind kind_;
  std::map<std::string, Entry> entries_;
};

}  // namespace lv::engine
