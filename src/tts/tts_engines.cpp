#include "tts/tts_engines.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "tts/espeak_engine.h"
#include "tts/flite_engine.h"
#include "tts/openai_tts_engine.h"
#include "tts/piper_engine.h"
#include "tts/wyoming_tts_engine.h"
#include "util/error.h"

namespace lv::tts {

namespace {

template <typename Number>
std::optional<Number> number_param(const engine::EngineUrl& url, std::string_view key, Number min, Number max) {
  const auto text = url.param(key);
  if (!text) {
    return std::nullopt;
  }
  Number value{};
  const auto* end = text->data() + text->size();
  const auto [ptr, ec] = std::from_chars(text->data(), end, value);
  if (ec != std::errc() || ptr != end || value < min || value > max) {
    throw Error("bad value '" + *text + "' for " + std::string(key) + " in '" + url.redacted() + "'",
                "use a number from " + std::to_string(min) + " to " + std::to_string(max));
  }
  return value;
}

std::filesystem::path piper_model_path(const engine::EngineUrl& url, const TtsEngineContext& context) {
  const std::filesystem::path& models_dir = context.models_dir;
  if (url.empty_spec()) {
    throw Error("piper: needs a voice", "use piper:/path/to/voice.onnx or piper:VOICE_NAME (in the models dir)");
  }
  std::string spec = url.spec;
  if (spec.rfind("~/", 0) == 0) {
    if (const char* home = std::getenv("HOME"); home != nullptr) {
      spec = std::string(home) + spec.substr(1);
    }
  }
  if (url.is_path()) {
    return spec;
  }
  const std::string file = spec.ends_with(".onnx") ? spec : spec + ".onnx";
  if (context.resolve_model && !spec.ends_with(".onnx")) {
    return context.resolve_model(url.scheme + ":" + spec);  // the catalog's "piper:NAME"
  }
  for (const auto& candidate : {models_dir / file, models_dir / "piper" / file}) {
    std::error_code ec;
    if (std::filesystem::exists(candidate, ec)) {
      return candidate;
    }
  }
  return models_dir / file;  // the engine reports it missing, naming this path
}

}  // namespace

void register_tts_engines(engine::EngineRegistry<TtsEngine>& registry, TtsEngineContext context) {
  registry.add({.scheme = "flite",
                .description = "CMU Flite voices built in (slt, kal16, rms, awb)",
                .example = "flite:slt",
                .claims =
                    [](std::string_view word) {
                      return word == "slt" || word == "kal" || word == "kal16" || word == "awb" || word == "rms";
                    }},
               [](const engine::EngineUrl& url) -> TtsEnginePtr { return std::make_shared<FliteEngine>(url.spec); });
  registry.add({.scheme = "espeak", .description = "eSpeak NG, about 100 languages", .example = "espeak:en-us"},
               [](const engine::EngineUrl& url) -> TtsEnginePtr { return std::make_shared<EspeakEngine>(url.spec); });
  registry.add({.scheme = "piper",
                .description = "Piper neural voices on onnxruntime (.onnx + .onnx.json)",
                .example = "piper:/models/en_US-lessac-medium.onnx",
                .catalog = engine::CatalogUse{"tts"},
                .params = {"speaker", "length_scale", "noise_scale", "noise_w", "threads"}},
               [context = std::move(context)](const engine::EngineUrl& url) -> TtsEnginePtr {
                 PiperSettings settings;
                 settings.model_path = piper_model_path(url, context);
                 settings.speaker = url.param("speaker").value_or("");
                 settings.length_scale = number_param<float>(url, "length_scale", 0.1F, 10.0F);
                 settings.noise_scale = number_param<float>(url, "noise_scale", 0.0F, 2.0F);
                 settings.noise_w = number_param<float>(url, "noise_w", 0.0F, 2.0F);
                 settings.threads = number_param<int>(url, "threads", 1, 64).value_or(1);
                 return std::make_shared<PiperEngine>(std::move(settings));
               });
  registry.add({.scheme = "openai",
                .family = engine::EngineFamily::remote,
                .description = "an OpenAI-compatible /v1/audio/speech server",
                .example = "openai:http://127.0.0.1:8880/v1?model=kokoro&voice=af_bella",
                .params = {"model", "voice", "api_key", "format", "sample_rate", "timeout_ms"}},
               [](const engine::EngineUrl& url) -> TtsEnginePtr {
                 OpenAiTtsSettings settings;
                 settings.base_url = url.spec;
                 settings.model = url.param("model").value_or(settings.model);
                 settings.voice = url.param("voice").value_or(settings.voice);
                 settings.api_key = url.param("api_key").value_or("");
                 settings.response_format = url.param("format").value_or(settings.response_format);
                 settings.sample_rate_hz = number_param<int>(url, "sample_rate", 8000, 192000).value_or(24000);
                 settings.timeout_ms = number_param<int>(url, "timeout_ms", 1, 600000).value_or(settings.timeout_ms);
                 settings.connect_timeout_ms = std::min(settings.connect_timeout_ms, settings.timeout_ms);
                 return std::make_shared<OpenAiTtsEngine>(std::move(settings));
               });
  registry.add({.scheme = "wyoming",
                .family = engine::EngineFamily::remote,
                .description = "a Wyoming text-to-speech server (wyoming-piper, Home Assistant add-ons)",
                .example = "wyoming://127.0.0.1:10200?voice=en_US-lessac-medium",
                .params = {"voice", "speaker", "sample_rate", "timeout_ms", "connect_timeout_ms"}},
               make_wyoming_tts);
}

}  // namespace lv::tts
