// The engines this build offers: one registry per engine kind, filled from each engine module.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/config.h"
#include "embed/embedding_engine.h"
#include "engine/engine_catalog.h"
#include "engine/engine_registry.h"
#include "engine/engine_status.h"
#include "llm/llm_engine.h"
#include "models/model_store.h"
#include "stt/stt_engine.h"
#include "tts/tts_engine.h"
#include "vad/vad_engine.h"
#include "wake/wake_engine.h"

namespace lv::app {

// Built once the configuration is known: catalog names in engine URLs ("whisper:base.en") resolve to files
// through the model store in paths.models_dir.
class EngineSetup {
 public:
  explicit EngineSetup(const config::Config& config);

  // What the registries hold: every scheme, as its module registered it.
  engine::EngineCatalog catalog() const;
  std::vector<engine::SchemeInfo> schemes(engine::EngineKind kind) const;
  const models::ModelStore& store() const { return *store_; }

  engine::EngineRegistry<vad::VadEngine> vad{engine::EngineKind::vad};
  engine::EngineRegistry<stt::SttEngine> stt{engine::EngineKind::stt};
  engine::EngineRegistry<llm::LlmEngine> llm{engine::EngineKind::llm};
  engine::EngineRegistry<tts::TtsEngine> tts{engine::EngineKind::tts};
  engine::EngineRegistry<embed::EmbeddingEngine> embeddings{engine::EngineKind::embeddings};
  engine::EngineRegistry<wake::WakeEngine> wake{engine::EngineKind::wake};

 private:
  using ModelResolver = std::function<std::filesystem::path(const std::string& catalog_name)>;

  EngineSetup();  // registries without a model store: for offered_engines()
  void register_engines(const std::filesystem::path& models_dir, const ModelResolver& resolve);

  friend engine::EngineCatalog offered_engines();

  std::shared_ptr<models::ModelStore> store_;
};

// Every engine scheme of this build, without a configuration: what configuration checks and suggestions read.
engine::EngineCatalog offered_engines();

// The scheme of `schemes` nearest to a misspelled one ("whispr" -> "whisper"), if any is close.
std::optional<std::string> nearest_scheme(const std::vector<engine::SchemeInfo>& schemes, std::string_view scheme);

// The model catalog: paths.catalog_file when set, else the one built into the program.
models::Catalog configured_catalog(const config::Config& config);

// The profile whose models LocalVoice recommends and downloads on first run.
inline constexpr std::string_view kRecommendedProfile = "small";

// `config` with each engine kind that is left at its built-in default replaced by the profile's model of
// that role when it is installed: after `models pull --profile small` (or the first run's download) the
// assistant uses the recommended models without any setting. An engine set by the user is kept as it is.
config::Config with_installed_profile_engines(config::Config config, const models::ModelStore& store,
                                              std::string_view profile);

// The configured URL of each engine kind, in the order they are listed to users.
std::vector<std::pair<engine::EngineKind, std::string>> configured_engines(const config::Config& config);

// Checks one configured engine against what this build offers (without loading it): absent when none is
// configured, failed with the fix when the URL cannot work, ready when it can be created.
engine::EngineStatus check_engine(const EngineSetup& setup, engine::EngineKind kind, const std::string& url);

}  // namespace lv::app
