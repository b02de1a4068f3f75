#include "tts/wyoming_tts_engine.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "util/error.h"
#include "util/text.h"
#include "wyoming/wyoming_audio.h"

namespace lv::tts {

namespace {

const char* const kServerKind = "a Wyoming text-to-speech server (e.g. wyoming-piper)";

wyoming::Event synthesize_event(std::string_view text, const std::string& voice, const std::string& speaker) {
  wyoming::Event event;
  event.type = "synthesize";
  event.data["text"] = std::string(text);
  if (!voice.empty()) {
    event.data["voice"] = {{"name", voice}};
    if (!speaker.empty()) {
      event.data["voice"]["speaker"] = speaker;
    }
  }
  return event;
}

}  // namespace

WyomingTtsEngine::WyomingTtsEngine(WyomingTtsSettings settings) : settings_(std::move(settings)) {
  if (settings_.sample_rate_hz < 8000 || settings_.sample_rate_hz > 192000) {
    throw Error("TTS sample rate " + std::to_string(settings_.sample_rate_hz) + " Hz is out of range",
                "use sample_rate=22050 (Piper's medium voices) or the rate your server sends");
  }
  capabilities_.streaming = true;
  capabilities_.sample_rates_hz = {settings_.sample_rate_hz};
  // Voices are the server's business: any name is passed through (empty list = not checked here).
}

TtsEnginePtr make_wyoming_tts(const engine::EngineUrl& url) {
  WyomingTtsSettings settings;
  settings.server = wyoming::parse_engine_server(url.spec);
  settings.voice = url.param("voice").value_or("");
  settings.speaker = url.param("speaker").value_or("");
  settings.sample_rate_hz = engine::int_param(url, "sample_rate", settings.sample_rate_hz, 8000, 192000);
  settings.timeout_ms = engine::int_param(url, "timeout_ms", settings.timeout_ms, 100, 600000);
  settings.connect_timeout_ms = engine::int_param(
      url, "connect_timeout_ms", std::min(settings.connect_timeout_ms, settings.timeout_ms), 100, 600000);
  return std::make_shared<WyomingTtsEngine>(std::move(settings));
}

bool WyomingTtsEngine::do_synthesize(std::string_view text, const SynthesisOptions& options, const AudioSink& emit,
                                     std::stop_token stop) {
  if (util::is_blank(text)) {
    return false;  // nothing to say
  }
  wyoming::ClientOptions client_options;
  client_options.connect_timeout_ms = settings_.connect_timeout_ms;
  client_options.write_timeout_ms = settings_.timeout_ms;
  client_options.server_kind = kServerKind;
  wyoming::WyomingClient client(settings_.server, client_options);
  client.write(synthesize_event(text, options.voice.empty() ? settings_.voice : options.voice, settings_.speaker));

  std::optional<wyoming::AudioConverter> converter;
  while (true) {
    const auto event = client.read(settings_.timeout_ms, stop, converter ? "the rest of the audio" : "audio");
    if (!event) {
      return true;  // stopped
    }
    if (event->type == "error") {
      throw Error("Wyoming TTS server " + client.uri() + " failed: " + wyoming::error_event_text(*event),
                  "check the server's log, and the voice parameter of the tts engine URL");
    }
    if (event->type == "audio-start") {
      converter.emplace(wyoming::audio_format(event->data), settings_.sample_rate_hz);
    } else if (event->type == "audio-chunk") {
      if (!converter) {  // a server that skips audio-start: each chunk names its format
        converter.emplace(wyoming::audio_format(event->data), settings_.sample_rate_hz);
      }
      const auto samples = converter->convert(event->payload);
      if (!samples.empty() && !emit(samples)) {
        return true;
      }
    } else if (event->type == "audio-stop") {
      if (converter) {
        const auto rest = converter->flush();
        if (!rest.empty() && !emit(rest)) {
          return true;
        }
      }
      return false;
    }
  }
}

}  // namespace lv::tts
