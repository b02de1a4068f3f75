// Embedded engines against the same engines behind HTTP, side by side in one run. Two `localvoice serve`
// programs: the first runs pocketsphinx, the tiny GGUF (llama:) and flite in-process; the second reaches
// them in the first over its OpenAI-compatible endpoints (openai: URLs for STT, LLM and TTS), the
// microservice design. The same spoken questions go to each over /v1/realtime in real time, alternating
// rounds; each turn's end-to-end latency (end of user speech -> first reply audio frame) comes from the
// server's turn.metrics. Markdown rows on stdout, progress on stderr.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "llm/tiny_model.h"
#include "realtime_talk.h"
#include "serve_process.h"
#include "spoken_questions.h"
#include "support/test_paths.h"

namespace {

using namespace lv;

constexpr const char* kUsage =
    "usage: session_http_bench [--rounds N] [--gap SECONDS] [--vad URL] [--program PATH]\n"
    "  Runs the six spoken questions through a voice session with embedded engines and through one whose\n"
    "  engines sit behind HTTP in a second localvoice, alternating, and prints Markdown rows.\n"
    "  --rounds N      conversations of six questions per path (default 3)\n"
    "  --gap SECONDS   silence after each question, for the reply (default 4.5)\n"
    "  --vad URL       voice activity detector of both sessions (default energy:)\n"
    "  --program PATH  the localvoice program (default: build/localvoice)\n";

struct Args {
  int rounds = 3;
  double gap_s = 4.5;
  std::string vad = "energy:";
  std::filesystem::path program = test::program_path();
};

Args parse(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    const bool has_value = i + 1 < argc;
    if (flag == "--help" || flag == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    } else if (flag == "--rounds" && has_value) {
      args.rounds = std::stoi(argv[++i]);
    } else if (flag == "--gap" && has_value) {
      args.gap_s = std::stod(argv[++i]);
    } else if (flag == "--vad" && has_value) {
      args.vad = argv[++i];
    } else if (flag == "--program" && has_value) {
      args.program = argv[++i];
    } else {
      std::fputs(kUsage, stderr);
      std::exit(2);
    }
  }
  return args;
}

struct PathRun {
  std::string label;
  std::vector<bench::TurnSample> turns;
  std::size_t asked = 0;
  std::size_t dropped = 0;
  double cpu_s = 0;  // CPU of every server process involved
};

void row(const PathRun& run) {
  const auto e2e = bench::metric_of(run.turns, [](const bench::TurnSample& t) { return t.end_to_end_ms; });
  const auto after = bench::metric_of(run.turns, [](const bench::TurnSample& t) { return t.after_silence_ms(); });
  const auto wait = bench::metric_of(run.turns, [](const bench::TurnSample& t) { return t.stt_wait_ms(); });
  const auto stt = bench::metric_of(run.turns, [](const bench::TurnSample& t) { return t.stt_ms; });
  const auto sentence = bench::metric_of(run.turns, [](const bench::TurnSample& t) { return t.first_sentence_ms; });
  const auto audio = bench::metric_of(run.turns, [](const bench::TurnSample& t) { return t.tts_first_audio_ms; });
  const auto silent =
      std::count_if(run.turns.begin(), run.turns.end(), [](const bench::TurnSample& t) { return t.end_to_end_ms < 0; });
  std::printf(
      "| %s | %zu/%zu (%td) | %.0f ms | %.0f ms | %.0f ms | %.0f ms | %.0f ms | %.0f ms | %.0f ms | %.2f s | %zu |\n",
      run.label.c_str(), run.turns.size(), run.asked, silent, bench::percentile(e2e, 0.5), bench::percentile(e2e, 0.95),
      bench::percentile(after, 0.5), bench::percentile(wait, 0.5), bench::percentile(stt, 0.5),
      bench::percentile(sentence, 0.5), bench::percentile(audio, 0.5),
      run.turns.empty() ? 0.0 : run.cpu_s / static_cast<double>(run.turns.size()), run.dropped);
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = parse(argc, argv);
  try {
    test::TempDir dir;
    const auto model = test::make_tiny_gguf(dir.path());
    std::cerr << "starting the engine server (embedded engines)\n";
    bench::ServeProcess engines(
        args.program, dir / "engines",
        {"--vad", args.vad, "--stt", "pocketsphinx:en-us", "--tts", "flite:slt", "--llm", "llama:" + model.string()},
        12);
    const std::string url = engines.base_url();
    std::cerr << "starting the front server (openai: engines at " << url << ")\n";
    bench::ServeProcess front(args.program, dir / "front",
                              {"--vad", args.vad, "--stt", "openai:" + url + "?model=whisper-1", "--tts",
                               "openai:" + url + "?voice=slt", "--llm", "openai:" + url + "?model=tiny.gguf"},
                              12);
    const std::size_t questions = bench::spoken_questions().size();
    const auto recording = bench::question_recording(0, questions, args.gap_s);
    const auto warm_up = bench::question_recording(0, 1, args.gap_s);

    PathRun embedded{"embedded (one process)", {}, 0, 0, 0};
    PathRun http{"HTTP (openai: URLs to a second localvoice)", {}, 0, 0, 0};
    std::cerr << "warming up both paths\n";
    (void)bench::talk(engines.port(), warm_up, 1);
    (void)bench::talk(front.port(), warm_up, 1);
    for (int round = 0; round < args.rounds; ++round) {
      // Alternate which path goes first so drift in the machine's load hits both alike.
      for (int leg = 0; leg < 2; ++leg) {
        const bool embedded_leg = (round + leg) % 2 == 0;
        PathRun& run = embedded_leg ? embedded : http;
        std::cerr << "round " << round + 1 << "/" << args.rounds << ": " << run.label << "\n";
        const double cpu_before = engines.cpu_seconds() + front.cpu_seconds();
        const auto result = bench::talk(embedded_leg ? engines.port() : front.port(), recording, questions);
        run.cpu_s += engines.cpu_seconds() + front.cpu_seconds() - cpu_before;
        run.turns.insert(run.turns.end(), result.turns.begin(), result.turns.end());
        run.asked += questions;
        run.dropped += result.overflow_errors;
        for (const auto& error : result.errors) {
          std::cerr << "  server error: " << error << "\n";
        }
      }
    }
    std::printf(
        "| path | turns (without reply audio) | end-to-end p50 | end-to-end p95 | end-to-end less the silence p50 "
        "| STT wait after the silence p50 | STT p50 | first sentence p50 | TTS first audio p50 "
        "| server CPU per turn | dropped input |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|\n");
    row(embedded);
    row(http);
    const auto p50 = [](const PathRun& run) {
      return bench::percentile(bench::metric_of(run.turns, [](const bench::TurnSample& t) { return t.end_to_end_ms; }),
                               0.5);
    };
    const auto after_p50 = [](const PathRun& run) {
      return bench::percentile(
          bench::metric_of(run.turns, [](const bench::TurnSample& t) { return t.after_silence_ms(); }), 0.5);
    };
    const auto p95 = [](const PathRun& run) {
      return bench::percentile(bench::metric_of(run.turns, [](const bench::TurnSample& t) { return t.end_to_end_ms; }),
                               0.95);
    };
    std::printf("| ratio embedded / HTTP | | %.2f× | %.2f× | %.2f× | | | | | | |\n", p50(embedded) / p50(http),
                p95(embedded) / p95(http), after_p50(embedded) / after_p50(http));
  } catch (const std::exception& e) {
    std::cerr << "session_http_bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
