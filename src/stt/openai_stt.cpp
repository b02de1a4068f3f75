#include "stt/openai_stt.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <random>

#include "audio/wav.h"
#include "net/http_client.h"
#include "util/clock.h"
#include "util/error.h"

namespace lv::stt {

namespace {

std::string random_boundary() {
  std::random_device seed;
  std::mt19937_64 random(seed());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string boundary = "----localvoice-";
  for (int i = 0; i < 24; ++i) {
    boundary += kHex[random() % 16];
  }
  return boundary;
}

// The message of an OpenAI-shaped error body ({"error":{"message":...}}), or the body's start.
std::string server_message(const std::string& body) {
  const auto parsed = nlohmann::json::parse(body, nullptr, false);
  if (!parsed.is_discarded() && parsed.is_object()) {
    const auto error = parsed.find("error");
    if (error != parsed.end() && error->is_object() && error->contains("message") && (*error)["message"].is_string()) {
      return (*error)["message"].get<std::string>();
    }
    if (error != parsed.end() && error->is_string()) {
      return error->get<std::string>();
    }
    if (parsed.contains("detail") && parsed["detail"].is_string()) {  // FastAPI servers
      return parsed["detail"].get<std::string>();
    }
  }
  return body.substr(0, 200);
}

double number_or(const nlohmann::json& object, const char* key, double fallback) {
  const auto it = object.find(key);
  return it != object.end() && it->is_number() ? it->get<double>() : fallback;
}

}  // namespace

std::string encode_multipart(const std::vector<MultipartPart>& parts, const std::string& boundary) {
  std::string body;
  for (const auto& part : parts) {
    body += "--" + boundary + "\r\n";
    body += "Content-Disposition: form-data; name=\"" + part.name + "\"";
    if (!part.filename.empty()) {
      body += "; filename=\"" + part.filename + "\"";
    }
    body += "\r\n";
    if (!part.content_type.empty()) {
      body += "Content-Type: " + part.content_type + "\r\n";
    }
    body += "\r\n";
    body += part.value;
    body += "\r\n";
  }
  body += "--" + boundary + "--\r\n";
  return body;
}

OpenAiStt::OpenAiStt(OpenAiSttSettings settings) : settings_(std::move(settings)) {
  const auto& url = settings_.base_url;
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
    throw Error("openai: STT needs an http(s) server URL, got '" + url + "'",
                "write e.g. openai:http://127.0.0.1:8000/v1?model=whisper-1");
  }
  endpoint_ = url;
  while (!endpoint_.empty() && endpoint_.back() == '/') {
    endpoint_.pop_back();
  }
  const std::string path = "/audio/transcriptions";
  if (endpoint_.size() < path.size() || endpoint_.compare(endpoint_.size() - path.size(), path.size(), path) != 0) {
    endpoint_ += path;
  }
}

SttCapabilities OpenAiStt::capabilities() const {
  SttCapabilities caps;
  caps.name = "openai";
  caps.streaming = false;
  caps.partial_results = false;
  caps.translation = false;
  caps.segment_timestamps = true;
  caps.sample_rates_hz = {kSttSampleRateHz};
  caps.languages = {"auto"};
  return caps;
}

Transcript OpenAiStt::transcribe(const audio::AudioBuffer& audio, const TranscribeOptions& options,
                                 std::stop_token stop) const {
  const auto start = std::chrono::steady_clock::now();
  audio::AudioBuffer upload;
  upload.samples = to_engine_audio(audio);
  upload.sample_rate_hz = kSttSampleRateHz;
  const double audio_s = upload.duration_s();

  std::vector<MultipartPart> parts;
  parts.push_back({"file", audio::encode_wav(upload), "audio.wav", "audio/wav"});
  parts.push_back({"model", settings_.model, "", ""});
  parts.push_back({"response_format", "verbose_json", "", ""});
  const std::string language = options.language.empty() ? settings_.language : options.language;
  if (!language.empty() && language != "auto") {
    parts.push_back({"language", language, "", ""});
  }
  if (!options.prompt.empty()) {
    parts.push_back({"prompt", options.prompt, "", ""});
  }
  const std::string boundary = random_boundary();

  net::HttpClientRequest request;
  request.method = "POST";
  request.url = endpoint_;
  request.headers.emplace_back("Content-Type", "multipart/form-data; boundary=" + boundary);
  request.headers.emplace_back("Accept", "application/json");
  if (!settings_.api_key.empty()) {
    request.headers.emplace_back("Authorization", "Bearer " + settings_.api_key);
  }
  request.body = encode_multipart(parts, boundary);
  request.connect_timeout_ms = settings_.connect_timeout_ms;
  request.total_timeout_ms = settings_.timeout_ms;
  request.idle_timeout_ms = settings_.timeout_ms;
  request.cancelled = [&stop] { return stop.stop_requested(); };
  const double preprocess_ms = util::ms_since(start);

  const auto inference_start = std::chrono::steady_clock::now();
  const net::HttpClientResponse response = net::http_request(request);
  if (response.cancelled || stop.stop_requested()) {
    throw Cancelled();
  }
  const double inference_ms = util::ms_since(inference_start);
  if (response.status != 200) {
    throw Error("STT server " + endpoint_ + " answered HTTP " + std::to_string(response.status) + ": " +
                    server_message(response.body),
                response.status == 401 || response.status == 403 ? "check the api_key parameter of the openai: URL"
                : response.status == 404 ? "check the server URL (it should end in /v1) and the model name"
                                         : "check the STT server's log");
  }
  const auto body = nlohmann::json::parse(response.body, nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("text") || !body["text"].is_string()) {
    throw Error("STT server " + endpoint_ +
                    " sent a malformed reply (expected JSON with a \"text\" field): " + response.body.substr(0, 120),
                "check that the URL points at an OpenAI-compatible /v1 transcription server");
  }

  Transcript result;
  result.language = body.value("language", language);
  if (const auto segments = body.find("segments"); segments != body.end() && segments->is_array()) {
    for (const auto& item : *segments) {
      if (!item.is_object() || !item.contains("text") || !item["text"].is_string()) {
        continue;
      }
      Segment segment;
      segment.start_s = number_or(item, "start", 0.0);
      segment.end_s = number_or(item, "end", segment.start_s);
      segment.text = trim(item["text"].get<std::string>());
      if (!segment.text.empty()) {
        result.segments.push_back(std::move(segment));
      }
    }
  }
  result.text = trim(body["text"].get<std::string>());
  if (result.segments.empty() && !result.text.empty()) {
    result.segments.push_back(Segment{0.0, audio_s, result.text, 0.0F});
  }
  if (options.on_segment) {
    for (const auto& segment : result.segments) {
      options.on_segment(segment);
    }
  }
  result.timings.audio_s = audio_s;
  result.timings.preprocess_ms = preprocess_ms;
  result.timings.inference_ms = inference_ms;
  result.timings.total_ms = util::ms_since(start);
  return result;
}

}  // namespace lv::stt
