#include "engine/engine_catalog.h"

#include <algorithm>
#include <iterator>
#include <set>
#include <string>

#include "util/error.h"

namespace lv::engine {

std::string catalog_model_name(const SchemeInfo& info, const EngineUrl& url) {
  if (!info.catalog) {
    return {};
  }
  if (url.is_name()) {
    return info.scheme + ":" + url.spec;
  }
  if (url.empty_spec() && !info.catalog->default_name.empty()) {
    return info.scheme + ":" + info.catalog->default_name;
  }
  return {};
}

void check_params(const SchemeInfo& info, const EngineUrl& url) {
  if (info.params.empty() && !url.params.empty()) {
    throw Error("unknown parameter '" + url.params.begin()->first + "' in engine URL '" + url.redacted() + "'",
                "the " + info.scheme + ": engine takes no parameters");
  }
  reject_unknown_params(url, std::set<std::string>(info.params.begin(), info.params.end()));
}

std::string guess_scheme(const std::vector<SchemeInfo>& schemes, std::string_view word) {
  for (const auto& info : schemes) {
    if (info.scheme == word) {
      return info.scheme;
    }
  }
  for (const auto& info : schemes) {
    if (info.claims && info.claims(word)) {
      return info.scheme;
    }
  }
  return {};
}

std::vector<SchemeInfo> EngineCatalog::of_kind(EngineKind kind) const {
  std::vector<SchemeInfo> out;
  std::copy_if(schemes_.begin(), schemes_.end(), std::back_inserter(out),
               [kind](const SchemeInfo& info) { return info.kind == kind; });
  return out;
}

const SchemeInfo* EngineCatalog::find(EngineKind kind, std::string_view scheme) const {
  const auto it = std::find_if(schemes_.begin(), schemes_.end(),
                               [&](const SchemeInfo& info) { return info.kind == kind && info.scheme == scheme; });
  return it == schemes_.end() ? nullptr : &*it;
}

std::string EngineCatalog::guess(std::string_view word, std::optional<EngineKind> kind) const {
  if (kind) {
    if (auto scheme = guess_scheme(of_kind(*kind), word); !scheme.empty()) {
      return scheme;
    }
  }
  return guess_scheme(schemes_, word);
}

EngineUrl EngineCatalog::parse(std::string_view text, std::optional<EngineKind> kind) const {
  return parse_engine_url(text, [this, kind](std::string_view word) { return guess(word, kind); });
}

EngineUrl EngineCatalog::check(EngineKind kind, std::string_view text) const {
  EngineUrl url = parse(text, kind);
  if (const auto* info = find(kind, url.scheme)) {
    check_params(*info, url);
  }
  return url;
}

}  // namespace lv::engine
