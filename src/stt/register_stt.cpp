#include "stt/register_stt.h"

#include <charconv>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "stt/openai_stt.h"
#include "stt/pocketsphinx_stt.h"
#include "stt/whisper_stt.h"
#include "stt/wyoming_stt.h"
#include "util/error.h"
#include "util/text.h"

namespace lv::stt {

namespace {

// Shares loaded engines between creations of the same URL; holds them weakly so unused models can go.
class EngineCache {
 public:
  SttEnginePtr get_or_create(const std::string& key, const std::function<SttEnginePtr()>& create) {
    std::lock_guard lock(mutex_);
    if (auto existing = engines_[key].lock()) {
      return existing;
    }
    auto engine = create();
    engines_[key] = engine;
    return engine;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::weak_ptr<SttEngine>> engines_;
};

bool bool_param(const engine::EngineUrl& url, const std::string& key, bool fallback) {
  const auto value = url.param(key);
  if (!value) {
    return fallback;
  }
  if (*value == "1" || *value == "true" || *value == "yes") {
    return true;
  }
  if (*value == "0" || *value == "false" || *value == "no") {
    return false;
  }
  throw Error("invalid " + key + "='" + *value + "' in STT URL '" + url.redacted() + "'", "use true or false");
}

float float_param(const engine::EngineUrl& url, const std::string& key, float fallback) {
  const auto value = url.param(key);
  if (!value) {
    return fallback;
  }
  float parsed = 0.0F;
  const auto* end = value->data() + value->size();
  const auto result = std::from_chars(value->data(), end, parsed);
  if (result.ec != std::errc{} || result.ptr != end || parsed < 0.0F || parsed > 1.0F) {
    throw Error("invalid " + key + "='" + *value + "' in STT URL '" + url.redacted() + "'", "use a number from 0 to 1");
  }
  return parsed;
}

SttEnginePtr make_pocketsphinx(const engine::EngineUrl& url) {
  PocketsphinxSettings settings;
  if (url.is_path()) {
    settings.hmm_dir = url.spec;
  } else if (!url.empty_spec() && url.spec != "en-us") {
    throw Error("pocketsphinx: has no model named '" + url.spec + "'",
                "use pocketsphinx:en-us (Debian's model) or pocketsphinx:/path/to/acoustic-model?lm=...&dict=...");
  }
  settings.lm_path = url.param("lm").value_or("");
  settings.dict_path = url.param("dict").value_or("");
  return std::make_shared<PocketsphinxStt>(settings);
}

SttEnginePtr make_whisper(const engine::EngineUrl& url, const SttRegistryOptions& options) {
  WhisperSettings settings;
  if (url.is_path()) {
    settings.model_path = url.spec;
  } else if (url.is_name() && options.resolve_model) {
    settings.model_path = options.resolve_model(url.scheme + ":" + url.spec);  // the catalog's "whisper:NAME"
  } else if (url.is_name()) {
    const auto models_dir = options.models_dir_provider ? options.models_dir_provider() : options.models_dir;
    settings.model_path = models_dir / ("ggml-" + url.spec + ".bin");
  } else {
    throw Error("whisper: needs a model name or file, got '" + url.redacted() + "'",
                "write e.g. whisper:base.en or whisper:/path/to/ggml-base.en.bin");
  }
  settings.language = url.param("language").value_or("en");
  settings.translate = bool_param(url, "translate", false);
  settings.initial_prompt = url.param("prompt").value_or("");
  settings.threads = engine::int_param(url, "threads", options.threads, 0, 64);
  settings.beam_size = engine::int_param(url, "beam_size", 0, 0, 16);
  settings.temperature_inc = float_param(url, "temperature_inc", settings.temperature_inc);
  settings.trim_audio_ctx = bool_param(url, "trim_audio_ctx", true);
  return std::make_shared<WhisperStt>(settings);
}

SttEnginePtr make_openai(const engine::EngineUrl& url) {
  if (!url.is_http()) {
    throw Error("openai: needs a server URL, got '" + url.redacted() + "'",
                "write e.g. openai:http://127.0.0.1:8000/v1?model=whisper-1");
  }
  OpenAiSttSettings settings;
  settings.base_url = url.spec;
  settings.model = url.param("model").value_or(settings.model);
  settings.language = url.param("language").value_or("");
  settings.api_key = url.param("api_key").value_or("");
  settings.timeout_ms = engine::int_param(url, "timeout_ms", settings.timeout_ms, 100, 3600000);
  return std::make_shared<OpenAiStt>(settings);
}

// A bare word that names a whisper model: a ggml file or a model size ("base.en", "small").
bool names_whisper_model(std::string_view word) {
  const std::string name = util::ascii_lower(word);
  if (name.find("ggml") != std::string::npos || (name.size() > 4 && name.compare(name.size() - 4, 4, ".bin") == 0)) {
    return true;
  }
  for (const std::string_view size : {"tiny", "base", "small", "medium", "large"}) {
    if (name.rfind(size, 0) == 0) {
      return true;
    }
  }
  return false;
}

}  // namespace

void register_stt_engines(engine::EngineRegistry<SttEngine>& registry, const SttRegistryOptions& options) {
  auto cache = std::make_shared<EngineCache>();
  registry.add({.scheme = "pocketsphinx",
                .description = "PocketSphinx 5 (offline, Debian's en-us model)",
                .example = "pocketsphinx:en-us",
                .params = {"lm", "dict"},
                .claims = [](std::string_view word) { return word == "en-us"; }},
               [cache](const engine::EngineUrl& url) {
                 return cache->get_or_create(url.text, [&] { return make_pocketsphinx(url); });
               });
  registry.add(
      {.scheme = "whisper",
       .description = "whisper.cpp in-process (ggml model file or name)",
       .example = "whisper:base.en",
       .catalog = engine::CatalogUse{"stt"},
       .params = {"language", "translate", "prompt", "threads", "beam_size", "temperature_inc", "trim_audio_ctx"},
       .claims = names_whisper_model},
      [cache, options](const engine::EngineUrl& url) {
        return cache->get_or_create(url.text, [&] { return make_whisper(url, options); });
      });
  registry.add({.scheme = "openai",
                .family = engine::EngineFamily::remote,
                .description = "OpenAI-compatible /v1/audio/transcriptions server",
                .example = "openai:http://127.0.0.1:8000/v1?model=whisper-1",
                .params = {"model", "language", "api_key", "timeout_ms"}},
               [](const engine::EngineUrl& url) { return make_openai(url); });
  registry.add({.scheme = "wyoming",
                .family = engine::EngineFamily::remote,
                .description = "a Wyoming speech-to-text server (wyoming-faster-whisper, Home Assistant add-ons)",
                .example = "wyoming://127.0.0.1:10300",
                .params = {"model", "language", "timeout_ms", "connect_timeout_ms"}},
               [](const engine::EngineUrl& url) { return make_wyoming_stt(url); });
}

}  // namespace lv::stt
