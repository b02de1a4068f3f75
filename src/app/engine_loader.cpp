#include "app/engine_loader.h"

#include <algorithm>
#include <chrono>

#include "api/chat_routes.h"
#include "api/embedding_routes.h"
#include "api/speech_routes.h"
#include "api/transcription_routes.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/log.h"

namespace lv::app {
namespace {

// "; using energy: instead" after why the requested engine could not be created, or empty when it was.
template <typename Created>
std::string fallback_note(const Created& created) {
  return created.fallback_reason.empty() ? std::string()
                                         : created.fallback_reason + "; using " + created.url + " instead";
}

// Loads the engine of `parsed` by the registry's one policy (its fallback when it cannot be created),
// mounts its routes when there is a router, and publishes it; throws lv::Error when it cannot load. Returns
// the fallback's reason when the fallback was loaded instead.
std::string create_and_mount(const EngineLoaderDeps& deps, engine::EngineKind kind, const engine::EngineUrl& parsed) {
  const auto& engines = *deps.setup;
  auto* router = deps.router;
  switch (kind) {
    case engine::EngineKind::llm: {
      auto llm = engines.llm.load(parsed);
      if (router != nullptr) {
        api::add_chat_routes(*router, llm.engine, llm.engine->model_name());
      }
      deps.loaded->update([&](EngineSet& set) {
        set.llm = llm.engine;
        set.llm_url = llm.url;
      });
      return fallback_note(llm);
    }
    case engine::EngineKind::vad: {
      auto vad = engines.vad.load(parsed);  // loaded and warmed up now; sessions share it
      deps.loaded->update([&](EngineSet& set) {
        set.vad = vad.engine;
        set.vad_url = vad.url;
      });
      return fallback_note(vad);
    }
    case engine::EngineKind::stt: {
      auto stt = engines.stt.load(parsed);
      if (router != nullptr) {
        api::TranscriptionRoutesOptions options;
        options.max_upload_bytes = deps.config->server.max_upload_bytes;
        api::add_transcription_routes(*router, stt.engine, options);
      }
      deps.loaded->update([&](EngineSet& set) {
        set.stt = stt.engine;
        set.stt_url = stt.url;
      });
      return fallback_note(stt);
    }
    case engine::EngineKind::embeddings: {
      auto embeddings = engines.embeddings.load(parsed);
      if (router != nullptr) {
        api::add_embedding_routes(*router, embeddings.engine);
      }
      deps.loaded->update([&](EngineSet& set) { set.embeddings = embeddings.engine; });
      return fallback_note(embeddings);
    }
    case engine::EngineKind::tts: {
      auto tts = engines.tts.load(parsed);
      if (router != nullptr) {
        api::add_speech_routes(*router, tts.engine);
      }
      deps.loaded->update([&](EngineSet& set) {
        set.tts = tts.engine;
        set.tts_url = tts.url;
      });
      return fallback_note(tts);
    }
    case engine::EngineKind::wake:
      break;  // wake words load per command or service, not as a configured engine
  }
  return {};
}

// "Silero VAD v5 on onnxruntime" -> "Silero": how people call the engine that could not load.
std::string engine_name(const EngineSetup& setup, engine::EngineKind kind, const std::string& url) {
  try {
    const auto catalog = setup.catalog();
    auto scheme = catalog.parse(url, kind).scheme;
    if (const auto* info = catalog.find(kind, scheme)) {
      return info->description.substr(0, info->description.find(' '));
    }
    return scheme;
  } catch (const Error&) {
    return "configured";
  }
}

}  // namespace

std::string status_summary(const engine::EngineStatus& status, std::string_view engine_name) {
  const bool missing_model = status.detail.find("is not installed") != std::string::npos;
  switch (status.state) {
    case engine::EngineState::ready:
      return "ready";
    case engine::EngineState::loading:
      return "loading";
    case engine::EngineState::absent:
      return "not configured";
    case engine::EngineState::degraded:
    case engine::EngineState::failed:
      break;
  }
  if (status.detail.find("; using ") != std::string::npos) {
    const std::string name(engine_name);
    return missing_model ? "basic (the " + name + " model is not installed)"
                         : "basic (the " + name + " engine could not load)";
  }
  return missing_model ? "unavailable (its model is not installed)"
                       : "unavailable (it could not load; `localvoice doctor` says why)";
}

engine::EngineStatus load_engine(const EngineLoaderDeps& deps, engine::EngineKind kind, const std::string& url) {
  auto status = check_engine(*deps.setup, kind, url);
  if (status.state == engine::EngineState::ready) {
    const auto started = std::chrono::steady_clock::now();
    try {
      const auto fallback = create_and_mount(deps, kind, deps.setup->catalog().parse(url, kind));
      if (fallback.empty()) {
        status.detail += "; loaded in " + std::to_string(static_cast<std::int64_t>(util::ms_since(started))) + " ms";
      } else {
        status.state = engine::EngineState::degraded;
        status.detail = fallback;
      }
    } catch (const Error& e) {
      status.state = engine::EngineState::degraded;
      status.detail = e.full_message();
    }
  } else if (status.state == engine::EngineState::failed) {
    // The server still starts: sessions use what works and say what does not (graceful degradation).
    status.state = engine::EngineState::degraded;
  }
  status.summary = status_summary(status, engine_name(*deps.setup, kind, url));
  return status;
}

void load_engines(const EngineLoaderDeps& deps,
                  const std::vector<std::pair<engine::EngineKind, std::string>>& engines) {
  for (const auto& [kind, url] : engines) {
    auto status = load_engine(deps, kind, url);
    if (status.state == engine::EngineState::degraded) {
      log::warn("engine unavailable",
                {{"kind", std::string(engine::kind_name(kind))}, {"url", status.url}, {"detail", status.detail}});
    } else if (status.state == engine::EngineState::ready) {
      log::info("engine ready", {{"kind", std::string(engine::kind_name(kind))}, {"url", status.url}});
    }
    deps.board->set(std::move(status));
  }
}

std::vector<engine::EngineKind> swap_changed_engines(const EngineLoaderDeps& deps, const config::Config& before,
                                                     const config::Config& after) {
  std::vector<engine::EngineKind> swapped;
  const auto old_urls = configured_engines(before);
  const auto new_urls = configured_engines(after);
  const auto statuses = deps.board->snapshot();
  const auto degraded = [&statuses](engine::EngineKind kind) {
    return std::any_of(statuses.begin(), statuses.end(), [kind](const engine::EngineStatus& s) {
      return s.kind == kind && s.state == engine::EngineState::degraded;
    });
  };
  for (std::size_t i = 0; i < new_urls.size() && i < old_urls.size(); ++i) {
    const auto& [kind, url] = new_urls[i];
    // A changed URL, or the same one that could not load before (its model may be there now).
    if (url.empty() || (url == old_urls[i].second && !degraded(kind))) {
      continue;
    }
    auto status = load_engine(deps, kind, url);
    if (status.state != engine::EngineState::ready) {
      log::warn("downloaded engine did not load; keeping the one in use",
                {{"kind", std::string(engine::kind_name(kind))}, {"url", status.url}, {"detail", status.detail}});
      continue;
    }
    log::info("engine swapped in",
              {{"kind", std::string(engine::kind_name(kind))}, {"from", old_urls[i].second}, {"url", status.url}});
    deps.board->set(std::move(status));
    swapped.push_back(kind);
  }
  return swapped;
}

}  // namespace lv::app
