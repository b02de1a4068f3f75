#include "tts/openai_tts_engine.h"

#include <cstdint>
#include <cstring>
#include <vector>

#include <nlohmann/json.hpp>

#include "audio/pcm.h"
#include "audio/resampler.h"
#include "audio/wav.h"
#include "net/http_client.h"
#include "util/error.h"
#include "util/text.h"

namespace lv::tts {

namespace {

using nlohmann::json;

// The server's own words from an error body: OpenAI's {"error":{"message"}}, FastAPI's {"detail"}, or text.
std::string server_message(const std::string& body) {
  try {
    const json parsed = json::parse(body);
    if (parsed.contains("error") && parsed["error"].is_object() && parsed["error"].contains("message")) {
      return parsed["error"]["message"].get<std::string>();
    }
    if (parsed.contains("detail")) {
      return parsed["detail"].is_string() ? parsed["detail"].get<std::string>() : parsed["detail"].dump();
    }
  } catch (const json::exception&) {
    // not JSON: fall through to the raw text
  }
  return body.substr(0, 200);
}

std::string with_api_path(std::string url) {
  while (!url.empty() && url.back() == '/') {
    url.pop_back();
  }
  const std::size_t scheme = url.find("://");
  const std::size_t path = scheme == std::string::npos ? std::string::npos : url.find('/', scheme + 3);
  if (path == std::string::npos) {
    url += "/v1";
  }
  return url;
}

// Converts little-endian 16-bit PCM bytes to float, keeping an odd trailing byte for the next piece.
class PcmDecoder {
 public:
  std::span<const float> decode(std::string_view bytes) {
    carry_.append(bytes);
    const std::size_t count = carry_.size() / 2;
    samples_.resize(count);
    for (std::size_t i = 0; i < count; ++i) {
      const auto low = static_cast<std::uint16_t>(static_cast<unsigned char>(carry_[2 * i]));
      const auto high = static_cast<std::uint16_t>(static_cast<unsigned char>(carry_[2 * i + 1]));
      const auto value = static_cast<std::int16_t>(static_cast<std::uint16_t>(low | (high << 8U)));
      samples_[i] = static_cast<float>(value) / 32768.0F;
    }
    carry_.erase(0, count * 2);
    return samples_;
  }

 private:
  std::string carry_;
  std::vector<float> samples_;
};

}  // namespace

OpenAiTtsEngine::OpenAiTtsEngine(OpenAiTtsSettings settings) : settings_(std::move(settings)) {
  if (settings_.base_url.rfind("http://", 0) != 0 && settings_.base_url.rfind("https://", 0) != 0) {
    throw Error("the OpenAI-compatible TTS server URL '" + settings_.base_url + "' is not an http(s) URL",
                "use e.g. openai:http://127.0.0.1:8880/v1?model=kokoro&voice=af_bella");
  }
  if (settings_.response_format != "pcm" && settings_.response_format != "wav") {
    throw Error("unsupported TTS response format '" + settings_.response_format + "'",
                "use format=pcm (streamed) or format=wav");
  }
  if (settings_.sample_rate_hz < 8000 || settings_.sample_rate_hz > 192000) {
    throw Error("TTS sample rate " + std::to_string(settings_.sample_rate_hz) + " Hz is out of range",
                "use sample_rate=24000 (the OpenAI pcm rate) or the rate your server sends");
  }
  endpoint_ = with_api_path(settings_.base_url) + "/audio/speech";
  capabilities_.streaming = settings_.response_format == "pcm";
  capabilities_.sample_rates_hz = {settings_.sample_rate_hz};
  // Voices are the server's business: any name is passed through (empty list = not checked here).
}

std::string OpenAiTtsEngine::name() const { return "openai:" + settings_.model; }

int OpenAiTtsEngine::sample_rate_hz(std::string_view /*voice*/) const { return settings_.sample_rate_hz; }

bool OpenAiTtsEngine::do_synthesize(std::string_view text, const SynthesisOptions& options, const AudioSink& emit,
                                    std::stop_token stop) {
  if (util::is_blank(text)) {
    return false;  // nothing to say; servers reject empty input
  }
  json body{{"model", settings_.model},
            {"input", std::string(text)},
            {"voice", options.voice.empty() ? settings_.voice : options.voice},
            {"response_format", settings_.response_format},
            {"speed", options.speed}};
  net::HttpClientRequest request;
  request.method = "POST";
  request.url = endpoint_;
  request.headers = {{"Content-Type", "application/json"}};
  if (!settings_.api_key.empty()) {
    request.headers.emplace_back("Authorization", "Bearer " + settings_.api_key);
  }
  request.body = body.dump();
  request.connect_timeout_ms = settings_.connect_timeout_ms;
  request.first_byte_timeout_ms = settings_.timeout_ms;
  request.idle_timeout_ms = settings_.timeout_ms;
  request.cancelled = [&stop] { return stop.stop_requested(); };

  int status = 0;
  std::string content_type;
  std::string collected;  // error bodies, and whole WAV replies
  PcmDecoder decoder;
  bool sink_stopped = false;
  const bool stream_pcm = settings_.response_format == "pcm";
  request.on_headers = [&](int code, const std::vector<std::pair<std::string, std::string>>& headers) {
    status = code;
    for (const auto& [key, value] : headers) {
      if (key == "content-type") {
        content_type = value;
      }
    }
  };
  request.on_body = [&](std::string_view chunk) {
    if (status != 200 || !stream_pcm) {
      collected.append(chunk);
      return collected.size() < (std::size_t{256} << 20);
    }
    const auto samples = decoder.decode(chunk);
    if (!samples.empty() && !emit(samples)) {
      sink_stopped = true;
      return false;
    }
    return true;
  };
  const auto response = net::http_request(request);
  if (response.cancelled || sink_stopped || stop.stop_requested()) {
    return true;
  }
  if (response.status != 200) {
    throw Error("TTS server " + endpoint_ + " answered HTTP " + std::to_string(response.status) + ": " +
                    server_message(collected),
                response.status == 401 || response.status == 403
                    ? "check the api_key parameter of the tts engine URL"
                    : "check the server's log, and the model and voice parameters of the tts engine URL");
  }
  if (stream_pcm) {
    if (content_type.find("json") != std::string::npos || content_type.find("text/") != std::string::npos) {
      throw Error("TTS server " + endpoint_ + " sent " + content_type + " instead of audio",
                  "check that the server supports response_format \"pcm\", or use format=wav");
    }
    return false;
  }
  audio::AudioBuffer audio;
  try {
    audio = audio::parse_wav(collected, "the TTS server's reply");
  } catch (const Error& e) {
    throw Error("TTS server " + endpoint_ + " sent audio LocalVoice cannot read: " + e.what(),
                "check that the server supports response_format \"wav\", or use format=pcm");
  }
  audio = audio::downmix_to_mono(audio);
  if (audio.sample_rate_hz != settings_.sample_rate_hz) {
    audio = audio::resample(audio, settings_.sample_rate_hz);
  }
  if (!audio.samples.empty() && !emit(audio.samples)) {
    return true;
  }
  return false;
}

}  // namespace lv::tts
