#include "app/wyoming_setup.h"

#include <utility>

#include "engine/engine_url.h"
#include "util/error.h"
#include "util/text.h"
#include "util/version.h"
#include "wyoming/asr_service.h"
#include "wyoming/handle_service.h"
#include "wyoming/tts_service.h"
#include "wyoming/wyoming_uri.h"

namespace lv::app {
namespace {

// The description this build registered for the scheme of `url` ("" when unknown).
std::string description_of(const std::vector<engine::SchemeInfo>& schemes, engine::EngineKind kind,
                           const std::string& url) {
  try {
    const auto parsed = engine::parse_engine_url(url);
    for (const auto& info : schemes) {
      if (info.kind == kind && info.scheme == parsed.scheme) {
        return info.description;
      }
    }
  } catch (const Error&) {
    // An unparsable URL has no description; the service still works.
  }
  return {};
}

wyoming::WyomingServicePtr make_asr_service(const WyomingContext& context) {
  auto current = [loaded = context.loaded, schemes = context.schemes] {
    const EngineSet set = loaded->snapshot();
    return wyoming::CurrentStt{set.stt, set.stt_url, description_of(schemes, engine::EngineKind::stt, set.stt_url)};
  };
  wyoming::AsrServiceOptions options;
  options.version = kVersion;
  return std::make_shared<wyoming::AsrService>(std::move(current), context.runtime, options);
}

wyoming::WyomingServicePtr make_tts_service(const WyomingContext& context) {
  auto current = [loaded = context.loaded] {
    const EngineSet set = loaded->snapshot();
    return wyoming::CurrentTts{set.tts, set.tts_url};
  };
  return std::make_shared<wyoming::TtsService>(std::move(current), context.runtime);
}

wyoming::WyomingServicePtr make_handle_service(const WyomingContext& context) {
  return std::make_shared<wyoming::HandleService>(context.sessions);
}

}  // namespace

std::vector<wyoming::WyomingServicePtr> make_wyoming_services(const WyomingContext& context) {
  std::vector<wyoming::WyomingServicePtr> services;
  services.push_back(make_asr_service(context));
  services.push_back(make_tts_service(context));
  services.push_back(make_handle_service(context));
  return services;
}

std::vector<std::string> wyoming_uris(const config::Config& config) {
  std::vector<std::string> uris;
  const std::string& list = config.wyoming.uri;
  std::size_t begin = 0;
  while (begin <= list.size()) {
    const std::size_t comma = std::min(list.find(',', begin), list.size());
    const std::string uri(util::trim(std::string_view(list).substr(begin, comma - begin)));
    begin = comma + 1;
    if (uri.empty()) {
      continue;
    }
    try {
      (void)wyoming::parse_uri(uri);
    } catch (const Error& e) {
      throw config::ConfigError("wyoming.uri", std::string("wyoming.uri: ") + e.what(), e.fix());
    }
    uris.push_back(uri);
  }
  return uris;
}

std::unique_ptr<wyoming::WyomingServer> start_wyoming(const config::Config& config, const WyomingContext& context) {
  wyoming::WyomingServerOptions options;
  options.uris = wyoming_uris(config);
  if (options.uris.empty()) {
    return nullptr;
  }
  auto server = std::make_unique<wyoming::WyomingServer>(options, make_wyoming_services(context));
  (void)server->start();
  return server;
}

}  // namespace lv::app
