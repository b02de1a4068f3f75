#include "stt/wyoming_stt.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <optional>
#include <utility>
#include <vector>

#include "audio/pcm.h"
#include "stt/utterance_decoder.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/text.h"
#include "wyoming/wyoming_audio.h"

namespace lv::stt {

namespace {

// 100 ms per audio-chunk: small enough that the server hears speech as it is spoken.
constexpr std::size_t kChunkSamples = kSttSampleRateHz / 10;

const char* const kServerKind = "a Wyoming speech-to-text server (e.g. wyoming-faster-whisper)";

// One utterance on its own connection.
class WyomingUtteranceDecoder final : public UtteranceDecoder {
 public:
  WyomingUtteranceDecoder(WyomingSttSettings settings, TranscribeOptions options)
      : settings_(std::move(settings)), options_(std::move(options)) {}

  void feed(std::span<const float> samples, std::stop_token stop) override {
    require_open();
    if (stop.stop_requested()) {
      throw Cancelled();
    }
    if (samples.empty()) {
      return;
    }
    start();
    const auto pcm = audio::float_to_pcm16(samples);
    for (std::size_t at = 0; at < pcm.size(); at += kChunkSamples) {
      const std::size_t count = std::min(kChunkSamples, pcm.size() - at);
      client_->write(wyoming::audio_chunk(format(), std::span<const std::int16_t>(pcm).subspan(at, count)));
    }
    fed_samples_ += samples.size();
    take_ready_events();
  }

  std::string partial(std::stop_token /*stop*/) override {
    require_open();
    if (client_) {
      take_ready_events();
    }
    return util::trim(std::string(streamed_text_));
  }

  Transcript finish(std::stop_token stop) override {
    require_open();
    spent_ = true;
    if (fed_samples_ == 0) {
      return {};
    }
    const auto stopped_at = std::chrono::steady_clock::now();
    client_->write(wyoming::audio_stop());
    while (!final_text_) {
      const auto event = client_->read(settings_.timeout_ms, stop, "the transcript");
      if (!event) {
        throw Cancelled();
      }
      take(*event);
    }
    Transcript result;
    result.text = trim(*final_text_);
    result.language = language_.empty() ? requested_language() : language_;
    result.timings.audio_s = fed_s();
    result.timings.inference_ms = util::ms_since(stopped_at);
    result.timings.total_ms = util::ms_since(opened_at_);
    if (!result.text.empty()) {
      result.segments.push_back(Segment{0.0, result.timings.audio_s, result.text, 0.0F});
      if (options_.on_segment) {
        options_.on_segment(result.segments.back());
      }
    }
    client_.reset();
    return result;
  }

  double fed_s() const override { return static_cast<double>(fed_samples_) / kSttSampleRateHz; }
  bool decodes_while_fed() const override { return true; }

 private:
  static wyoming::AudioFormat format() { return {kSttSampleRateHz, 2, 1}; }

  std::string requested_language() const {
    const std::string& language = options_.language.empty() ? settings_.language : options_.language;
    return language == "auto" ? std::string() : language;
  }

  void require_open() const {
    if (spent_) {
      throw Error("stt: an utterance decoder was used after finish()",
                  "open a new decoder (SttEngine::open_utterance) for each utterance");
    }
  }

  // Connects and announces the utterance (on the first audio, so that opening costs nothing).
  void start() {
    if (client_) {
      return;
    }
    opened_at_ = std::chrono::steady_clock::now();
    wyoming::ClientOptions client_options;
    client_options.connect_timeout_ms = settings_.connect_timeout_ms;
    client_options.write_timeout_ms = settings_.timeout_ms;
    client_options.server_kind = kServerKind;
    client_ = std::make_unique<wyoming::WyomingClient>(settings_.server, client_options);
    wyoming::Event transcribe;
    transcribe.type = "transcribe";
    if (!settings_.model.empty()) {
      transcribe.data["name"] = settings_.model;
    }
    if (const std::string language = requested_language(); !language.empty()) {
      transcribe.data["language"] = language;
    }
    client_->write(transcribe);
    client_->write(wyoming::audio_start(format()));
  }

  // Reads whatever the server already sent (streamed transcript pieces) without waiting.
  void take_ready_events() {
    while (auto event = client_->read_ready("the transcript")) {
      take(*event);
    }
  }

  void take(const wyoming::Event& event) {
    if (event.type == "transcript") {
      final_text_ = event.data.contains("text") && event.data["text"].is_string()
                        ? event.data["text"].get<std::string>()
                        : std::string();
      if (event.data.contains("language") && event.data["language"].is_string()) {
        language_ = event.data["language"].get<std::string>();
      }
    } else if (event.type == "transcript-chunk" && event.data.contains("text") && event.data["text"].is_string()) {
      streamed_text_ += event.data["text"].get<std::string>();
    } else if (event.type == "error") {
      throw Error("Wyoming STT server " + client_->uri() + " failed: " + wyoming::error_event_text(event),
                  "check the server's log, and the model and language parameters of the stt engine URL");
    }
  }

  WyomingSttSettings settings_;
  TranscribeOptions options_;
  std::unique_ptr<wyoming::WyomingClient> client_;
  std::chrono::steady_clock::time_point opened_at_ = std::chrono::steady_clock::now();
  std::size_t fed_samples_ = 0;
  std::string streamed_text_;
  std::optional<std::string> final_text_;
  std::string language_;
  bool spent_ = false;
};

}  // namespace

WyomingStt::WyomingStt(WyomingSttSettings settings) : settings_(std::move(settings)) {}

SttCapabilities WyomingStt::capabilities() const {
  SttCapabilities caps;
  caps.name = "wyoming";
  caps.streaming = true;  // audio goes to the server as it arrives
  caps.partial_results = false;
  caps.translation = false;
  caps.segment_timestamps = false;
  caps.sample_rates_hz = {kSttSampleRateHz};
  caps.languages = {"auto"};
  return caps;
}

Transcript WyomingStt::transcribe(const audio::AudioBuffer& audio, const TranscribeOptions& options,
                                  std::stop_token stop) const {
  const auto start = std::chrono::steady_clock::now();
  const std::vector<float> samples = to_engine_audio(audio);
  const double preprocess_ms = util::ms_since(start);
  WyomingUtteranceDecoder utterance(settings_, options);
  utterance.feed(samples, stop);
  Transcript result = utterance.finish(stop);
  result.timings.preprocess_ms = preprocess_ms;
  result.timings.total_ms = util::ms_since(start);
  return result;
}

SttEnginePtr make_wyoming_stt(const engine::EngineUrl& url) {
  WyomingSttSettings settings;
  settings.server = wyoming::parse_engine_server(url.spec);
  settings.model = url.param("model").value_or("");
  settings.language = url.param("language").value_or("");
  settings.timeout_ms = engine::int_param(url, "timeout_ms", settings.timeout_ms, 100, 3600000);
  settings.connect_timeout_ms = engine::int_param(
      url, "connect_timeout_ms", std::min(settings.connect_timeout_ms, settings.timeout_ms), 100, 600000);
  return std::make_shared<WyomingStt>(std::move(settings));
}

std::unique_ptr<UtteranceDecoder> WyomingStt::open_utterance(const TranscribeOptions& options) const {
  return std::make_unique<WyomingUtteranceDecoder>(settings_, options);
}

}  // namespace lv::stt
