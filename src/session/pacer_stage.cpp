#include "session/pacer_stage.h"

#include <algorithm>
#include <cmath>

#include "util/clock.h"

namespace lv::session {

PacerStage::PacerStage(ReplyHost& host, const std::atomic<std::uint64_t>& cut_epoch)
    : host_(host), cut_epoch_(cut_epoch) {}

void PacerStage::begin(ReplyTurn&) {
  anchor_.reset();
  timer_pending_ = false;
  ended_ = false;
}

void PacerStage::push_text(ReplyTurn& reply, std::string_view sentence) {
  reply.track.begin_sentence(std::string(sentence));
}

void PacerStage::push_audio(ReplyTurn& reply, std::span<const float> samples, bool sentence_end) {
  if (!samples.empty()) {
    reply.track.add_audio(samples);
  }
  if (sentence_end) {
    reply.track.end_sentence();
  }
  pump(reply);
}

void PacerStage::end(ReplyTurn& reply) {
  ended_ = true;
  pump(reply);
  host_.reply_drained();
}

void PacerStage::restart(ReplyTurn& reply) {
  anchor_.reset();
  reply.track.rewind_to_sentence_of(reply.heard_at_pause);
}

void PacerStage::pump(ReplyTurn& reply) {
  ReplyTrack& track = reply.track;
  if (reply.paused() || !track.has_unsent()) {
    return;
  }
  const auto now = Clock::now();
  // Unanchored, or the client ran dry (synthesis slower than playback): playout restarts with this frame.
  if (!anchor_ || track.next_timestamp_ms() - anchor_->audio_ms < util::ms_between(anchor_->wall, now)) {
    anchor_ = Anchor{now, track.next_timestamp_ms()};
  }
  const double lead_ms = host_.settings().playback_lead_ms;
  const std::uint64_t epoch = cut_epoch_;
  while (track.has_unsent()) {
    if (cut_epoch_ != epoch) {
      return;  // interrupt() came in from another thread: not one more frame
    }
    const double due_ms = track.next_timestamp_ms() - anchor_->audio_ms - lead_ms;
    const double since_anchor_ms = util::ms_since(anchor_->wall);
    if (due_ms > since_anchor_ms) {
      wake_after(reply, due_ms - since_anchor_ms);
      return;
    }
    const ReplyTrack::Outgoing frame = track.take_next();
    if (frame.starts_sentence) {
      host_.send(ReplySentence{reply.turn, frame.sentence_index, *frame.sentence_text, frame.seq});
      host_.show_state(AgentState::speaking, reply.turn);
    }
    if (frame.seq == 0) {
      reply.metrics.end_to_end_ms = util::ms_since(reply.speech_end_wall.value_or(reply.created_at));
      reply.machine.fire(ReplyEvent::frame_sent);
    }
    host_.send(ReplyAudio{reply.turn, frame.seq, frame.timestamp_ms, track.sample_rate_hz(), *frame.samples});
  }
}

void PacerStage::wake_after(ReplyTurn& reply, double wait_ms) {
  if (timer_pending_) {
    return;
  }
  timer_pending_ = true;
  const TurnId turn = reply.turn;
  host_.on_strand_after(std::chrono::milliseconds(static_cast<int>(std::ceil(wait_ms))), [this, turn] {
    if (ReplyTurn* later = host_.reply_of(turn)) {
      timer_pending_ = false;
      pump(*later);
      host_.reply_drained();
    }
  });
}

std::optional<std::uint32_t> PacerStage::estimated_heard_seq(const ReplyTurn& reply) const {
  const std::uint32_t sent = reply.track.frames_sent();
  if (!anchor_ || sent == 0) {
    return std::nullopt;
  }
  const double played_ms = anchor_->audio_ms + util::ms_since(anchor_->wall);
  const auto frames_played = static_cast<std::uint32_t>(std::floor(played_ms / reply.track.frame_ms()));
  if (frames_played == 0) {
    return std::nullopt;
  }
  return std::min(frames_played, sent) - 1;
}

}  // namespace lv::session
