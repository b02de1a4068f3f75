// Time to first audio and real-time factor of the embedded engines, how fast a stop request is honoured,
// the streaming adapter's first-chunk latency next to direct synthesis of the same first sentence, and the
// throughput of the text pipeline.
#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "tts/espeak_engine.h"
#include "tts/flite_engine.h"
#include "tts/markdown_filter.h"
#include "tts/sentence_splitter.h"
#include "tts/streaming_tts.h"
#include "tts/text_normalizer.h"

namespace {

using Clock = std::chrono::steady_clock;
using lv::tts::TtsEngine;

const std::string kSentence = "The quick brown fox jumps over the lazy dog near the river bank.";
const std::string kReply =
    "Sure, here is the plan for tomorrow. First, we meet at 9:30 am at the office. Then we drive 25 km to "
    "the site, which costs about $12.50 in fuel. After lunch we review the results and write the report.";

std::shared_ptr<TtsEngine> engine(const std::string& which) {
  static auto flite = std::make_shared<lv::tts::FliteEngine>("slt");
  static auto espeak = std::make_shared<lv::tts::EspeakEngine>("en-us");
  return which == "flite" ? std::static_pointer_cast<TtsEngine>(flite) : std::static_pointer_cast<TtsEngine>(espeak);
}

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// One sentence: time to first audio and real-time factor.
void BM_Synthesize(benchmark::State& state, const std::string& which) {
  auto tts = engine(which);
  double ttfa_ms = 0;
  double rtf = 0;
  double audio_s = 0;
  for (auto _ : state) {
    const auto result = tts->synthesize(kSentence, {}, [](std::span<const float>) { return true; });
    ttfa_ms += result.time_to_first_audio_ms;
    rtf += result.real_time_factor();
    audio_s += result.audio_duration_s();
  }
  const auto n = static_cast<double>(state.iterations());
  state.counters["ttfa_ms"] = ttfa_ms / n;
  state.counters["rtf"] = rtf / n;
  state.counters["audio_s"] = audio_s / n;
}
BENCHMARK_CAPTURE(BM_Synthesize, flite, std::string("flite"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Synthesize, espeak, std::string("espeak"))->Unit(benchmark::kMillisecond);

// From request_stop() (after the first audio of a long text) to synthesize() returning.
void BM_StopLatency(benchmark::State& state, const std::string& which) {
  auto tts = engine(which);
  std::string long_text;
  for (int i = 0; i < 20; ++i) {
    long_text += kSentence + " ";
  }
  double worst_ms = 0;
  double total_ms = 0;
  for (auto _ : state) {
    std::stop_source stop;
    Clock::time_point stopped_at;
    tts->synthesize(
        long_text, {},
        [&](std::span<const float>) {
          if (!stop.stop_requested()) {
            stopped_at = Clock::now();
            stop.request_stop();
          }
          return true;
        },
        stop.get_token());
    const double latency_ms = ms(Clock::now() - stopped_at);
    worst_ms = std::max(worst_ms, latency_ms);
    total_ms += latency_ms;
  }
  state.counters["stop_ms"] = total_ms / static_cast<double>(state.iterations());
  state.counters["stop_worst_ms"] = worst_ms;
}
BENCHMARK_CAPTURE(BM_StopLatency, flite, std::string("flite"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_StopLatency, espeak, std::string("espeak"))->Unit(benchmark::kMillisecond);

// The adapter's first chunk (from the push that completes the first sentence) next to a direct call's time
// to first audio and total time for that same first sentence.
void BM_StreamingFirstChunk(benchmark::State& state, const std::string& which) {
  auto tts = engine(which);
  const std::string first_sentence = "Sure, here is the plan for tomorrow.";
  double stream_ms = 0;
  double direct_ttfa_ms = 0;
  double direct_total_ms = 0;
  for (auto _ : state) {
    const auto direct = tts->synthesize(first_sentence, {}, [](std::span<const float>) { return true; });
    direct_ttfa_ms += direct.time_to_first_audio_ms;
    direct_total_ms += direct.synthesis_ms;

    std::mutex mutex;
    std::condition_variable got;
    Clock::time_point first_chunk_at{};
    lv::tts::StreamingTtsOptions options;
    options.splitter.early_first_clause = false;  // compare the same first sentence
    lv::tts::StreamingTts stream(
        tts,
        [&](const lv::tts::SpeechChunk& chunk) {
          std::lock_guard lock(mutex);
          if (!chunk.samples.empty() && first_chunk_at == Clock::time_point{}) {
            first_chunk_at = Clock::now();
            got.notify_all();
          }
        },
        options);
    const auto pushed_at = Clock::now();
    stream.push_text(kReply);  // the first sentence is complete in this push
    {
      std::unique_lock lock(mutex);
      got.wait(lock, [&] { return first_chunk_at != Clock::time_point{}; });
      stream_ms += ms(first_chunk_at - pushed_at);
    }
    stream.cancel();
  }
  const auto n = static_cast<double>(state.iterations());
  state.counters["stream_first_chunk_ms"] = stream_ms / n;
  state.counters["direct_ttfa_ms"] = direct_ttfa_ms / n;
  state.counters["direct_sentence_ms"] = direct_total_ms / n;
}
BENCHMARK_CAPTURE(BM_StreamingFirstChunk, flite, std::string("flite"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_StreamingFirstChunk, espeak, std::string("espeak"))->Unit(benchmark::kMillisecond);

void BM_TextPipeline(benchmark::State& state) {
  std::string text;
  for (int i = 0; i < 10; ++i) {
    text += "**Note:** " + kReply + " See [the docs](https://example.com/docs).\n";
  }
  for (auto _ : state) {
    lv::tts::MarkdownFilter markdown;
    lv::tts::SentenceSplitter splitter;
    std::size_t sentences = 0;
    for (std::size_t i = 0; i < text.size(); i += 4) {  // LLM-sized pieces
      for (const auto& sentence : splitter.push(markdown.push(std::string_view(text).substr(i, 4)))) {
        benchmark::DoNotOptimize(lv::tts::normalize_for_speech(sentence));
        ++sentences;
      }
    }
    benchmark::DoNotOptimize(sentences);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_TextPipeline);

}  // namespace
