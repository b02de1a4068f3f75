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
#include "session/reply_stage.h"
#include "session/stop_link.h"
#include "session/strand.h"
#include "session/turn_detector.h"
#include "session/turn_transcriber.h"
#include "session/user_turn.h"
#include "session/voice_session.h"
#include "session/work_tracker.h"
#include "stt/channel_estimate.h"

namespace lv::session {

class GenerateStage;
class PacerStage;
class SynthesizeStage;

class SessionCore final : public VoiceSession, private ReplyHost, public std::enable_shared_from_this<SessionCore> {
 public:
  using Clock = std::chrono::steady_clock;

  SessionCore(SessionRuntime& runtime, SessionEngines engines, SessionOptions options, EventSink sink,
              history::HistoryRecorderPtr history, std::string session_id, TransitionListener on_transition = {});
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
  using Reply = ReplyTurn;
  enum class SttKind { partial, early, final };

  // --- plumbing (any thread) ---
  void emit(SessionEvent event);
  using Work = std::function<void(SessionCore&)>;
  // Session logic on the strand; the same after a delay; engine work on a pool. All skip a closed session.
  void post(Work task);
  void post_after(std::chrono::milliseconds delay, Work task);
  void submit(TaskPool& pool, Work task, bool first = false);

  // --- input and turn-taking (strand; session_input.cpp, session_transcripts.cpp) ---
  void drain_input();
  void handle_signals(std::vector<TurnSignal> signals);
  void on_speech_began(double audio_ms);
  void on_speech_long(double audio_ms);
  void on_speech_paused(const TurnSignal& signal);
  void on_speech_resumed();
  void begin_user_turn(double audio_ms, UserTurnEvent how);
  void barge_in(double audio_ms);
  void end_user_turn(TurnSignal& signal);
  // Hands the next stretch of the turn's audio to its transcriber.
  void feed_user_turn(std::vector<float> samples);
  // Forgets the user turn (`why`: the event that ends it) and stops its transcription.
  void drop_user_turn(UserTurnEvent why);
  // `force`: words decide a barge-in, so ask even when partials are otherwise skipped.
  void maybe_start_partial(bool force = false);
  void start_early_transcript();
  void on_stt_result(TurnId turn, std::uint64_t generation, SttKind kind, TurnTranscriber::Result result);
  void on_stt_deadline(TurnId turn, std::uint64_t generation, bool max_wait);
  TurnTranscriber::Done deliver_stt(SttKind kind);
  void take_transcript(std::string text);
  void fail_stt(const std::string& message);
  void on_words_heard(UserTurnEvent why);
  void resume_after_false_interruption(TurnId user_turn);
  void set_state(AgentState state, TurnId turn);
  void adopt_pending_speech();
  void check_stalled_input();
  // The reply while a barge-in is decided: paused (output cut, text held) and resumed from the cut sentence.
  void pause_reply();
  void resume_reply();

  // --- reply pipeline (strand; session_reply.cpp, stages in *_stage.cpp) ---
  void assemble_reply_pipeline();
  template <typename Stage>
  Stage* add_reply_stage(std::unique_ptr<Stage> stage);
  Reply& open_reply(TurnId turn, std::string user_text);
  void start_reply(TurnId turn, const std::string& user_text, bool voice);
  void start_canned_reply(TurnId turn, const std::string& text, ReplyStatus status);
  bool reply_paused() const;
  void cut_output(Reply& reply);
  std::optional<std::uint32_t> heard_seq(const Reply& reply) const;
  void maybe_finish_reply();
  void finish_reply(ReplyStatus status);
  Reply* current_reply(TurnId turn);
  // ReplyHost: what the stages ask of the session.
  void send(SessionEvent event) override;
  void on_strand(Task task) override;
  void on_strand_after(std::chrono::milliseconds delay, Task task) override;
  void on_pool(TaskPool& pool, Task task) override;
  ReplyTurn* reply_of(TurnId turn) override;
  void show_state(AgentState state, TurnId turn) override;
  void reply_drained() override;
  const SessionOptions& settings() const override;
  const std::string& session_id() const override;
  std::stop_token session_stop() const override;

  SessionRuntime& runtime_;
  SessionEngines engines_;
  // What the user's earlier turns taught the recognizer about their microphone and voice.
  std::shared_ptr<stt::ChannelEstimate> speaker_channel_ = std::make_shared<stt::ChannelEstimate>();
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
    std::vector<float> samples;  // converted from PCM16 as it arrives, at the input rate
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
  TransitionListener on_transition_;
  std::unique_ptr<UserTurn> user_;
  std::unique_ptr<Reply> reply_;
  std::uint64_t stt_generation_ = 0;
  // Speech that began while the last turn waited for its transcript: it becomes the next turn (or interrupts
  // the reply) once that transcript is taken.
  struct PendingSpeech {
    double start_ms = 0;
    bool long_enough = false;  // it lasted min_interruption_ms (speech_long)
  };
  std::optional<PendingSpeech> pending_speech_;
  bool stt_fast_ = true;  // partial transcripts only while decoding is well ahead of real time
  // The reply pipeline, in order (assembled once per session), and the stages the session itself calls on.
  std::vector<std::unique_ptr<ReplyStage>> reply_stages_;
  GenerateStage* generate_ = nullptr;
  SynthesizeStage* synthesize_ = nullptr;  // null without a TTS engine
  PacerStage* pacer_ = nullptr;
  ReplyObserver reply_observer_;  // on_transition_ for the reply machine
};

}  // namespace lv::session
