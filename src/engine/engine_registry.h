// A registry of engine factories for one engine kind, keyed by URL scheme; each engine module adds its own.
#pragma once

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/engine_catalog.h"
#include "engine/engine_url.h"
#include "util/error.h"
#include "util/log.h"

namespace lv::engine {

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

  // Registers a scheme and its factory (the module's one registration line); a scheme registered twice is a
  // programming error (throws std::logic_error).
  void add(SchemeInfo info, Factory factory) {
    if (entries_.count(info.scheme) != 0) {
      throw std::logic_error("engine scheme registered twice: " + info.scheme);
    }
    info.kind = kind_;
    std::string scheme = info.scheme;
    entries_.emplace(std::move(scheme), Entry{std::move(info), std::move(factory)});
  }

  bool has(const std::string& scheme) const { return entries_.count(scheme) != 0; }

  // Creates the engine named by `url`, without a fallback. Throws lv::Error when the scheme is unknown for
  // this kind (listing the schemes that are), when a parameter is not one the scheme accepts, or when the
  // factory fails (its own lv::Error passes through unchanged).
  EnginePtr create(const EngineUrl& url) const { return factory_of(url)(url); }

  // The one loading policy of every command and the server: creates the engine of `url`; when that fails
  // and its scheme names a fallback, the fallback is created instead and a warning says so. Errors of the
  // fallback itself, of schemes without one, and of unknown schemes or parameters pass.
  CreatedEngine<EnginePtr> load(const EngineUrl& url) const {
    const auto& factory = factory_of(url);
    const auto& info = entries_.at(url.scheme).info;
    if (info.fallback.empty()) {
      return {factory(url), url.redacted(), {}};
    }
    try {
      return {factory(url), url.redacted(), {}};
    } catch (const Error& e) {
      const EngineUrl fallback = parse(info.fallback);
      auto engine = create(fallback);
      log::warn(std::string(kind_name(kind_)) + " engine unavailable; using " + fallback.redacted() + " instead",
                {{"url", url.redacted()}, {"detail", e.full_message()}});
      return {std::move(engine), fallback.redacted(), e.full_message()};
    }
  }
  // load() of an engine URL as written; a URL without "KIND:" is suggested one from this kind's schemes.
  CreatedEngine<EnginePtr> load(std::string_view text) const { return load(parse(text)); }

  // parse_engine_url() with "did you mean" drawn from this kind's schemes.
  EngineUrl parse(std::string_view text) const {
    const auto schemes = this->schemes();
    return parse_engine_url(text, [&schemes](std::string_view word) { return guess_scheme(schemes, word); });
  }

  // Adds this kind's schemes to `catalog` (for the checks that create no engine).
  void describe_into(EngineCatalog& catalog) const {
    for (const auto& [name, entry] : entries_) {
      catalog.add(entry.info);
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

  const Factory& factory_of(const EngineUrl& url) const {
    const auto it = entries_.find(url.scheme);
    if (it == entries_.end()) {
      throw Error(
          "unknown " + std::string(kind_name(kind_)) + " engine '" + url.scheme + "' in '" + url.redacted() + "'",
          known_schemes_hint());
    }
    check_params(it->second.info, url);
    return it->second.factory;
  }

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
