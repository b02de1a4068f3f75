// The reply's audio paced out as frames: sent at most playback_lead_ms ahead of real-time playout, each
// sentence announced before its first frame, and stopped before the next frame when the output is cut.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>

#include "session/reply_stage.h"

namespace lv::session {

class PacerStage final : public ReplyStage {
 public:
  // `cut_epoch` is bumped (from any thread) when the output must stop at once.
  PacerStage(ReplyHost& host, const std::atomic<std::uint64_t>& cut_epoch);

  std::string_view name() const override { return "pacer"; }
  void begin(ReplyTurn& reply) override;
  void push_text(ReplyTurn& reply, std::string_view sentence) override;
  void push_audio(ReplyTurn& reply, std::span<const float> samples, bool sentence_end) override;
  void end(ReplyTurn& reply) override;
  void cancel(TurnId) override {}

  // Sends what is due now and sets a timer for the rest (nothing while the reply is paused).
  void pump(ReplyTurn& reply);
  // After a false interruption: playout starts again from the start of the sentence that was cut.
  void restart(ReplyTurn& reply);
  // All input taken and every frame sent.
  bool drained(const ReplyTurn& reply) const { return ended_ && !reply.track.has_unsent(); }
  // The last frame the listener has probably heard by now, from the pacing clock (nullopt: none yet).
  std::optional<std::uint32_t> estimated_heard_seq(const ReplyTurn& reply) const;

 private:
  using Clock = std::chrono::steady_clock;
  // Where playout of the reply's audio is pinned to the wall clock.
  struct Anchor {
    Clock::time_point wall;
    double audio_ms = 0;
  };

  void wake_after(ReplyTurn& reply, double wait_ms);

  ReplyHost& host_;
  const std::atomic<std::uint64_t>& cut_epoch_;
  std::optional<Anchor> anchor_;  // unset until the first frame (and again after a pause)
  bool timer_pending_ = false;    // one wake-up at a time
  bool ended_ = false;            // no more input for this reply
};

}  // namespace lv::session
