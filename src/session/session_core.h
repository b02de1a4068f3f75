// The voice session's implementation: turn-taking, transcription, the reply pipeline (LLM -> sentences -> TTS
// -> paced frames), barge-in and degradation, all run on one serial strand per session.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "audio/resampler.h"
#include "session/reply_track.h"
#include "session/strand.h"
#include "session/turn_detector.h"
#include "session/voice_session.h"
#include "session/work_tracker.h"
#include "tts/markdown_filter.h"
#include "tts/sentence_splitter.h"

namespace lv::session {

// A stop source that also stops when its parent (the session's) does.
class StopLink {
 public:
  explicit StopLink(const std::stop_token& parent) : callback_(parent, Stopper{&source_}) {}
  std::stop_token token() const { return source_.get_token(); }
  void request_stop() { source_.request_stop(); }

 private:
  struct Stopper {
    std::stop_source* source;
    void operator()() const { source->request_stop(); }
  };
  std::stop_source source_;
  std::stop_callback<Stopper> callback_;  // after source_: may run at once
};
using StopLinkPtr = std::shared_ptr<StopLink>;

class SessionCore final : public VoiceSession, public std::enable_shared_from_this<SessionCore> {
 public:
  using Clock = std::chrono::steady_clock;

  SessionCore(SessionRuntime& runtime, SessionEngines engines, SessionOptions options, EventSink sink,
              history::HistoryRecorderPtr history, std::string session_id);
  ~SessionCore() override;

  void start() override;
  bool push_audio(std::span<const std::int16_t> samples) override;
  void push_text(std::string text) override;
  void commit_input() override;
  void interrupt() override;
  void report_playout(TurnId turn, std::uint32_t seq) override;
  void update(const SessionUpdate& update) override;
  void close() override;
  const std::string& id() const override { return id_; }
  SessionOptions options() const override;

 private:
  struct UserTurn;
  struct Reply;
  enum class SttKind { partial, early, final };

  // --- plumbing (any thread) ---
  void emit(SessionEvent event);
  using Work = std::function<void(SessionCore&)>;
  // Session logic on the strand; the same after a delay; engine work on a pool. All skip a closed session.
  void post(Work task);
  void post_after(std::chrono::milliseconds delay, Work task);
  void submit(TaskPool& pool, Work task, bool first = false);

  // --- input and turn-taking (strand) ---
  void drain_input();
  void handle_signals(std::vector<TurnSignal> signals);
  void begin_user_turn(double audio_ms);
  void barge_in(double audio_ms);
  void end_user_turn(TurnSignal& signal);
  // `force`: words decide a barge-in, so ask even when partials are otherwise skipped.
  void maybe_start_partial(bool force = false);
  void start_stt(SttKind kind, std::vector<float> audio);
  void on_stt_result(TurnId turn, std::uint64_t generation, SttKind kind, std::string text, const std::string& error,
                     double audio_ms, double took_ms);
  void on_stt_deadline(TurnId turn, std::uint64_t generation, bool max_wait);
  void take_transcript(std::string text);
  void fail_stt(const std::string& message);
  void on_words_heard();
  void resume_after_false_interruption(TurnId user_turn);
  void set_state(AgentState state, TurnId turn);
  void adopt_pending_speech();
  void check_stalled_input();

  // --- reply pipeline (strand; session_reply.cpp) ---
  Reply& open_reply(TurnId turn, std::string user_text);
  void start_reply(TurnId turn, const std::string& user_text, bool voice);
  void start_canned_reply(TurnId turn, const std::string& text, ReplyStatus status);
  void retrieve_context(Reply& reply);
  void on_context(TurnId turn, std::vector<Passage> passages, std::string error, double took_ms);
  void generate(Reply& reply);
  void answer_without_llm(Reply& reply);
  void on_llm_delta(TurnId turn, const std::string& text);
  void on_llm_done(TurnId turn, const llm::ChatResult& result, std::string error);
  void on_llm_deadline(TurnId turn, bool first_token);
  void reply_text(Reply& reply, const std::string& text);
  void speak_text(Reply& reply, const std::string& text, bool end_of_text);
  void pump_tts(Reply& reply);
  void on_tts_audio(TurnId turn, std::uint64_t sentence, std::vector<float> samples, double first_audio_ms);
  void on_tts_sentence_done(TurnId turn, std::uint64_t sentence, std::string error);
  void on_tts_deadline(TurnId turn, std::uint64_t sentence);
  void pump_output();
  void cut_output(Reply& reply);
  std::optional<std::uint32_t> heard_seq(const Reply& reply) const;
  void maybe_finish_reply();
  void finish_reply(ReplyStatus status);
  Reply* current_reply(TurnId turn);

  SessionRuntime& runtime_;
  SessionEngines engines_;
  EventSink sink_;
  history::HistoryRecorderPtr history_;
  std::string id_;
  std::uintptr_t owner_;
  WorkTrackerPtr tracker_;
  StrandPtr strand_;
  std::stop_source session_stop_;

  mutable std::mutex options_mutex_;
  SessionOptions options_;  // the published copy (options(), update())

  std::mutex emit_mutex_;
  bool emit_closed_ = false;
  std::atomic<std::thread::id> emitting_thread_{};

  std::mutex input_mutex_;
  struct InputChunk {
    std::vector<std::int16_t> samples;
    Clock::time_point arrival;
  };
  std::deque<InputChunk> input_;
  std::size_t input_samples_ = 0;
  bool input_scheduled_ = false;
  bool overflowing_ = false;

  mutable std::mutex playout_mutex_;  // the client's latest report_playout()
  TurnId playout_turn_ = 0;
  std::uint32_t playout_seq_ = 0;

  std::atomic<int> active_input_rate_hz_{16000};  // read by push_audio() on the caller's thread
  std::atomic<int> max_buffered_input_ms_{2000};
  std::atomic<bool> closed_{false};
  std::atomic<bool> started_{false};
  std::atomic<std::uint64_t> cut_epoch_{0};  // bumped by interrupt(): a running output loop stops at once
  std::int64_t started_at_ms_ = 0;

  // Everything below is touched only on the strand.
  SessionOptions active_;  // the options the strand works with
  std::unique_ptr<audio::Resampler> input_resampler_;
  int input_resampler_rate_hz_ = 0;
  std::unique_ptr<TurnDetector> detector_;
  AgentState state_ = AgentState::idle;
  TurnId state_turn_ = 0;
  TurnId last_turn_ = 0;
  std::unique_ptr<UserTurn> user_;
  std::unique_ptr<Reply> reply_;
  std::uint64_t stt_generation_ = 0;
  // Speech that began while the last turn waited for its transcript: it becomes the next turn (or interrupts
  // the reply) once that transcript is taken.
  std::optional<double> pending_speech_ms_;
  bool pending_speech_long_ = false;
  bool stt_fast_ = true;  // partial transcripts only while decoding is well ahead of real time
  std::vector<llm::ChatMessage> conversation_;
  struct LlmSlot;
  std::shared_ptr<LlmSlot> llm_slot_;
};

}  // namespace lv::session
