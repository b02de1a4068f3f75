// Time to first audio and real-time factor of the embedded engines, how fast a stop request is honoured,
// a reply's first audio through the voice session's speech stages next to direct synthesis of its first
// sentence, and the throughput of the text pipeline.
#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "llm/llm_engine.h"
#include "session/voice_session.h"
#include "stt/stt_engine.h"
#include "tts/espeak_engine.h"
#include "tts/flite_engine.h"
#include "tts/sentence_splitter.h"
#include "tts/text_normalizer.h"
#include "util/markdown_filter.h"
#include "vad/energy_vad.h"

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

// A language model that answers at once, so that a reply's first audio is the speech stages' work alone.
class InstantLlm final : public lv::llm::LlmEngine {
 public:
  lv::llm::LlmSessionPtr create_session() override { return std::make_unique<Session>(); }
  lv::llm::LlmCapabilities capabilities() const override { return {}; }
  std::string model_name() const override { return "instant"; }

 private:
  class Session final : public lv::llm::LlmSession {
   public:
    lv::llm::ChatResult chat(const std::vector<lv::llm::ChatMessage>&, const lv::llm::ChatOptions&,
                             const lv::llm::DeltaCallback& on_delta, std::stop_token) override {
      on_delta(lv::llm::ChatDelta{kReply, {}});
      return {};
    }
  };
};

// Typed turns only: the recognizer is never asked.
class NoStt final : public lv::stt::SttEngine {
 public:
  lv::stt::SttCapabilities capabilities() const override { return {}; }
  lv::stt::Transcript transcribe(const lv::audio::AudioBuffer&, const lv::stt::TranscribeOptions&,
                                 std::stop_token) const override {
    return {};
  }
};

// A typed turn's reply through the voice session's stages (sentence splitting, synthesis on the tts pool,
// resampling, framing): from push_text() to the first audio frame, next to a direct call's time to first audio
// and total time for the reply's first sentence.
void BM_ReplyFirstAudio(benchmark::State& state, const std::string& which) {
  auto tts = engine(which);
  const std::string first_sentence = "Sure, here is the plan for tomorrow.";
  std::mutex mutex;
  std::condition_variable changed;
  lv::session::TurnId audio_turn = 0;
  lv::session::TurnId done_turn = 0;
  Clock::time_point first_audio_at{};
  lv::session::SessionRuntime runtime;
  lv::session::SessionEngines engines;
  engines.vad = std::make_shared<lv::vad::EnergyVad>();
  engines.stt = std::make_shared<NoStt>();
  engines.llm = std::make_shared<InstantLlm>();
  engines.tts = tts;
  lv::session::SessionOptions options;
  options.playback_lead_ms = 10000;  // frames go out as soon as they are made
  auto session = lv::session::create_voice_session(runtime, engines, options, [&](lv::session::SessionEvent event) {
    std::lock_guard lock(mutex);
    if (const auto* audio = std::get_if<lv::session::ReplyAudio>(&event); audio && audio->turn != audio_turn) {
      audio_turn = audio->turn;
      first_audio_at = Clock::now();
    } else if (const auto* done = std::get_if<lv::session::ReplyDone>(&event)) {
      done_turn = done->turn;
    }
    changed.notify_all();
  });
  session->start();
  double reply_ms = 0;
  double direct_ttfa_ms = 0;
  double direct_total_ms = 0;
  lv::session::TurnId turn = 0;
  for (auto _ : state) {
    const auto direct = tts->synthesize(first_sentence, {}, [](std::span<const float>) { return true; });
    direct_ttfa_ms += direct.time_to_first_audio_ms;
    direct_total_ms += direct.synthesis_ms;

    ++turn;
    const auto pushed_at = Clock::now();
    session->push_text("what is the plan");
    std::unique_lock lock(mutex);
    changed.wait(lock, [&] { return audio_turn == turn; });
    reply_ms += ms(first_audio_at - pushed_at);
    lock.unlock();
    session->interrupt();
    lock.lock();
    changed.wait(lock, [&] { return done_turn == turn; });
  }
  session->close();
  const auto n = static_cast<double>(state.iterations());
  state.counters["reply_first_audio_ms"] = reply_ms / n;
  state.counters["direct_ttfa_ms"] = direct_ttfa_ms / n;
  state.counters["direct_sentence_ms"] = direct_total_ms / n;
}
BENCHMARK_CAPTURE(BM_ReplyFirstAudio, flite, std::string("flite"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ReplyFirstAudio, espeak, std::string("espeak"))->Unit(benchmark::kMillisecond);

void BM_TextPipeline(benchmark::State& state) {
  std::string text;
  for (int i = 0; i < 10; ++i) {
    text += "**Note:** " + kReply + " See [the docs](https://example.com/docs).\n";
  }
  for (auto _ : state) {
    lv::util::MarkdownFilter markdown;
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
