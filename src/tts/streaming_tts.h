// Turns a batch TTS engine into a streaming one: text in pieces (LLM tokens) in, audio per sentence out.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "tts/markdown_filter.h"
#include "tts/sentence_splitter.h"
#include "tts/tts_engine.h"

namespace lv::tts {

// One piece of audio of one sentence. After a sentence's last audio comes a chunk with no samples and
// `sentence_done` set, carrying that sentence's synthesis result.
struct SpeechChunk {
  std::span<const float> samples;  // valid only during the callback
  int sample_rate_hz = 0;
  std::size_t sentence_index = 0;
  const std::string* sentence = nullptr;  // the text as spoken (after Markdown removal and normalization)
  bool sentence_done = false;
  SynthesisResult result;  // set when sentence_done
};
using SpeechChunkSink = std::function<void(const SpeechChunk& chunk)>;

struct StreamingTtsOptions {
  SynthesisOptions synthesis;
  SentenceSplitterOptions splitter;
  bool strip_markdown = true;
  bool normalize_text = true;
};

// Text goes through the Markdown filter and the sentence splitter on the caller's thread; each complete
// sentence is normalized and synthesized on a worker thread, so audio for the first sentence flows while
// later text is still arriving. One instance per utterance stream; push/end/cancel may come from any one
// thread, the sink runs on the worker.
class StreamingTts {
 public:
  StreamingTts(TtsEnginePtr engine, SpeechChunkSink sink, StreamingTtsOptions options = {});
  ~StreamingTts();  // cancels and joins the worker
  StreamingTts(const StreamingTts&) = delete;
  StreamingTts& operator=(const StreamingTts&) = delete;

  // Adds text; never waits for synthesis.
  void push_text(std::string_view piece);
  // No more text: the rest is split and spoken.
  void end_input();
  // Blocks until everything pushed has been spoken (end_input() must have been called) or the stream was
  // cancelled. Rethrows the engine's error, if synthesis failed.
  void wait();
  // Stops synthesis within about 50 ms and drops the sentences not yet spoken. Idempotent.
  void cancel();

  std::size_t sentences_spoken() const;
  // From the first push_text() to the first audio sample reaching the sink; negative until then.
  double first_audio_latency_ms() const;

 private:
  void enqueue(std::vector<std::string> sentences);
  void run(std::stop_token stop);

  TtsEnginePtr engine_;
  SpeechChunkSink sink_;
  StreamingTtsOptions options_;
  MarkdownFilter markdown_;
  SentenceSplitter splitter_;

  mutable std::mutex mutex_;
  std::condition_variable_any wake_;
  std::deque<std::string> queue_;
  bool input_ended_ = false;
  bool finished_ = false;
  std::size_t sentences_spoken_ = 0;
  std::exception_ptr error_;
  std::chrono::steady_clock::time_point first_text_at_{};
  double first_audio_latency_ms_ = -1.0;
  std::jthread worker_;  // last: starts after every other member exists, joins before they go
};

// Whole-text preparation for engines: Markdown removed, then numbers, currency and units spelled out.
std::string prepare_for_speech(std::string_view text);

}  // namespace lv::tts
