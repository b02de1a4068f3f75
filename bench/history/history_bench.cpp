// How long recording a turn (a synced commit) and reading the history take, on the disk under the temp dir.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>

#include "history/markdown_export.h"
#include "history/sqlite_history.h"

namespace {

// A fresh folder per benchmark run, removed afterwards.
class BenchDir {
 public:
  BenchDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("lv-history-bench-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(path_);
  }
  ~BenchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  BenchDir(const BenchDir&) = delete;
  BenchDir& operator=(const BenchDir&) = delete;
  std::filesystem::path database() const { return path_ / "history.sqlite3"; }

 private:
  std::filesystem::path path_;
};

lv::history::TurnRecord make_turn(const std::string& session_id, std::uint32_t number) {
  lv::history::TurnRecord turn;
  turn.session_id = session_id;
  turn.turn = number;
  turn.started_at_ms = 1'764'034'851'000 + number * 5000;
  turn.user_text = "What is the weather going to be like tomorrow morning in Lisbon?";
  turn.assistant_text =
      "Tomorrow morning in Lisbon it will be sunny and mild, around eighteen degrees, with a light breeze from "
      "the north. Take a light jacket if you are out early.";
  turn.status = "completed";
  turn.stt_ms = 180;
  turn.llm_first_token_ms = 350;
  turn.tts_first_audio_ms = 420;
  turn.end_to_end_ms = 950;
  turn.user_audio_ms = 2400;
  turn.reply_audio_ms = 7800;
  turn.prompt_tokens = 180;
  turn.completion_tokens = 42;
  turn.stt_engine = "pocketsphinx:en-us";
  turn.llm_engine = "llama:/models/qwen.gguf";
  turn.tts_engine = "flite:slt";
  return turn;
}

// The cost the voice session pays per turn: one transaction, fsynced (synchronous=FULL).
void record_turn(benchmark::State& state) {
  BenchDir dir;
  lv::history::SqliteHistory history(dir.database());
  std::uint32_t number = 0;
  for (auto _ : state) {
    history.record_turn(make_turn("bench", ++number));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(record_turn)->UseRealTime()->Unit(benchmark::kMillisecond);

// What the web UI's history view asks for: the newest 20 of 1,000 conversations of 10 turns.
void list_sessions(benchmark::State& state) {
  BenchDir dir;
  lv::history::SqliteHistory history(dir.database());
  for (int s = 0; s < 1000; ++s) {
    const std::string id = "session-" + std::to_string(s);
    history.record_session({id, 1'764'034'851'000 + s * 60'000, "pocketsphinx:en-us", "llama:/m.gguf", "flite:slt"});
  }
  // Turns of many sessions in one transaction each would take minutes with a sync per turn; ten sessions
  // with turns are enough for the list query, whose cost is the sort and the per-row subqueries.
  for (int s = 990; s < 1000; ++s) {
    for (std::uint32_t n = 1; n <= 10; ++n) {
      history.record_turn(make_turn("session-" + std::to_string(s), n));
    }
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(history.list_sessions(20, 0));
  }
}
BENCHMARK(list_sessions)->Unit(benchmark::kMicrosecond);

// Opening one conversation of 100 turns and exporting it as Markdown.
void get_session_and_export(benchmark::State& state) {
  BenchDir dir;
  lv::history::SqliteHistory history(dir.database());
  for (std::uint32_t n = 1; n <= 100; ++n) {
    history.record_turn(make_turn("long", n));
  }
  for (auto _ : state) {
    const auto stored = history.get_session("long");
    benchmark::DoNotOptimize(lv::history::export_markdown(*stored));
  }
}
BENCHMARK(get_session_and_export)->Unit(benchmark::kMicrosecond);

}  // namespace
