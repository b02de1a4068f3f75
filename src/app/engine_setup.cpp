#include "app/engine_setup.h"

#include "models/progress_printer.h"

#include "embed/embedding_engines.h"
#include "llm/llm_engines.h"
#include "stt/register_stt.h"
#include "tts/tts_engines.h"
#include "util/error.h"
#include "vad/register_vad.h"

namespace lv::app {

models::Catalog configured_catalog(const config::Config& config) {
  return config.paths.catalog_file.empty() ? models::embedded_catalog()
                                           : models::load_catalog(config.paths.catalog_file);
}

config::Config with_installed_profile_engines(config::Config config, const models::ModelStore& store,
                                              std::string_view profile) {
  const auto* known = [&]() -> const models::Profile* {
    for (const auto& p : store.catalog().profiles) {
      if (p.name == profile) {
        return &p;
      }
    }
    return nullptr;
  }();
  if (known == nullptr) {
    return config;
  }
  const config::EnginesConfig defaults;
  const std::pair<models::Role, std::string config::EnginesConfig::*> slots[] = {
      {models::Role::stt, &config::EnginesConfig::stt},
      {models::Role::llm, &config::EnginesConfig::llm},
      {models::Role::tts, &config::EnginesConfig::tts},
      {models::Role::embeddings, &config::EnginesConfig::embeddings}};
  for (const auto& [role, member] : slots) {
    if (config.engines.*member != defaults.*member) {
      continue;  // the user chose this engine
    }
    for (const auto& name : known->models) {
      const auto* model = store.catalog().find(name);
      if (model != nullptr && model->role == role && store.status(name).installed) {
        config.engines.*member = name;  // catalog names are engine URLs ("whisper:base.en")
        break;
      }
    }
  }
  return config;
}

EngineSetup::EngineSetup(const config::Config& config)
    : store_(std::make_shared<models::ModelStore>(
          configured_catalog(config), models::StoreOptions{config.paths.models_dir, models::store_environment()})) {
  auto store = store_;
  vad::VadRegistryOptions vad_options;
  vad_options.models_dir = config.paths.models_dir;
  vad_options.resolve_model = [store](const std::string& name) { return store->resolve("silero:" + name); };
  vad::register_vad_engines(vad, vad_options);
  stt::SttRegistryOptions stt_options;
  stt_options.models_dir = config.paths.models_dir;
  stt_options.resolve_model = [store](const std::string& name) { return store->resolve("whisper:" + name); };
  stt::register_stt_engines(stt, stt_options);
  llm::register_llm_engines(llm, [store](const std::string& name) { return store->resolve("llama:" + name); });
  embed::register_embedding_engines(embeddings,
                                    [store](const std::string& name) { return store->resolve("llama:" + name); });
  tts::register_tts_engines(
      tts, {config.paths.models_dir, [store](const std::string& name) { return store->resolve("piper:" + name); }});
}

std::vector<engine::SchemeInfo> EngineSetup::schemes(engine::EngineKind kind) const {
  switch (kind) {
    case engine::EngineKind::vad:
      return vad.schemes();
    case engine::EngineKind::stt:
      return stt.schemes();
    case engine::EngineKind::llm:
      return llm.schemes();
    case engine::EngineKind::tts:
      return tts.schemes();
    case engine::EngineKind::embeddings:
      return embeddings.schemes();
    default:
      return {};
  }
}

std::vector<std::pair<engine::EngineKind, std::string>> configured_engines(const config::Config& config) {
  return {{engine::EngineKind::vad, config.engines.vad},
          {engine::EngineKind::stt, config.engines.stt},
          {engine::EngineKind::llm, config.engines.llm},
          {engine::EngineKind::tts, config.engines.tts},
          {engine::EngineKind::embeddings, config.engines.embeddings}};
}

engine::EngineStatus check_engine(const EngineSetup& setup, engine::EngineKind kind, const std::string& url) {
  engine::EngineStatus status;
  status.kind = kind;
  if (url.empty()) {
    status.state = engine::EngineState::absent;
    status.detail = "none configured";
    return status;
  }
  engine::EngineUrl parsed;
  try {
    parsed = engine::parse_engine_url(url);
  } catch (const Error& e) {
    status.url = url;
    status.state = engine::EngineState::failed;
    status.detail = e.full_message();
    return status;
  }
  status.url = parsed.redacted();
  const auto schemes = setup.schemes(kind);
  for (const auto& info : schemes) {
    if (info.scheme == parsed.scheme) {
      status.state = engine::EngineState::ready;
      status.detail = info.description;
      return status;
    }
  }
  status.state = engine::EngineState::failed;
  if (schemes.empty()) {
    status.detail = "this build of LocalVoice has no " + std::string(engine::kind_name(kind)) + " engines yet";
  } else {
    std::string known;
    for (const auto& info : schemes) {
      known += (known.empty() ? "" : ", ") + info.example;
    }
    status.detail = "'" + parsed.scheme + "' is not a " + std::string(engine::kind_name(kind)) +
                    " engine of this build; use one of: " + known;
  }
  return status;
}

}  // namespace lv::app
