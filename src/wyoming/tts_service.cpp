#include "wyoming/tts_service.h"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <stop_token>
#include <utility>
#include <vector>

#include "audio/pcm.h"
#include "session/task_pool.h"
#include "tts/sentence_splitter.h"
#include "tts/text_normalizer.h"
#include "util/error.h"
#include "util/log.h"
#include "util/markdown_filter.h"
#include "util/text.h"
#include "util/version.h"
#include "wyoming/wyoming_audio.h"

namespace lv::wyoming {

namespace {

using nlohmann::json;

Event plain_event(std::string type) {
  Event event;
  event.type = std::move(type);
  return event;
}

// One connection's synthesis: requests queued by the connection's strand, spoken in order on the pool.
class SpeechQueue : public std::enable_shared_from_this<SpeechQueue> {
 public:
  enum class Kind { speak, end_audio, end_stream, unavailable };
  struct Item {
    Kind kind = Kind::speak;
    tts::TtsEnginePtr engine;  // the engine loaded when the request came (null: unavailable)
    std::string text;          // speak: one sentence, ready for the engine
    std::string voice;         // "" = the engine's default
  };

  SpeechQueue(session::TaskPool& pool, EventWriterPtr writer, double max_chunk_s)
      : pool_(pool), writer_(std::move(writer)), max_chunk_s_(max_chunk_s) {}

  void push(Item item) {
    std::lock_guard lock(mutex_);
    items_.push_back(std::move(item));
    if (!running_) {
      running_ = true;
      pool_.submit(owner(), [self = shared_from_this()] { self->drain(); });
    }
  }

  // After this returns nothing more is written; a synthesis in progress stops within the engine's 50 ms.
  void close() {
    {
      std::lock_guard lock(write_mutex_);
      closed_ = true;
    }
    stop_.request_stop();
    pool_.cancel_queued(owner());
  }

 private:
  std::uintptr_t owner() const { return reinterpret_cast<std::uintptr_t>(this); }

  bool send(Event event) {
    std::lock_guard lock(write_mutex_);
    return !closed_ && writer_->write(std::move(event));
  }

  void drain() {
    while (true) {
      Item item;
      {
        std::lock_guard lock(mutex_);
        if (items_.empty() || stop_.stop_requested()) {
          running_ = false;
          return;
        }
        item = std::move(items_.front());
        items_.pop_front();
      }
      run(item);
    }
  }

  void run(const Item& item) {
    if (item.kind == Kind::unavailable) {
      Event failure = plain_event("error");
      failure.data = {{"text", "no text-to-speech engine is loaded yet"}, {"code", "tts-unavailable"}};
      send(std::move(failure));
      return;
    }
    if (item.kind == Kind::speak) {
      if (!failed_) {
        speak(item);
      }
      return;
    }
    if (item.engine) {
      open_audio(item);
      send(audio_stop());
    }
    audio_open_ = false;
    failed_ = false;
    if (item.kind == Kind::end_stream) {
      send(plain_event("synthesize-stopped"));
    }
  }

  void open_audio(const Item& item) {
    if (audio_open_) {
      return;
    }
    format_ = AudioFormat{item.engine->sample_rate_hz(item.voice), 2, 1};
    audio_open_ = true;
    send(audio_start(format_));
  }

  void speak(const Item& item) {
    tts::SynthesisOptions options;
    options.voice = item.voice;
    try {
      open_audio(item);
      const auto max_chunk = static_cast<std::size_t>(std::max(1.0, max_chunk_s_ * format_.rate_hz));
      item.engine->synthesize(
          item.text, options,
          [&](std::span<const float> samples) {
            const auto pcm = audio::float_to_pcm16(samples);
            for (std::size_t at = 0; at < pcm.size(); at += max_chunk) {
              const std::size_t count = std::min(max_chunk, pcm.size() - at);
              if (!send(audio_chunk(format_, std::span<const std::int16_t>(pcm).subspan(at, count)))) {
                return false;
              }
            }
            return true;
          },
          stop_.get_token());
    } catch (const std::exception& e) {
      const auto* error = dynamic_cast<const Error*>(&e);
      const std::string message = error != nullptr ? error->full_message() : std::string(e.what());
      log::warn("wyoming tts: synthesis failed", {{"detail", message}});
      Event failure = plain_event("error");
      failure.data = {{"text", message}, {"code", "synthesis-failed"}};
      send(std::move(failure));
      failed_ = true;  // the rest of this request is skipped; its audio still ends
    }
  }

  session::TaskPool& pool_;
  EventWriterPtr writer_;
  double max_chunk_s_;
  std::stop_source stop_;

  std::mutex mutex_;  // items_, running_
  std::deque<Item> items_;
  bool running_ = false;

  std::mutex write_mutex_;  // closed_ and every write, so that nothing is written once close() returned
  bool closed_ = false;

  // Touched only by the one drain task running at a time.
  AudioFormat format_;
  bool audio_open_ = false;
  bool failed_ = false;
};

// The protocol state of one connection (on its strand): plain requests, and a text stream being split into
// sentences as it arrives.
class TtsHandler final : public ServiceHandler {
 public:
  TtsHandler(std::function<CurrentTts()> current, std::shared_ptr<SpeechQueue> queue)
      : current_(std::move(current)), queue_(std::move(queue)) {}
  ~TtsHandler() override { queue_->close(); }
  TtsHandler(const TtsHandler&) = delete;
  TtsHandler& operator=(const TtsHandler&) = delete;

  bool on_event(const Event& event) override {
    if (event.type == "synthesize") {
      on_synthesize(event.data);
    } else if (event.type == "synthesize-start") {
      streaming_ = true;
      take_engine();
      stream_voice_ = voice_of(event.data);
      streamed_text_.clear();
      markdown_.reset();
      splitter_.reset();
    } else if (event.type == "synthesize-chunk") {
      if (streaming_) {
        const std::string text = text_of(event.data);
        streamed_text_ += text;
        speak(splitter_.push(markdown_.push(text)), stream_voice_);
      }
    } else if (event.type == "synthesize-stop") {
      if (streaming_) {
        auto sentences = splitter_.push(markdown_.finish());
        const auto rest = splitter_.flush();
        sentences.insert(sentences.end(), rest.begin(), rest.end());
        speak(sentences, stream_voice_);
        queue_->push({SpeechQueue::Kind::end_stream, engine_, {}, stream_voice_});
        streaming_ = false;
        after_stream_text_ = std::string(util::trim(streamed_text_));
      }
    } else {
      return false;
    }
    return true;
  }

  void close() override { queue_->close(); }

 private:
  static std::string text_of(const json& data) {
    const auto text = data.find("text");
    return text != data.end() && text->is_string() ? text->get<std::string>() : std::string();
  }

  // The voice a request names, when the engine has it ("" = its default: an unknown name is not an error, as
  // Home Assistant may keep a voice from an earlier configuration).
  std::string voice_of(const json& data) const {
    const auto voice = data.find("voice");
    if (voice == data.end() || !voice->is_object()) {
      return {};
    }
    const auto name = voice->find("name");
    if (name == voice->end() || !name->is_string()) {
      return {};
    }
    if (!engine_) {
      return {};
    }
    const auto& voices = engine_->capabilities().voices;
    const std::string wanted = name->get<std::string>();
    return std::find(voices.begin(), voices.end(), wanted) != voices.end() ? wanted : std::string();
  }

  void on_synthesize(const json& data) {
    const std::string text = text_of(data);
    if (streaming_) {
      return;  // the whole text, sent inside a stream for servers that cannot stream: already being spoken
    }
    if (!after_stream_text_.empty() && util::trim(text) == after_stream_text_) {
      after_stream_text_.clear();  // the same copy, sent after the stream ended
      return;
    }
    after_stream_text_.clear();
    take_engine();
    const std::string voice = voice_of(data);
    util::MarkdownFilter filter;
    std::string clean = filter.push(text);
    clean += filter.finish();
    speak(tts::split_sentences(clean), voice);
    queue_->push({SpeechQueue::Kind::end_audio, engine_, {}, voice});
  }

  // The engine loaded now serves the request that starts (an error is queued when there is none yet).
  void take_engine() {
    engine_ = current_ ? current_().engine : nullptr;
    if (!engine_) {
      queue_->push({SpeechQueue::Kind::unavailable, nullptr, {}, {}});
    }
  }

  void speak(const std::vector<std::string>& sentences, const std::string& voice) {
    if (!engine_) {
      return;
    }
    for (const auto& sentence : sentences) {
      std::string spoken = tts::normalize_for_speech(sentence);
      if (!util::is_blank(spoken)) {
        queue_->push({SpeechQueue::Kind::speak, engine_, std::move(spoken), voice});
      }
    }
  }

  std::function<CurrentTts()> current_;
  tts::TtsEnginePtr engine_;  // the current request's
  std::shared_ptr<SpeechQueue> queue_;
  bool streaming_ = false;
  std::string stream_voice_;
  std::string streamed_text_;
  std::string after_stream_text_;
  util::MarkdownFilter markdown_;
  tts::SentenceSplitter splitter_;  // the first clause early, so speech starts before the first sentence ends
};

}  // namespace

TtsService::TtsService(std::function<CurrentTts()> current, std::shared_ptr<session::SessionRuntime> runtime,
                       TtsServiceOptions options)
    : current_(std::move(current)), runtime_(std::move(runtime)), options_(options) {
  if (!runtime_) {
    throw Error("the Wyoming tts service needs the session runtime", "pass the server's SessionRuntime");
  }
}

void TtsService::describe(json& info_data) const {
  const json attribution = {{"name", "LocalVoice"}, {"url", ""}};
  const CurrentTts now = current_ ? current_() : CurrentTts{};
  json voices = json::array();
  if (now.engine) {
    const auto& caps = now.engine->capabilities();
    const json languages = caps.languages.empty() ? json::array({"en"}) : json(caps.languages);
    const std::vector<std::string> names = caps.voices.empty() ? std::vector<std::string>{"default"} : caps.voices;
    for (const auto& name : names) {
      voices.push_back({{"name", name},
                        {"description", now.engine->name() + " voice " + name},
                        {"attribution", attribution},
                        {"installed", true},
                        {"version", kVersion},
                        {"languages", languages}});
    }
  }
  const std::string shown = !now.url.empty() ? now.url : now.engine ? now.engine->name() : "loading";
  if (!info_data.contains("tts") || !info_data["tts"].is_array()) {
    info_data["tts"] = json::array();
  }
  info_data["tts"].push_back({{"name", "localvoice-tts"},
                              {"description", "LocalVoice text to speech (" + shown + ")"},
                              {"attribution", attribution},
                              {"installed", static_cast<bool>(now.engine)},
                              {"version", kVersion},
                              {"voices", voices},
                              {"supports_synthesize_streaming", true}});
}

std::unique_ptr<ServiceHandler> TtsService::open(EventWriterPtr writer) {
  auto queue = std::make_shared<SpeechQueue>(runtime_->tts_pool(), std::move(writer), options_.max_chunk_s);
  return std::make_unique<TtsHandler>(current_, std::move(queue));
}

}  // namespace lv::wyoming
