#include "tts/streaming_tts.h"

#include <utility>

#include "tts/text_normalizer.h"

namespace lv::tts {

namespace {

double ms_between(std::chrono::steady_clock::time_point from, std::chrono::steady_clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

}  // namespace

StreamingTts::StreamingTts(TtsEnginePtr engine, SpeechChunkSink sink, StreamingTtsOptions options)
    : engine_(std::move(engine)),
      sink_(std::move(sink)),
      options_(std::move(options)),
      splitter_(options_.splitter),
      worker_([this](std::stop_token stop) { run(std::move(stop)); }) {}

StreamingTts::~StreamingTts() { cancel(); }

void StreamingTts::push_text(std::string_view piece) {
  {
    std::lock_guard lock(mutex_);
    if (input_ended_) {
      return;
    }
    if (first_text_at_ == std::chrono::steady_clock::time_point{}) {
      first_text_at_ = std::chrono::steady_clock::now();
    }
  }
  const std::string clean = options_.strip_markdown ? markdown_.push(piece) : std::string(piece);
  enqueue(splitter_.push(clean));
}

void StreamingTts::end_input() {
  {
    std::lock_guard lock(mutex_);
    if (input_ended_) {
      return;
    }
  }
  std::vector<std::string> sentences;
  if (options_.strip_markdown) {
    sentences = splitter_.push(markdown_.finish());
  }
  for (auto& sentence : splitter_.flush()) {
    sentences.push_back(std::move(sentence));
  }
  enqueue(std::move(sentences));
  std::lock_guard lock(mutex_);
  input_ended_ = true;
  wake_.notify_all();
}

void StreamingTts::enqueue(std::vector<std::string> sentences) {
  if (sentences.empty()) {
    return;
  }
  std::lock_guard lock(mutex_);
  for (auto& sentence : sentences) {
    queue_.push_back(std::move(sentence));
  }
  wake_.notify_all();
}

void StreamingTts::wait() {
  std::unique_lock lock(mutex_);
  wake_.wait(lock, [&] { return finished_; });
  if (error_) {
    std::rethrow_exception(error_);
  }
}

void StreamingTts::cancel() {
  worker_.request_stop();
  // From the sink (the worker itself) only the request is possible; the worker ends after the callback.
  if (worker_.joinable() && worker_.get_id() != std::this_thread::get_id()) {
    worker_.join();
  }
}

std::size_t StreamingTts::sentences_spoken() const {
  std::lock_guard lock(mutex_);
  return sentences_spoken_;
}

double StreamingTts::first_audio_latency_ms() const {
  std::lock_guard lock(mutex_);
  return first_audio_latency_ms_;
}

void StreamingTts::run(std::stop_token stop) {
  std::size_t index = 0;
  for (;;) {
    std::string sentence;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, stop, [&] { return !queue_.empty() || input_ended_; });
      if (stop.stop_requested() || queue_.empty()) {
        break;  // cancelled, or all input spoken
      }
      sentence = std::move(queue_.front());
      queue_.pop_front();
    }
    if (options_.normalize_text) {
      sentence = normalize_for_speech(sentence);
    }
    SpeechChunk chunk;
    chunk.sentence_index = index;
    chunk.sentence = &sentence;
    chunk.sample_rate_hz = engine_->sample_rate_hz(options_.synthesis.voice);
    try {
      chunk.result = engine_->synthesize(
          sentence, options_.synthesis,
          [&](std::span<const float> samples) {
            {
              std::lock_guard lock(mutex_);
              if (first_audio_latency_ms_ < 0.0) {
                first_audio_latency_ms_ = ms_between(first_text_at_, std::chrono::steady_clock::now());
              }
            }
            chunk.samples = samples;
            sink_(chunk);
            return !stop.stop_requested();
          },
          stop);
    } catch (...) {
      std::lock_guard lock(mutex_);
      error_ = std::current_exception();
      break;
    }
    if (stop.stop_requested()) {
      break;
    }
    chunk.samples = {};
    chunk.sentence_done = true;
    sink_(chunk);
    ++index;
    std::lock_guard lock(mutex_);
    ++sentences_spoken_;
  }
  std::lock_guard lock(mutex_);
  finished_ = true;
  wake_.notify_all();
}

std::string prepare_for_speech(std::string_view text) { return normalize_for_speech(strip_markdown(text)); }

}  // namespace lv::tts
