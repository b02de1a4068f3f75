#include "vad/register_vad.h"

#include <array>
#include <charconv>
#include <memory>
#include <string>

#include "util/error.h"
#include "vad/energy_vad.h"
#include "vad/silero_vad.h"

namespace lv::vad {

namespace {

// The URL parameters of every VAD scheme: the VadOptions fields.
constexpr std::array<const char*, 4> kParams = {"threshold", "min_speech_ms", "min_silence_ms", "speech_pad_ms"};

double number_param(const engine::EngineUrl& url, const std::string& key, const std::string& value, double low,
                    double high) {
  double parsed = 0.0;
  const auto* end = value.data() + value.size();
  const auto result = std::from_chars(value.data(), end, parsed);
  if (result.ec != std::errc{} || result.ptr != end || parsed < low || parsed > high) {
    throw Error("invalid " + key + "='" + value + "' in VAD URL '" + url.redacted() + "'",
                "use a number from " + std::to_string(low) + " to " + std::to_string(high));
  }
  return parsed;
}

}  // namespace

VadOptions vad_options_from_url(const engine::EngineUrl& url) {
  VadOptions options;
  for (const auto& [key, value] : url.params) {
    if (key == "threshold") {
      options.threshold = static_cast<float>(number_param(url, key, value, 0.01, 0.99));
    } else if (key == "min_speech_ms") {
      options.min_speech_ms = static_cast<int>(number_param(url, key, value, 0, 10000));
    } else if (key == "min_silence_ms") {
      options.min_silence_ms = static_cast<int>(number_param(url, key, value, 0, 10000));
    } else if (key == "speech_pad_ms") {
      options.speech_pad_ms = static_cast<int>(number_param(url, key, value, 0, 2000));
    } else {
      std::string known;
      for (const char* name : kParams) {
        known += (known.empty() ? "" : ", ") + std::string(name);
      }
      throw Error("unknown parameter '" + key + "' in VAD URL '" + url.redacted() + "'",
                  "VAD parameters are: " + known);
    }
  }
  return options;
}

void register_vad_engines(engine::EngineRegistry<VadEngine>& registry, const VadRegistryOptions& options) {
  registry.add({.scheme = "energy",
                .description = "energy against an adaptive noise floor (no model)",
                .example = "energy:",
                .params = {kParams.begin(), kParams.end()}},
               [](const engine::EngineUrl& url) -> VadEnginePtr {
                 EnergyVadSettings settings;
                 settings.options = vad_options_from_url(url);
                 return std::make_shared<EnergyVad>(settings);
               });
  // Turn-taking cannot work without a VAD: a missing Silero model falls back to the model-free detector.
  registry.add({.scheme = "silero",
                .description = "Silero VAD v5 on onnxruntime",
                .example = "silero:",
                .fallback = "energy:",
                .catalog = engine::CatalogUse{"vad", "v5"},
                .params = {kParams.begin(), kParams.end()}},
               [options](const engine::EngineUrl& url) -> VadEnginePtr {
                 if (url.is_http() || (url.is_name() && url.spec != "v5")) {
                   throw Error("silero: takes no name or server ('" + url.redacted() + "')",
                               "write silero: (model from the models directory) or silero:/path/silero_vad_v5.onnx");
                 }
                 std::filesystem::path path;
                 if (url.is_path()) {
                   path = url.spec;
                 } else if (options.resolve_model) {
                   path = options.resolve_model(url.scheme + ":v5");  // the catalog's "silero:v5"
                 } else {
                   const auto models_dir =
                       options.models_dir_provider ? options.models_dir_provider() : options.models_dir;
                   path = models_dir / SileroVad::kModelFileName;
                 }
                 return std::make_shared<SileroVad>(path, vad_options_from_url(url));
               });
}

}  // namespace lv::vad
