// Streaming STT cost: the CPU an utterance decoder spends on a 12 s utterance with partials polled every
// 600 ms against the same decoder with only finish(), for PocketSphinx and the generated tiny whisper model,
// and the "finish wait" (wall time of finish() after the last piece was fed) on real speech. A plain program:
// table on stderr, JSON on stdout.
#include <time.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "audio/resampler.h"
#include "parity_corpus.h"
#include "stt/pocketsphinx_stt.h"
#include "stt/tiny_whisper.h"
#include "stt/utterance_decoder.h"
#include "stt/whisper_stt.h"
#include "support/test_paths.h"
#include "util/clock.h"

namespace {

using nlohmann::json;

constexpr std::size_t kChunkSamples = 320;          // 20 ms: what the session feeds
constexpr std::size_t kPartialEverySamples = 9600;  // 600 ms: how often the session polls
constexpr double kUtteranceS = 12.0;

double process_cpu_ms() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}

std::vector<float> to_16k(const lv::audio::AudioBuffer& audio) {
  return lv::audio::to_mono(audio, lv::stt::kSttSampleRateHz).samples;
}

// Real read speech back to back (pocketsphinx-testdata), cut to 12 s.
std::vector<float> long_utterance(const std::vector<lv::bench::Clip>& clips) {
  std::vector<float> out;
  while (!clips.empty() && out.size() < static_cast<std::size_t>(kUtteranceS * lv::stt::kSttSampleRateHz)) {
    for (const auto& clip : clips) {
      const auto samples = to_16k(clip.audio);
      out.insert(out.end(), samples.begin(), samples.end());
    }
  }
  out.resize(static_cast<std::size_t>(kUtteranceS * lv::stt::kSttSampleRateHz));
  return out;
}

struct Run {
  double cpu_ms = 0.0;
  double finish_wait_ms = 0.0;
  int partials = 0;
  std::string text;
};

// Feeds `samples` in 20 ms pieces, polling partial() every 600 ms when `partials` is set, then finishes.
Run stream(const lv::stt::SttEngine& engine, const std::vector<float>& samples, bool partials) {
  Run run;
  const double cpu_start = process_cpu_ms();
  auto decoder = engine.open_utterance();
  const std::span<const float> all(samples);
  std::size_t since_partial = 0;
  for (std::size_t offset = 0; offset < all.size(); offset += kChunkSamples) {
    const auto piece = all.subspan(offset, std::min(kChunkSamples, all.size() - offset));
    decoder->feed(piece);
    since_partial += piece.size();
    if (partials && since_partial >= kPartialEverySamples) {
      since_partial = 0;
      (void)decoder->partial();
      ++run.partials;
    }
  }
  const auto finish_start = lv::util::SteadyClock::now();
  run.text = decoder->finish().text;
  run.finish_wait_ms = lv::util::ms_since(finish_start);
  run.cpu_ms = process_cpu_ms() - cpu_start;
  return run;
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) {
    return 0.0;
  }
  std::sort(values.begin(), values.end());
  const auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(index, values.size() - 1)];
}

// Partials on and off, alternating so that drift in machine load hits both alike; means over `reps`.
json partials_on_off(const std::string& name, const lv::stt::SttEngine& engine, const std::vector<float>& samples,
                     int reps) {
  double off_ms = 0.0;
  double on_ms = 0.0;
  int polls = 0;
  bool same_text = true;
  for (int rep = 0; rep < reps; ++rep) {
    const Run off = stream(engine, samples, false);
    const Run on = stream(engine, samples, true);
    off_ms += off.cpu_ms / reps;
    on_ms += on.cpu_ms / reps;
    polls = on.partials;
    same_text = same_text && off.text == on.text;
  }
  std::fprintf(stderr, "| %s | %.1f s | %.0f ms | %.0f ms (%d partials) | **%.2fx** | %s |\n", name.c_str(),
               kUtteranceS, off_ms, on_ms, polls, on_ms / off_ms, same_text ? "yes" : "no");
  return {
      {"engine", name},    {"audio_s", kUtteranceS},  {"cpu_ms_partials_off", off_ms}, {"cpu_ms_partials_on", on_ms},
      {"partials", polls}, {"ratio", on_ms / off_ms}, {"same_final_text", same_text}};
}

// finish() after the last 20 ms piece of each recording, against transcribe() of the whole recording (the
// wait before: the turn was decoded only after it ended).
json finish_wait(const lv::stt::SttEngine& engine, const std::vector<lv::bench::Clip>& clips) {
  std::vector<double> waits;
  std::vector<double> whole;
  double audio_s = 0.0;
  for (const auto& clip : clips) {
    const auto samples = to_16k(clip.audio);
    waits.push_back(stream(engine, samples, true).finish_wait_ms);
    const auto start = lv::util::SteadyClock::now();
    (void)engine.transcribe(clip.audio);
    whole.push_back(lv::util::ms_since(start));
    audio_s += clip.audio.duration_s();
  }
  std::fprintf(stderr,
               "\nfinish wait, pocketsphinx, %zu testdata recordings (%.1f s each on average):\n"
               "| | p50 | p90 | max |\n|---|---|---|---|\n"
               "| streamed: finish() after the last piece | **%.0f ms** | %.0f ms | %.0f ms |\n"
               "| before: transcribe() of the whole recording | %.0f ms | %.0f ms | %.0f ms |\n",
               clips.size(), audio_s / static_cast<double>(std::max<std::size_t>(1, clips.size())),
               percentile(waits, 0.5), percentile(waits, 0.9), percentile(waits, 1.0), percentile(whole, 0.5),
               percentile(whole, 0.9), percentile(whole, 1.0));
  return {{"clips", clips.size()},
          {"finish_wait_ms",
           {{"p50", percentile(waits, 0.5)}, {"p90", percentile(waits, 0.9)}, {"max", percentile(waits, 1.0)}}},
          {"transcribe_ms",
           {{"p50", percentile(whole, 0.5)}, {"p90", percentile(whole, 0.9)}, {"max", percentile(whole, 1.0)}}}};
}

}  // namespace

// Usage: bench_stt_partials [--reps N] [--whisper-threads N]
int main(int argc, char** argv) {
  try {
    int reps = 3;
    int whisper_threads = 1;
    for (int i = 1; i < argc; ++i) {
      const std::string arg = argv[i];
      if (arg == "--reps" && i + 1 < argc) {
        reps = std::max(1, std::stoi(argv[++i]));
      } else if (arg == "--whisper-threads" && i + 1 < argc) {
        whisper_threads = std::max(1, std::stoi(argv[++i]));
      } else {
        std::cerr << "usage: bench_stt_partials [--reps N] [--whisper-threads N]\n"
                     "  STT CPU for a 12 s utterance with partials every 600 ms vs finish() only (pocketsphinx and\n"
                     "  the generated tiny whisper model), and pocketsphinx's finish wait on the testdata speech.\n";
        return arg == "--help" ? 0 : 2;
      }
    }
    const auto clips = lv::bench::testdata_clips();
    if (clips.empty()) {
      std::cerr << "bench_stt_partials: install pocketsphinx-testdata (scripts/setup) for the speech recordings\n";
      return 1;
    }
    const auto utterance = long_utterance(clips);

    const lv::stt::PocketsphinxStt pocketsphinx;
    lv::test::TempDir dir;
    lv::stt::WhisperSettings whisper_settings;
    whisper_settings.model_path = dir / "ggml-tiny-random.bin";
    whisper_settings.threads = whisper_threads;
    whisper_settings.temperature_inc = 0.0F;
    lv::test::make_tiny_whisper_model(whisper_settings.model_path);
    const lv::stt::WhisperStt whisper(whisper_settings);
    // What the engine did before: every partial re-decodes the whole turn so far.
    const auto buffered_whisper = [&whisper] {
      struct Buffered final : lv::stt::SttEngine {
        explicit Buffered(const lv::stt::SttEngine& inner) : inner_(inner) {}
        lv::stt::SttCapabilities capabilities() const override { return inner_.capabilities(); }
        lv::stt::Transcript transcribe(const lv::audio::AudioBuffer& audio, const lv::stt::TranscribeOptions& options,
                                       std::stop_token stop) const override {
          return inner_.transcribe(audio, options, std::move(stop));
        }
        const lv::stt::SttEngine& inner_;
      };
      return std::make_unique<Buffered>(whisper);
    }();

    std::fprintf(stderr,
                 "| engine | utterance | CPU, finish() only | CPU, partials every 600 ms | ratio | same final text |\n"
                 "|---|---|---|---|---|---|\n");
    json result = {{"benchmark", "stt_partials"}, {"reps", reps}, {"whisper_threads", whisper_threads}};
    result["partials"].push_back(partials_on_off("pocketsphinx", pocketsphinx, utterance, reps));
    result["partials"].push_back(partials_on_off("whisper (tiny, generated)", whisper, utterance, reps));
    result["partials"].push_back(
        partials_on_off("whisper (tiny), re-decoding the whole turn (before)", *buffered_whisper, utterance, reps));
    result["finish_wait"] = finish_wait(pocketsphinx, clips);
    std::cout << result.dump(2) << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "bench_stt_partials: " << e.what() << "\n";
    return 1;
  }
}
