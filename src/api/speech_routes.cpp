#include "api/speech_routes.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/json_body.h"
#include "audio/pcm.h"
#include "audio/resampler.h"
#include "audio/wav.h"
#include "tts/text_normalizer.h"
#include "util/error.h"
#include "util/log.h"
#include "util/text.h"

namespace lv::api {

namespace {

using nlohmann::json;
using server::HttpError;

constexpr std::array<std::string_view, 13> kOpenAiVoices{"alloy", "ash",  "ballad",  "coral", "echo",  "fable", "nova",
                                                         "onyx",  "sage", "shimmer", "verse", "marin", "cedar"};

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    out += out.empty() ? item : ", " + item;
  }
  return out;
}

// The engine voice for a requested name: the engine's own, its default for OpenAI's names, else 400.
std::string resolve_voice(const tts::TtsCapabilities& capabilities, const std::optional<std::string>& requested) {
  if (!requested || requested->empty()) {
    return {};
  }
  const auto& voices = capabilities.voices;
  if (voices.empty() || std::find(voices.begin(), voices.end(), *requested) != voices.end()) {
    return *requested;
  }
  if (std::find(kOpenAiVoices.begin(), kOpenAiVoices.end(), *requested) != kOpenAiVoices.end()) {
    return {};
  }
  std::vector<std::string> shown(voices.begin(), voices.begin() + std::min<std::ptrdiff_t>(20, std::ssize(voices)));
  throw HttpError(400,
                  "unknown voice '" + *requested + "'; this server's voices are: " + join(shown) +
                      (voices.size() > shown.size() ? ", ..." : "") + " (GET /v1/audio/voices lists them)",
                  "invalid_request_error", "invalid_voice");
}

std::string pcm16_bytes(std::span<const float> samples) {
  const auto pcm = audio::float_to_pcm16(samples);
  std::string bytes(pcm.size() * 2, '\0');
  for (std::size_t i = 0; i < pcm.size(); ++i) {
    const auto value = static_cast<std::uint16_t>(pcm[i]);
    bytes[2 * i] = static_cast<char>(value & 0xFFU);
    bytes[2 * i + 1] = static_cast<char>(value >> 8U);
  }
  return bytes;
}

struct SpeechRequest {
  std::string text;
  tts::SynthesisOptions options;
  bool pcm = false;
};

SpeechRequest parse_speech_request(const server::HttpRequest& request, const tts::TtsEngine& engine,
                                   const SpeechRouteOptions& route_options) {
  const json body = parse_json_object(request);
  SpeechRequest out;
  const std::string input = required_string(body, "input");
  if (util::is_blank(input)) {
    throw HttpError(400, "'input' is empty: give the text to speak", "invalid_request_error", "empty_input");
  }
  if (input.size() > route_options.max_input_chars) {
    throw HttpError(400,
                    "'input' is " + std::to_string(input.size()) + " characters; the limit is " +
                        std::to_string(route_options.max_input_chars) + ": split the text into several requests",
                    "invalid_request_error", "input_too_long");
  }
  optional_string(body, "model");  // accepted for compatibility; the configured engine answers
  out.options.voice = resolve_voice(engine.capabilities(), optional_string(body, "voice"));
  const std::string format = optional_string(body, "response_format").value_or("wav");
  if (format != "wav" && format != "pcm") {
    throw HttpError(400, "response_format '" + format + "' is not supported: use \"wav\" or \"pcm\"",
                    "invalid_request_error", "unsupported_response_format");
  }
  out.pcm = format == "pcm";
  out.options.speed = optional_number(body, "speed").value_or(1.0);
  if (!(out.options.speed >= 0.25 && out.options.speed <= 4.0)) {
    throw HttpError(400, "'speed' must be between 0.25 and 4.0 (1.0 is normal)", "invalid_request_error",
                    "invalid_speed");
  }
  out.text = tts::prepare_for_speech(input);
  if (util::is_blank(out.text)) {
    throw HttpError(400, "'input' has nothing to speak once Markdown and code are removed", "invalid_request_error",
                    "empty_input");
  }
  return out;
}

server::HttpResponse wav_response(tts::TtsEngine& engine, const SpeechRequest& request) {
  tts::SynthesizedAudio out;
  try {
    out = tts::synthesize_to_buffer(engine, request.text, request.options);
  } catch (const Error& e) {
    throw HttpError(500, "speech synthesis failed: " + e.full_message(), "server_error", "tts_failed");
  }
  server::HttpResponse response;
  response.content_type = "audio/wav";
  response.body = audio::encode_wav(out.audio, audio::SampleFormat::pcm16);
  return response;
}

server::HttpResponse pcm_response(std::shared_ptr<tts::TtsEngine> engine, SpeechRequest request, int pcm_rate_hz) {
  server::HttpResponse response;
  response.content_type = "audio/pcm";
  response.headers.emplace_back("X-Sample-Rate", std::to_string(pcm_rate_hz));
  response.stream = [engine = std::move(engine), request = std::move(request),
                     pcm_rate_hz](server::ResponseStream& stream) {
    const int engine_rate_hz = engine->sample_rate_hz(request.options.voice);
    std::optional<audio::Resampler> resampler;
    if (engine_rate_hz != pcm_rate_hz) {
      resampler.emplace(engine_rate_hz, pcm_rate_hz, 1, audio::ResampleQuality::medium);
    }
    std::stop_source stop;
    const auto send = [&](std::span<const float> samples) {
      if (samples.empty()) {
        return !stream.client_gone();
      }
      return stream.write(pcm16_bytes(samples)) && !stream.client_gone();
    };
    try {
      engine->synthesize(
          request.text, request.options,
          [&](std::span<const float> samples) {
            if (resampler) {
              const auto converted = resampler->process(samples);
              return send(converted);
            }
            return send(samples);
          },
          stop.get_token());
      if (resampler && !stream.client_gone()) {
        send(resampler->flush());
      }
    } catch (const std::exception& e) {
      // The status line is already out; the short body tells the client something went wrong.
      log::error("speech synthesis failed mid-stream", {{"error", e.what()}});
    }
  };
  return response;
}

}  // namespace

void add_speech_routes(server::Router& router, std::shared_ptr<tts::TtsEngine> engine, SpeechRouteOptions options) {
  router.add("POST", "/v1/audio/speech", [engine, options](const server::HttpRequest& request) {
    SpeechRequest speech = parse_speech_request(request, *engine, options);
    if (speech.pcm) {
      return pcm_response(engine, std::move(speech), options.pcm_sample_rate_hz);
    }
    return wav_response(*engine, speech);
  });
  router.add(
      "GET", "/v1/audio/voices",
      [engine = std::move(engine)](const server::HttpRequest&) {
        const auto& voices = engine->capabilities().voices;
        json body{{"voices", voices},
                  {"default", voices.empty() ? std::string() : voices.front()},
                  {"engine", engine->name()}};
        return server::HttpResponse::json(body.dump());
      },
      server::RouteOptions{server::RunsOn::io_thread});
}

}  // namespace lv::api
