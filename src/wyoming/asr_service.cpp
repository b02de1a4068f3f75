#include "wyoming/asr_service.h"

#include <atomic>
#include <mutex>
#include <optional>
#include <stop_token>
#include <utility>
#include <vector>

#include "session/stream_slots.h"
#include "session/task_pool.h"
#include "session/turn_transcriber.h"
#include "stt/utterance_decoder.h"
#include "util/clock.h"
#include "util/log.h"
#include "wyoming/wyoming_audio.h"

namespace lv::wyoming {
namespace {

using nlohmann::json;

json attribution_of(const std::string& engine) {
  if (engine == "pocketsphinx") {
    return json{{"name", "CMU PocketSphinx"}, {"url", "https://github.com/cmusphinx/pocketsphinx"}};
  }
  if (engine == "whisper") {
    return json{{"name", "whisper.cpp"}, {"url", "https://github.com/ggml-org/whisper.cpp"}};
  }
  return json{{"name", "LocalVoice"}, {"url", "https://github.com/localvoice/localvoice"}};
}

// Language codes for Home Assistant ("auto" is a mode, not a language).
std::vector<std::string> languages_of(const stt::SttCapabilities& caps) {
  std::vector<std::string> out;
  for (const auto& language : caps.languages) {
    if (language != "auto") {
      out.push_back(language);
    }
  }
  return out;
}

// A streaming decoder while one of the runtime's slots is free, else one that decodes when the audio ends.
session::TurnTranscriber::Opened open_decoder(const stt::SttEnginePtr& engine, session::StreamSlots& slots,
                                              const stt::TranscribeOptions& options) {
  session::TurnTranscriber::Opened opened;
  if (!engine->capabilities().streaming) {
    opened.decoder = engine->open_utterance(options);
    opened.hold = engine;
  } else if (slots.try_take()) {
    opened.hold = std::shared_ptr<void>(nullptr, [engine, &slots](void*) { slots.give_back(); });
    opened.decoder = engine->open_utterance(options);
  } else {
    opened.decoder = std::make_unique<stt::BufferedUtteranceDecoder>(*engine, options);
    opened.hold = engine;
  }
  return opened;
}

// One utterance: shared by the handler and the stt pool jobs deciding it.
struct Utterance {
  EventWriterPtr writer;
  session::TurnTranscriberPtr transcriber;  // null when no engine was loaded
  std::string language;
  bool streaming = false;
  std::stop_source stop;
  std::atomic<bool> partial_pending{false};
  std::mutex mutex;
  std::string sent;  // the text sent as transcript-chunk so far
  util::SteadyClock::time_point stopped_at{};

  // The part of `text` beyond what was sent, when it extends it (a revised hypothesis sends nothing).
  std::optional<std::string> delta(const std::string& text) {
    const std::lock_guard lock(mutex);
    if (text.size() <= sent.size() || text.compare(0, sent.size(), sent) != 0 ||
        (!sent.empty() && text[sent.size()] != ' ')) {
      return std::nullopt;
    }
    std::string piece = text.substr(sent.size());
    sent = text;
    return piece;
  }

  void write(Event event) const {
    if (!stop.stop_requested()) {
      writer->write(std::move(event));
    }
  }
};

class AsrHandler final : public ServiceHandler {
 public:
  AsrHandler(EventWriterPtr writer, std::function<CurrentStt()> current,
             std::shared_ptr<session::SessionRuntime> runtime, const AsrServiceOptions& options)
      : writer_(std::move(writer)), current_(std::move(current)), runtime_(std::move(runtime)), options_(options) {}
  ~AsrHandler() override { close(); }
  AsrHandler(const AsrHandler&) = delete;
  AsrHandler& operator=(const AsrHandler&) = delete;

  bool on_event(const Event& event) override {
    if (event.type == "transcribe") {
      drop_utterance();
      requested_ = true;
      const auto language = event.data.find("language");
      language_ = language != event.data.end() && language->is_string() ? language->get<std::string>() : "";
      return true;
    }
    if (event.type == "audio-start") {
      begin(audio_format(event.data));
      return true;
    }
    if (event.type == "audio-chunk") {
      on_chunk(event);
      return true;
    }
    if (event.type == "audio-stop") {
      if (!utterance_ && !requested_) {
        return false;
      }
      if (!utterance_) {
        begin(AudioFormat{});
      }
      finish();
      return true;
    }
    return false;
  }

  void close() override { drop_utterance(); }

 private:
  void drop_utterance() {
    if (utterance_) {
      utterance_->stop.request_stop();
      if (utterance_->transcriber) {
        utterance_->transcriber->cancel();
      }
      utterance_.reset();
    }
    converter_.reset();
  }

  void begin(const AudioFormat& format) {
    drop_utterance();
    converter_.emplace(format, stt::kSttSampleRateHz);
    fed_s_ = 0.0;
    cut_ = false;
    auto utterance = std::make_shared<Utterance>();
    utterance->writer = writer_;
    const CurrentStt now = current_();
    utterance->language = language_;
    if (!now.engine) {
      log::warn("Wyoming transcription without a speech-to-text engine",
                {{"fix", "wait until the engine has loaded (GET /ready), or set engines.stt"}});
      utterance_ = std::move(utterance);
      return;
    }
    const auto caps = now.engine->capabilities();
    if (utterance->language.empty()) {
      const auto languages = languages_of(caps);
      utterance->language = languages.empty() ? "" : languages.front();
    }
    utterance->streaming = caps.partial_results;
    stt::TranscribeOptions options;
    options.language = language_;
    auto* slots = &runtime_->stt_stream_slots();
    auto open = [engine = now.engine, slots, options] { return open_decoder(engine, *slots, options); };
    const auto owner = reinterpret_cast<std::uintptr_t>(utterance.get());
    auto submit = [runtime = runtime_, owner](std::function<void()> job, bool urgent) {
      if (urgent) {
        runtime->stt_pool().submit_first(owner, std::move(job));
      } else {
        runtime->stt_pool().submit(owner, std::move(job));
      }
    };
    utterance->transcriber =
        std::make_shared<session::TurnTranscriber>(std::move(open), utterance->stop.get_token(), std::move(submit));
    if (utterance->streaming) {
      json data = json::object();
      if (!utterance->language.empty()) {
        data["language"] = utterance->language;
      }
      utterance->write(Event{"transcript-start", std::move(data), {}});
    }
    utterance_ = std::move(utterance);
  }

  void on_chunk(const Event& event) {
    const AudioFormat format = audio_format(event.data);
    if (!utterance_) {
      begin(format);  // audio without transcribe or audio-start (older clients)
    } else if (!(converter_->format() == format)) {
      converter_.emplace(format, stt::kSttSampleRateHz);
    }
    if (cut_ || !utterance_->transcriber) {
      return;
    }
    std::vector<float> samples = converter_->convert(event.payload);
    const double chunk_s = static_cast<double>(samples.size()) / stt::kSttSampleRateHz;
    if (fed_s_ + chunk_s > options_.max_utterance_s) {
      cut_ = true;
      log::warn("Wyoming utterance cut: audio beyond the limit is not transcribed",
                {{"limit_s", options_.max_utterance_s},
                 {"fix", "send shorter utterances (Home Assistant ends them when the speaker stops)"}});
      return;
    }
    fed_s_ += chunk_s;
    utterance_->transcriber->feed(std::move(samples));
    if (utterance_->streaming && !utterance_->partial_pending.exchange(true)) {
      utterance_->transcriber->partial(
          [weak = std::weak_ptr<Utterance>(utterance_)](const session::TurnTranscriber::Result& result) {
            const auto utterance = weak.lock();
            if (!utterance) {
              return;
            }
            utterance->partial_pending = false;
            if (!result.error.empty()) {
              return;
            }
            if (const auto piece = utterance->delta(result.text)) {
              utterance->write(Event{"transcript-chunk", json{{"text", *piece}}, {}});
            }
          },
          false);
    }
  }

  void finish() {
    auto utterance = std::move(utterance_);
    if (converter_ && utterance->transcriber && !cut_) {
      utterance->transcriber->feed(converter_->flush());
    }
    converter_.reset();
    requested_ = false;
    utterance->stopped_at = util::SteadyClock::now();
    if (!utterance->transcriber) {
      answer(*utterance, "", "no speech-to-text engine is loaded");
      return;
    }
    const double audio_s = fed_s_;
    utterance->transcriber->finish([utterance, audio_s](session::TurnTranscriber::Result result) {
      log::info("wyoming transcript", {{"audio_ms", audio_s * 1000.0},
                                       {"decode_ms", result.took_ms},
                                       {"latency_ms", util::ms_since(utterance->stopped_at)},
                                       {"chars", static_cast<std::uint64_t>(result.text.size())}});
      answer(*utterance, result.text, result.error == "cancelled" ? "" : result.error);
    });
  }

  static void answer(Utterance& utterance, const std::string& text, const std::string& error) {
    if (!error.empty()) {
      log::warn("Wyoming transcription failed", {{"error", error}});
      utterance.write(Event{"error", json{{"text", error}, {"code", "stt-failed"}}, {}});
    }
    if (utterance.streaming) {
      if (const auto piece = utterance.delta(text)) {
        utterance.write(Event{"transcript-chunk", json{{"text", *piece}}, {}});
      }
      utterance.write(Event{"transcript-stop", json::object(), {}});
    }
    json data{{"text", text}};
    if (!utterance.language.empty()) {
      data["language"] = utterance.language;
    }
    utterance.write(Event{"transcript", std::move(data), {}});
  }

  EventWriterPtr writer_;
  std::function<CurrentStt()> current_;
  std::shared_ptr<session::SessionRuntime> runtime_;
  AsrServiceOptions options_;
  bool requested_ = false;
  std::string language_;
  std::shared_ptr<Utterance> utterance_;
  std::optional<AudioConverter> converter_;
  double fed_s_ = 0.0;
  bool cut_ = false;
};

}  // namespace

AsrService::AsrService(std::function<CurrentStt()> current, std::shared_ptr<session::SessionRuntime> runtime,
                       AsrServiceOptions options)
    : current_(std::move(current)), runtime_(std::move(runtime)), options_(std::move(options)) {}

void AsrService::describe(json& info_data) const {
  const CurrentStt now = current_();
  if (!now.engine) {
    return;  // nothing to offer until the engine has loaded
  }
  const auto caps = now.engine->capabilities();
  const json attribution = attribution_of(caps.name);
  json model{{"name", now.url.empty() ? caps.name : now.url},
             {"attribution", attribution},
             {"installed", true},
             {"description", now.description},
             {"version", nullptr},
             {"languages", languages_of(caps)}};
  json program{{"name", caps.name},
               {"attribution", attribution},
               {"installed", true},
               {"description", now.description.empty() ? "LocalVoice speech-to-text" : now.description},
               {"version", options_.version},
               {"models", json::array({model})},
               {"supports_transcript_streaming", caps.partial_results}};
  if (!info_data.contains("asr") || !info_data["asr"].is_array()) {
    info_data["asr"] = json::array();
  }
  info_data["asr"].push_back(std::move(program));
}

std::unique_ptr<ServiceHandler> AsrService::open(EventWriterPtr writer) {
  return std::make_unique<AsrHandler>(std::move(writer), current_, runtime_, options_);
}

}  // namespace lv::wyoming
