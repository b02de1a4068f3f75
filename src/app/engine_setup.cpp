#include "app/engine_setup.h"

#include <algorithm>

#include "config/key_suggest.h"
#include "models/progress_printer.h"

#include "embed/embedding_engines.h"
#include "llm/llm_engines.h"
#include "stt/register_stt.h"
#include "tts/tts_engines.h"
#include "util/error.h"
#include "vad/register_vad.h"
#include "wake/register_wake.h"

namespace lv::app {

models::Catalog configured_catalog(const config::Config& config) {
  return config.paths.catalog_file.empty() ? models::embedded_catalog()
                                           : models::load_catalog(config.paths.catalog_file);
}

namespace {

// The setting that names the engine of `kind`.
std::string& engine_setting(config::EnginesConfig& engines, engine::EngineKind kind) {
  switch (kind) {
    case engine::EngineKind::vad:
      return engines.vad;
    case engine::EngineKind::stt:
      return engines.stt;
    case engine::EngineKind::tts:
      return engines.tts;
    case engine::EngineKind::llm:
      return engines.llm;
    case engine::EngineKind::embeddings:
      return engines.embeddings;
    case engine::EngineKind::wake:
      break;  // wake words are chosen per command or service, not in the engines config
  }
  return engines.vad;
}

// Whether `model` ("whisper:base.en") is one `kind` can load: a scheme of that kind loads catalog models of
// its role under its own name.
bool loads_model(const engine::EngineCatalog& engines, engine::EngineKind kind, const models::CatalogModel& model) {
  const auto* info = engines.find(kind, model.name.substr(0, model.name.find(':')));
  return info != nullptr && info->catalog && info->catalog->role == models::role_name(model.role);
}

}  // namespace

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
  const auto engines = offered_engines();
  config::EnginesConfig defaults;
  for (const auto& [kind, url] : configured_engines(config)) {
    if (url != engine_setting(defaults, kind)) {
      continue;  // the user chose this engine
    }
    for (const auto& name : known->models) {
      const auto* model = store.catalog().find(name);
      if (model != nullptr && loads_model(engines, kind, *model) && store.status(name).installed) {
        engine_setting(config.engines, kind) = name;  // catalog names are engine URLs ("whisper:base.en")
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
  register_engines(config.paths.models_dir,
                   [store](const std::string& catalog_name) { return store->resolve(catalog_name); });
}

EngineSetup::EngineSetup() { register_engines({}, {}); }

void EngineSetup::register_engines(const std::filesystem::path& models_dir, const ModelResolver& resolve) {
  // One line per engine module; each registers its schemes and what they accept.
  vad::register_vad_engines(vad, {models_dir, {}, resolve});
  stt::register_stt_engines(stt, {models_dir, 0, {}, resolve});
  tts::register_tts_engines(tts, {models_dir, resolve});
  llm::register_llm_engines(llm, resolve);
  embed::register_embedding_engines(embeddings, resolve);
  wake::register_wake_engines(wake, {resolve, models_dir});
}

std::vector<engine::SchemeInfo> EngineSetup::schemes(engine::EngineKind kind) const { return catalog().of_kind(kind); }

engine::EngineCatalog EngineSetup::catalog() const {
  engine::EngineCatalog out;
  vad.describe_into(out);
  stt.describe_into(out);
  tts.describe_into(out);
  llm.describe_into(out);
  embeddings.describe_into(out);
  wake.describe_into(out);
  return out;
}

engine::EngineCatalog offered_engines() { return EngineSetup().catalog(); }

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
  const auto engines = setup.catalog();
  engine::EngineUrl parsed;
  try {
    parsed = engines.check(kind, url);
  } catch (const Error& e) {
    status.url = url;
    status.state = engine::EngineState::failed;
    status.detail = e.full_message();
    return status;
  }
  status.url = parsed.redacted();
  if (const auto* info = engines.find(kind, parsed.scheme)) {
    status.state = engine::EngineState::ready;
    status.detail = info->description;
    return status;
  }
  status.state = engine::EngineState::failed;
  const auto schemes = engines.of_kind(kind);
  if (schemes.empty()) {
    status.detail = "this build of LocalVoice has no " + std::string(engine::kind_name(kind)) + " engines yet";
    return status;
  }
  std::string known;
  for (const auto& info : schemes) {
    known += (known.empty() ? "" : ", ") + info.example;
  }
  status.detail = "'" + parsed.scheme + "' is not a " + std::string(engine::kind_name(kind)) +
                  " engine of this build; use one of: " + known;
  if (const auto nearest = nearest_scheme(schemes, parsed.scheme)) {
    status.detail += " (did you mean '" + *nearest + ":'?)";
  }
  return status;
}

std::optional<std::string> nearest_scheme(const std::vector<engine::SchemeInfo>& schemes, std::string_view scheme) {
  std::optional<std::string> best;
  std::size_t best_distance = std::max<std::size_t>(1, scheme.size() / 3) + 1;
  for (const auto& info : schemes) {
    const std::size_t distance = config::edit_distance(scheme, info.scheme);
    if (distance < best_distance) {
      best_distance = distance;
      best = info.scheme;
    }
  }
  return best;
}

}  // namespace lv::app
