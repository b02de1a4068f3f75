// N voice sessions at once against one `localvoice serve` (pocketsphinx, the tiny GGUF via llama:, flite),
// each a client streaming spoken questions in real time over /v1/realtime, while GET /health is polled.
// Per N: turns completed, end-to-end p50/p95 (the server's turn.metrics), input the server dropped, /health
// latency and the server's CPU. Markdown rows on stdout, progress on stderr.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "health_probe.h"
#include "llm/tiny_model.h"
#include "realtime_talk.h"
#include "serve_process.h"
#include "spoken_questions.h"
#include "support/test_paths.h"

namespace {

using namespace lv;

constexpr const char* kUsage =
    "usage: realtime_load_bench [--sessions 1,2,4,8,12] [--turns N] [--baseline-rounds R] [--gap SECONDS]\n"
    "                           [--aligned] [--probe-ms MS] [--vad URL] [--program PATH]\n"
    "  Streams spoken questions from N concurrent /v1/realtime clients into one localvoice serve and prints\n"
    "  a Markdown row per N, then the largest N that meets the target (p95 end-to-end within 1.25x of one\n"
    "  session's, no dropped input audio, /health p99 under 50 ms).\n"
    "  --sessions LIST  session counts, run in this order; the first is the baseline (default 1,2,4,8,12)\n"
    "  --turns N        questions per session (default 6)\n"
    "  --baseline-rounds R  the first row runs R times over, so its p95 is not one turn's (default 4)\n"
    "  --gap SECONDS    silence after each question, for the reply (default 4.5)\n"
    "  --aligned        start every client at once (default: starts spread over one question's period)\n"
    "  --probe-ms MS    /health polling period (default 50)\n"
    "  --vad URL        the server's voice activity detector (default energy:)\n"
    "  --program PATH   the localvoice program (default: build/localvoice)\n";

struct Args {
  std::vector<std::size_t> sessions = {1, 2, 4, 8, 12};
  std::size_t turns = 6;
  int baseline_rounds = 4;
  double gap_s = 4.5;
  bool aligned = false;
  int probe_ms = 50;
  std::string vad = "energy:";
  std::filesystem::path program = test::program_path();
};

std::vector<std::size_t> parse_list(const std::string& text) {
  std::vector<std::size_t> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    out.push_back(std::stoul(item));
  }
  return out;
}

Args parse(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    const bool has_value = i + 1 < argc;
    if (flag == "--help" || flag == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    } else if (flag == "--sessions" && has_value) {
      args.sessions = parse_list(argv[++i]);
    } else if (flag == "--turns" && has_value) {
      args.turns = std::stoul(argv[++i]);
    } else if (flag == "--baseline-rounds" && has_value) {
      args.baseline_rounds = std::stoi(argv[++i]);
    } else if (flag == "--gap" && has_value) {
      args.gap_s = std::stod(argv[++i]);
    } else if (flag == "--aligned") {
      args.aligned = true;
    } else if (flag == "--probe-ms" && has_value) {
      args.probe_ms = std::stoi(argv[++i]);
    } else if (flag == "--vad" && has_value) {
      args.vad = argv[++i];
    } else if (flag == "--program" && has_value) {
      args.program = argv[++i];
    } else {
      std::fputs(kUsage, stderr);
      std::exit(2);
    }
  }
  if (args.sessions.empty() || args.turns == 0) {
    std::fputs(kUsage, stderr);
    std::exit(2);
  }
  return args;
}

struct LoadResult {
  std::size_t sessions = 0;
  std::size_t asked = 0;
  std::vector<bench::TurnSample> turns;
  std::size_t dropped = 0;  // input_overflow reports
  std::size_t closed = 0;   // connections the server closed
  std::vector<double> health_ms;
  double cpu_cores = 0;  // server CPU time / wall time

  void add(LoadResult more) {
    asked += more.asked;
    turns.insert(turns.end(), more.turns.begin(), more.turns.end());
    dropped += more.dropped;
    closed += more.closed;
    health_ms.insert(health_ms.end(), more.health_ms.begin(), more.health_ms.end());
    cpu_cores = std::max(cpu_cores, more.cpu_cores);
  }
};

LoadResult run_load(const Args& args, bench::ServeProcess& server, std::size_t sessions) {
  std::vector<audio::AudioBuffer> recordings;
  for (std::size_t i = 0; i < sessions; ++i) {
    recordings.push_back(bench::question_recording(i, args.turns, args.gap_s));
  }
  // Spread starts over one question's period so turns end at different moments, as independent users' do.
  const double period_s = recordings.front().duration_s() / static_cast<double>(args.turns);
  std::vector<bench::TalkResult> results(sessions);
  const double cpu_before = server.cpu_seconds();
  const auto begin = std::chrono::steady_clock::now();
  bench::HealthProbe probe(server.port(), std::chrono::milliseconds(args.probe_ms));
  std::vector<std::thread> clients;
  for (std::size_t i = 0; i < sessions; ++i) {
    const auto start_after = std::chrono::duration<double>(
        args.aligned ? 0.0 : period_s * static_cast<double>(i) / static_cast<double>(sessions));
    clients.emplace_back([&, i, start_after] {
      std::this_thread::sleep_for(start_after);
      results[i] = bench::talk(server.port(), recordings[i], args.turns, std::chrono::seconds(60));
    });
  }
  for (auto& client : clients) {
    client.join();
  }
  LoadResult load;
  load.health_ms = probe.stop();
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  load.cpu_cores = (server.cpu_seconds() - cpu_before) / wall_s;
  load.sessions = sessions;
  load.asked = sessions * args.turns;
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& result = results[i];
    if (result.turns.size() != args.turns) {
      std::cerr << "  session " << i << ": " << result.turns.size() << " of " << args.turns << " turns; heard:";
      for (const auto& text : result.transcripts) {
        std::cerr << " \"" << text << "\"";
      }
      std::cerr << "\n";
    }
    load.turns.insert(load.turns.end(), result.turns.begin(), result.turns.end());
    load.dropped += result.overflow_errors;
    load.closed += result.closed_early ? 1 : 0;
    for (const auto& error : result.errors) {
      std::cerr << "  server error: " << error << "\n";
    }
  }
  return load;
}

double e2e_p(const LoadResult& load, double p) {
  return bench::percentile(bench::metric_of(load.turns, [](const bench::TurnSample& t) { return t.end_to_end_ms; }), p);
}

bool holds(const LoadResult& load, double baseline_p95_ms) {
  return load.turns.size() == load.asked && load.dropped == 0 && load.closed == 0 &&
         e2e_p(load, 0.95) <= 1.25 * baseline_p95_ms && bench::percentile(load.health_ms, 0.99) < 50.0;
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = parse(argc, argv);
  try {
    test::TempDir dir;
    const auto model = test::make_tiny_gguf(dir.path());
    std::cerr << "starting localvoice serve\n";
    bench::ServeProcess server(
        args.program, dir / "server",
        {"--vad", args.vad, "--stt", "pocketsphinx:en-us", "--tts", "flite:slt", "--llm", "llama:" + model.string()},
        12);
    std::cerr << "warming up\n";
    (void)bench::talk(server.port(), bench::question_recording(0, 1, args.gap_s), 1);
    std::printf(
        "| sessions | turns (without reply audio) | end-to-end p50 | end-to-end p95 | p95 / first row's | STT wait "
        "after the silence p50 "
        "| dropped input | /health p50 | /health p99 | /health max | server CPU | target |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    double baseline_p95_ms = -1;
    std::size_t largest_holding = 0;
    bool all_held = true;
    for (const std::size_t sessions : args.sessions) {
      std::cerr << sessions << " session(s) " << (args.aligned ? "aligned" : "spread") << "\n";
      auto load = run_load(args, server, sessions);
      if (baseline_p95_ms < 0) {
        for (int round = 1; round < args.baseline_rounds; ++round) {
          load.add(run_load(args, server, sessions));
        }
        baseline_p95_ms = e2e_p(load, 0.95);
      }
      const bool ok = holds(load, baseline_p95_ms);
      all_held = all_held && ok;
      if (all_held) {
        largest_holding = sessions;
      }
      const auto wait = bench::metric_of(load.turns, [](const bench::TurnSample& t) { return t.stt_wait_ms(); });
      const auto silent = std::count_if(load.turns.begin(), load.turns.end(),
                                        [](const bench::TurnSample& t) { return t.end_to_end_ms < 0; });
      std::printf(
          "| %zu | %zu/%zu (%td) | %.0f ms | %.0f ms | %.2f× | %.0f ms | %s | %.1f ms | %.1f ms | %.1f ms | %.2f cores "
          "| %s "
          "|\n",
          sessions, load.turns.size(), load.asked, silent, e2e_p(load, 0.5), e2e_p(load, 0.95),
          e2e_p(load, 0.95) / baseline_p95_ms, bench::percentile(wait, 0.5),
          load.dropped == 0 && load.closed == 0
              ? "none"
              : (std::to_string(load.dropped) + " overflow, " + std::to_string(load.closed) + " closed").c_str(),
          bench::percentile(load.health_ms, 0.5), bench::percentile(load.health_ms, 0.99),
          bench::percentile(load.health_ms, 1.0), load.cpu_cores, ok ? "holds" : "misses");
      std::fflush(stdout);
      const auto p95_of = [&](double (*metric)(const bench::TurnSample&)) {
        return bench::percentile(bench::metric_of(load.turns, metric), 0.95);
      };
      std::cerr << "  p95 of the stages: STT wait "
                << p95_of([](const bench::TurnSample& t) { return t.stt_wait_ms(); }) << " ms, LLM first token "
                << p95_of([](const bench::TurnSample& t) { return t.llm_first_token_ms; }) << " ms, first sentence "
                << p95_of([](const bench::TurnSample& t) { return t.first_sentence_ms; }) << " ms, TTS first audio "
                << p95_of([](const bench::TurnSample& t) { return t.tts_first_audio_ms; }) << " ms\n";
    }
    std::printf("\nLargest N that holds the target (%s starts): %zu\n", args.aligned ? "aligned" : "spread",
                largest_holding);
  } catch (const std::exception& e) {
    std::cerr << "realtime_load_bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
