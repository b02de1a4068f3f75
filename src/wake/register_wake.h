// Registers the wake-word engines (openwakeword:) with the program's engine registry.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include "engine/engine_registry.h"
#include "engine/engine_url.h"
#include "wake/wake_engine.h"

namespace lv::wake {

struct WakeRegistryOptions {
  // Resolves a catalog model name ("openwakeword:hey_jarvis") through the model manager; throws lv::Error
  // saying how to install the model. When empty, names resolve to models_dir/openwakeword/NAME/.
  std::function<std::filesystem::path(const std::string& name)> resolve_model;
  std::filesystem::path models_dir;
};

// The wake words of openWakeWord's pre-trained models that the catalog offers.
const std::vector<std::string>& openwakeword_words();

// Adds `openwakeword:` ("openwakeword:hey_jarvis?threshold=0.5&trigger_level=2",
// "openwakeword:/path/hey_jarvis_v0.1.onnx"). URL params: threshold, trigger_level, refractory_ms.
void register_wake_engines(engine::EngineRegistry<WakeEngine>& registry, const WakeRegistryOptions& options);

// Reads the WakeOptions params of a URL; throws lv::Error for a malformed or out-of-range value.
WakeOptions wake_options_from_url(const engine::EngineUrl& url);

}  // namespace lv::wake
