#include "wake/register_wake.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <memory>

#include "util/error.h"
#include "wake/openwakeword_engine.h"

namespace lv::wake {

namespace {

constexpr const char* kScheme = "openwakeword";
constexpr const char* kDefaultWord = "hey_jarvis";

// 0.01 -> "0.01", 50 -> "50".
std::string number_text(double value) {
  std::array<char, 32> text{};
  std::snprintf(text.data(), text.size(), "%g", value);
  return text.data();
}

double number_param(const engine::EngineUrl& url, const std::string& key, double low, double high) {
  const std::string value = url.params.at(key);
  double parsed = 0.0;
  const auto* end = value.data() + value.size();
  const auto result = std::from_chars(value.data(), end, parsed);
  if (result.ec != std::errc{} || result.ptr != end || parsed < low || parsed > high) {
    throw Error("invalid " + key + "='" + value + "' in wake URL '" + url.redacted() + "'",
                "use a number from " + number_text(low) + " to " + number_text(high));
  }
  return parsed;
}

}  // namespace

const std::vector<std::string>& openwakeword_words() {
  static const std::vector<std::string> words{"alexa", "hey_jarvis", "hey_mycroft", "hey_rhasspy"};
  return words;
}

WakeOptions wake_options_from_url(const engine::EngineUrl& url) {
  WakeOptions options;
  if (url.params.count("threshold") != 0) {
    options.threshold = static_cast<float>(number_param(url, "threshold", 0.01, 0.99));
  }
  if (url.params.count("trigger_level") != 0) {
    options.trigger_level = static_cast<int>(number_param(url, "trigger_level", 1, 50));
  }
  if (url.params.count("refractory_ms") != 0) {
    options.refractory_ms = static_cast<int>(number_param(url, "refractory_ms", 0, 60000));
  }
  return options;
}

void register_wake_engines(engine::EngineRegistry<WakeEngine>& registry, const WakeRegistryOptions& options) {
  const auto& words = openwakeword_words();
  registry.add(
      {.scheme = kScheme,
       .description = "openWakeWord pre-trained wake words on onnxruntime (models CC BY-NC-SA 4.0: non-commercial)",
       .example = "openwakeword:hey_jarvis",
       .catalog = engine::CatalogUse{"wake", kDefaultWord},
       .params = {"threshold", "trigger_level", "refractory_ms"},
       .claims =
           [](std::string_view word) {
             const auto& known = openwakeword_words();
             return std::find(known.begin(), known.end(), word) != known.end();
           }},
      [options, words](const engine::EngineUrl& url) -> WakeEnginePtr {
        const WakeOptions wake_options = wake_options_from_url(url);
        if (url.is_path()) {
          return std::make_shared<OpenWakeWordEngine>(url.spec, wake_options,
                                                      "localvoice models pull openwakeword:hey_jarvis");
        }
        const std::string word = url.spec.empty() ? kDefaultWord : url.spec;
        if (url.is_http() || std::find(words.begin(), words.end(), word) == words.end()) {
          std::string known;
          for (const auto& name : words) {
            known += (known.empty() ? "" : ", ") + std::string(kScheme) + ":" + name;
          }
          throw Error("openWakeWord has no wake word '" + url.spec + "' ('" + url.redacted() + "')",
                      "use one of: " + known + " (or openwakeword:/path/WORD_v0.1.onnx)");
        }
        const std::string name = std::string(kScheme) + ":" + word;
        const std::string pull = "localvoice models pull " + name;
        const auto path = options.resolve_model ? options.resolve_model(name)
                                                : options.models_dir / kScheme / word / (word + "_v0.1.onnx");
        return std::make_shared<OpenWakeWordEngine>(path, wake_options, pull);
      });
}

}  // namespace lv::wake
