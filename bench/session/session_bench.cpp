// Voice-session benchmarks with real engines (energy VAD, pocketsphinx, tiny GGUF via llama:, flite):
//   pipeline  — per-turn overhead: end-to-end latency minus the end-of-turn silence and engine compute times
//   sessions  — how many sessions run side by side in real time (pocketsphinx + flite, no LLM)
//   idle      — memory per idle session
// Usage: session_bench [pipeline|sessions|idle|all] [--turns N]. Prints Markdown rows for docs/benchmarks.md.
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "app/conversation_runner.h"
#include "engine/engine_url.h"
#include "llm/llm_engines.h"
#include "llm/tiny_model.h"
#include "session/voice_session.h"
#include "stt/register_stt.h"
#include "stt/speech_fixtures.h"
#include "support/test_paths.h"
#include "tts/tts_engines.h"
#include "vad/register_vad.h"

namespace {

using namespace lv;

struct Engines {
  session::SessionEngines session;
};

Engines make_engines(bool with_llm, const std::filesystem::path& model) {
  engine::EngineRegistry<vad::VadEngine> vads{engine::EngineKind::vad};
  vad::register_vad_engines(vads, {});
  engine::EngineRegistry<stt::SttEngine> stts{engine::EngineKind::stt};
  stt::register_stt_engines(stts, {});
  engine::EngineRegistry<tts::TtsEngine> ttss{engine::EngineKind::tts};
  tts::register_tts_engines(ttss, {});
  Engines engines;
  engines.session.vad = vads.create(engine::parse_engine_url("energy:"));
  engines.session.stt = stts.create(engine::parse_engine_url("pocketsphinx:en-us"));
  engines.session.tts = ttss.create(engine::parse_engine_url("flite:slt"));
  engines.session.stt_name = "pocketsphinx:en-us";
  engines.session.tts_name = "flite:slt";
  if (with_llm) {
    engine::EngineRegistry<llm::LlmEngine> llms{engine::EngineKind::llm};
    llm::register_llm_engines(llms, [](const std::string& name) { return std::filesystem::path(name); });
    engines.session.llm = llms.create(engine::parse_engine_url("llama:" + model.string()));
    engines.session.llm_name = "llama:tiny";
  }
  return engines;
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) {
    return -1;
  }
  std::sort(values.begin(), values.end());
  const auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(index, values.size() - 1)];
}

session::SessionOptions bench_options() {
  session::SessionOptions options;
  options.chat.max_tokens = 12;
  options.chat.seed = 1;
  return options;
}

const std::vector<std::string> kQuestions = {
    "what is the weather like today", "turn on the kitchen light", "play some music please",   "what time is it",
    "set an alarm for seven",         "tell me a story",           "how far away is the moon", "open the garage door"};

audio::AudioBuffer recording(std::size_t turns, std::size_t first) {
  auto audio = test::silence(0.4);
  for (std::size_t i = 0; i < turns; ++i) {
    audio = test::concat(audio, test::flite_speech(kQuestions[(first + i) % kQuestions.size()]));
    audio = test::concat(audio, test::silence(4.0));  // room for the reply before the next question
  }
  return audio;
}

std::vector<session::TurnMetrics> metrics_of(const app::ConversationResult& result) {
  std::vector<session::TurnMetrics> out;
  for (const auto& timed : result.events) {
    if (const auto* m = std::get_if<session::TurnMetrics>(&timed.event)) {
      out.push_back(*m);
    }
  }
  return out;
}

void pipeline(std::size_t turns, const std::filesystem::path& model) {
  auto engines = make_engines(true, model);
  session::SessionRuntime runtime;
  std::vector<double> overhead;
  std::vector<double> end_to_end;
  std::size_t done = 0;
  for (std::size_t batch = 0; done < turns; ++batch) {
    const std::size_t count = std::min<std::size_t>(5, turns - done);
    const auto result = app::run_conversation(
        [&](session::EventSink sink) {
          return session::create_voice_session(runtime, engines.session, bench_options(), std::move(sink));
        },
        recording(count, done));
    for (const auto& m : metrics_of(result)) {
      if (m.end_to_end_ms < 0 || m.interrupted) {
        continue;
      }
      // What the engines and the turn-taking wait account for; the rest is the pipeline's own cost.
      const double explained = std::max(m.end_of_turn_silence_ms, m.stt_ms) + std::max(0.0, m.retrieval_ms) +
                               std::max(0.0, m.first_sentence_ms) + std::max(0.0, m.tts_first_audio_ms);
      overhead.push_back(m.end_to_end_ms - explained);
      end_to_end.push_back(m.end_to_end_ms);
      ++done;
    }
    if (metrics_of(result).empty()) {
      std::cerr << "no turn completed; giving up\n";
      break;
    }
  }
  std::printf("| pipeline overhead, %zu turns | p50 %.1f ms, p95 %.1f ms | end-to-end p50 %.0f ms, p95 %.0f ms |\n",
              overhead.size(), percentile(overhead, 0.5), percentile(overhead, 0.95), percentile(end_to_end, 0.5),
              percentile(end_to_end, 0.95));
}

void sessions(const std::filesystem::path& model) {
  auto engines = make_engines(false, model);
  for (const std::size_t n : {1U, 2U, 4U, 8U, 12U}) {
    session::SessionRuntime runtime;
    std::vector<std::thread> threads;
    std::vector<std::vector<session::TurnMetrics>> results(n);
    for (std::size_t i = 0; i < n; ++i) {
      threads.emplace_back([&, i] {
        const auto result = app::run_conversation(
            [&](session::EventSink sink) {
              return session::create_voice_session(runtime, engines.session, bench_options(), std::move(sink));
            },
            recording(2, i));
        results[i] = metrics_of(result);
      });
    }
    for (auto& t : threads) {
      t.join();
    }
    std::vector<double> e2e;
    std::size_t completed = 0;
    for (const auto& r : results) {
      completed += r.size();
      for (const auto& m : r) {
        e2e.push_back(m.end_to_end_ms);
      }
    }
    std::printf("| %zu sessions in real time | %zu/%zu turns | end-to-end p50 %.0f ms, p95 %.0f ms |\n", n, completed,
                2 * n, percentile(e2e, 0.5), percentile(e2e, 0.95));
  }
}

long rss_kb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      return std::stol(line.substr(6));
    }
  }
  return -1;
}

void idle(const std::filesystem::path& model) {
  auto engines = make_engines(false, model);
  session::SessionRuntime runtime;
  std::vector<session::VoiceSessionPtr> open;
  // One session first, so one-off allocations (engine warm-up, pools) are not counted per session.
  open.push_back(
      session::create_voice_session(runtime, engines.session, bench_options(), [](session::SessionEvent) {}));
  open.back()->start();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const long before = rss_kb();
  constexpr std::size_t kSessions = 200;
  for (std::size_t i = 0; i < kSessions; ++i) {
    open.push_back(
        session::create_voice_session(runtime, engines.session, bench_options(), [](session::SessionEvent) {}));
    open.back()->start();
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const long after = rss_kb();
  std::printf("| memory per idle session (%zu sessions) | %.1f KB | RSS %ld -> %ld KB |\n", kSessions,
              static_cast<double>(after - before) / kSessions, before, after);
  for (auto& s : open) {
    s->close();
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string what = argc > 1 ? argv[1] : "all";
  std::size_t turns = 20;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--turns") == 0) {
      turns = static_cast<std::size_t>(std::stoul(argv[i + 1]));
    }
  }
  lv::test::TempDir dir;
  const auto model = lv::test::make_tiny_gguf(dir.path());
  std::printf("| benchmark | result | detail |\n|---|---|---|\n");
  if (what == "idle" || what == "all") {
    idle(model);
  }
  if (what == "pipeline" || what == "all") {
    pipeline(turns, model);
  }
  if (what == "sessions" || what == "all") {
    sessions(model);
  }
  return 0;
}
