// The reply half of SessionCore: context, language model, sentences to speech, paced output, the end of a turn.
#include <algorithm>
#include <cmath>
#include <exception>
#include <utility>

#include "session/prompt_builder.h"
#include "session/session_core.h"
#include "session/session_turn_state.h"
#include "session/task_pool.h"
#include "session/timer_queue.h"
#include "session/turn_report.h"
#include "tts/text_normalizer.h"
#include "util/error.h"
#include "util/log.h"

namespace lv::session {

namespace {

constexpr const char* kLlmApology = "Sorry, something went wrong while I was answering. Please try again.";
// The spoken conversation kept for the prompt is bounded; the history store keeps everything.
constexpr std::size_t kMaxConversationMessages = 400;

double ms_since(std::chrono::steady_clock::time_point from) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - from).count();
}

std::int64_t epoch_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

SessionCore::Reply* SessionCore::current_reply(TurnId turn) {
  return reply_ && reply_->turn == turn ? reply_.get() : nullptr;
}

SessionCore::Reply& SessionCore::open_reply(TurnId turn, std::string user_text) {
  if (reply_) {
    cut_output(*reply_);
    finish_reply(ReplyStatus::interrupted);
  }
  reply_ = std::make_unique<Reply>();
  Reply& reply = *reply_;
  reply.turn = turn;
  reply.user_text = std::move(user_text);
  reply.started_at_ms = epoch_ms();
  reply.created_at = Clock::now();
  reply.llm_stop = std::make_shared<StopLink>(session_stop_.get_token());
  reply.tts_stop = std::make_shared<StopLink>(session_stop_.get_token());
  reply.context_stop = std::make_shared<StopLink>(session_stop_.get_token());
  reply.track = std::make_unique<ReplyTrack>(active_.output_sample_rate_hz, active_.output_frame_ms);
  reply.tts_enabled = engines_.tts != nullptr;
  if (reply.tts_enabled) {
    const int engine_rate_hz = engines_.tts->sample_rate_hz(active_.voice);
    if (engine_rate_hz != active_.output_sample_rate_hz) {
      reply.resampler = std::make_shared<audio::Resampler>(engine_rate_hz, active_.output_sample_rate_hz);
    }
  }
  reply.metrics.turn = turn;
  reply.metrics.stt_engine = engines_.stt_name;
  reply.metrics.llm_engine = engines_.llm ? engines_.llm_name : std::string();
  reply.metrics.tts_engine = engines_.tts ? engines_.tts_name : std::string();
  return reply;
}

void SessionCore::start_reply(TurnId turn, const std::string& user_text, bool voice) {
  // Metrics of the user's turn move to the reply before the turn is forgotten.
  TurnMetrics from_user;
  std::optional<Clock::time_point> speech_end;
  if (voice && user_ && user_->id == turn) {
    from_user.user_audio_ms = user_->user_audio_ms;
    from_user.end_of_turn_silence_ms = user_->silence_ms;
    if (user_->has_speech_end) {
      speech_end = user_->speech_end_wall;
      from_user.stt_ms = std::max(0.0, ms_since(user_->speech_end_wall));
    }
    user_.reset();
  }
  Reply& reply = open_reply(turn, user_text);
  reply.metrics.user_audio_ms = from_user.user_audio_ms;
  reply.metrics.end_of_turn_silence_ms = from_user.end_of_turn_silence_ms;
  reply.metrics.stt_ms = from_user.stt_ms;
  reply.speech_end_wall = speech_end;
  if (voice) {
    emit(TranscriptFinal{turn, user_text});
  }
  set_state(AgentState::thinking, turn);
  emit(ReplyStarted{turn});
  if (engines_.context) {
    retrieve_context(reply);
  } else {
    reply.context_done = true;
    generate(reply);
  }
  adopt_pending_speech();
}

void SessionCore::start_canned_reply(TurnId turn, const std::string& text, ReplyStatus status) {
  Reply& reply = open_reply(turn, {});
  reply.failure_status = status;
  reply.context_done = true;
  reply.llm_done = true;
  set_state(AgentState::thinking, turn);
  emit(ReplyStarted{turn});
  reply_text(reply, text);
  speak_text(reply, {}, true);
  maybe_finish_reply();
  adopt_pending_speech();
}

void SessionCore::retrieve_context(Reply& reply) {
  const TurnId turn = reply.turn;
  submit(runtime_.context_pool(), [turn, query = reply.user_text, stop = reply.context_stop](SessionCore& self) {
    const auto started = Clock::now();
    std::vector<Passage> passages;
    std::string error;
    try {
      passages = self.engines_.context->retrieve(query, stop->token());
    } catch (const Error& e) {
      error = e.full_message();
    } catch (const std::exception& e) {
      error = e.what();
    }
    const double took_ms = ms_since(started);
    self.post([turn, took_ms, passages = std::move(passages), error = std::move(error)](SessionCore& session) mutable {
      session.on_context(turn, std::move(passages), std::move(error), took_ms);
    });
  });
  const int timeout_ms = active_.retrieval_timeout_ms;
  post_after(std::chrono::milliseconds(timeout_ms), [turn, timeout_ms](SessionCore& self) {
    if (Reply* late = self.current_reply(turn); late && !late->context_done) {
      late->context_stop->request_stop();
      self.on_context(turn, {}, "retrieval took longer than " + std::to_string(timeout_ms) + " ms", timeout_ms);
    }
  });
}

void SessionCore::on_context(TurnId turn, std::vector<Passage> passages, std::string error, double took_ms) {
  Reply* reply = current_reply(turn);
  if (reply == nullptr || reply->context_done) {
    return;
  }
  reply->context_done = true;
  reply->metrics.retrieval_ms = took_ms;
  if (!error.empty()) {
    log::warn("context retrieval failed; answering without it", {{"session_id", id_}, {"error", error}});
  }
  reply->passages = number_passages(std::move(passages));
  // Without a language model only the passage read out is a source; answer_without_llm() cites it.
  if (!reply->passages.empty() && engines_.llm) {
    emit(Citations{turn, citations_for(reply->passages)});
  }
  generate(*reply);
}

void SessionCore::generate(Reply& reply) {
  if (!engines_.llm) {
    answer_without_llm(reply);
    return;
  }
  const TurnId turn = reply.turn;
  auto messages = build_messages(active_.system_prompt, reply.passages, conversation_, active_.max_history_messages,
                                 reply.user_text);
  reply.llm_request_at = Clock::now();
  reply.llm_running = true;
  submit(runtime_.llm_pool(), [turn, messages = std::move(messages), options = active_.chat, stop = reply.llm_stop,
                               slot = llm_slot_](SessionCore& self) {
    llm::ChatResult result;
    std::string error;
    {
      std::lock_guard lock(slot->mutex);
      try {
        if (stop->token().stop_requested()) {
          result.finish_reason = llm::FinishReason::cancelled;
        } else {
          if (!slot->session) {
            slot->session = self.engines_.llm->create_session();
          }
          result = slot->session->chat(
              messages, options,
              [&self, turn](const llm::ChatDelta& delta) {
                if (!delta.content.empty()) {
                  self.post(
                      [turn, text = delta.content](SessionCore& session) mutable { session.on_llm_delta(turn, text); });
                }
              },
              stop->token());
        }
      } catch (const Error& e) {
        error = e.full_message();
      } catch (const std::exception& e) {
        error = e.what();
      }
      if (!error.empty() || result.finish_reason == llm::FinishReason::error) {
        slot->session.reset();  // a failed conversation state is not reused
      }
    }
    self.post([turn, result = std::move(result), error = std::move(error)](SessionCore& session) mutable {
      session.on_llm_done(turn, result, std::move(error));
    });
  });
  post_after(std::chrono::milliseconds(active_.llm_first_token_timeout_ms),
             [turn](SessionCore& self) { self.on_llm_deadline(turn, true); });
  post_after(std::chrono::milliseconds(active_.llm_total_timeout_ms),
             [turn](SessionCore& self) { self.on_llm_deadline(turn, false); });
}

void SessionCore::answer_without_llm(Reply& reply) {
  reply.llm_done = true;
  std::string answer;
  if (!reply.passages.empty()) {
    try {
      answer = engines_.context->speakable_answer(reply.user_text, reply.passages.front());
    } catch (const std::exception& e) {
      log::warn("could not make an answer from the knowledge base", {{"session_id", id_}, {"error", e.what()}});
    }
  }
  if (!answer.empty()) {
    emit(Citations{reply.turn, citations_for({reply.passages.front()})});
  } else if (engines_.context) {
    // A passage that only shares a word with the question is not read out as if it answered it.
    emit(SessionError{reply.turn, "no_llm", "no language model is installed, and no document answers this question",
                      "install one with: " + engines_.llm_install_command});
    answer =
        "I found nothing about that in your documents, and no language model is installed to answer it "
        "otherwise. To install one, run: " +
        engines_.llm_install_command + ".";
  } else {
    emit(SessionError{reply.turn, "no_llm", "no language model is installed, so questions cannot be answered yet",
                      "install one with: " + engines_.llm_install_command});
    answer = "I can't answer questions yet because no language model is installed. To install one, run: " +
             engines_.llm_install_command + ".";
  }
  reply_text(reply, answer);
  speak_text(reply, {}, true);
  maybe_finish_reply();
}

void SessionCore::on_llm_delta(TurnId turn, const std::string& text) {
  Reply* reply = current_reply(turn);
  if (reply == nullptr || reply->llm_done) {
    return;
  }
  if (!reply->got_token) {
    reply->got_token = true;
    reply->metrics.llm_first_token_ms = ms_since(reply->llm_request_at);
  }
  reply_text(*reply, text);
}

void SessionCore::on_llm_deadline(TurnId turn, bool first_token) {
  Reply* reply = current_reply(turn);
  if (reply == nullptr || reply->llm_done || (first_token && reply->got_token)) {
    return;
  }
  reply->llm_timeout = first_token
                           ? "no answer began within " + std::to_string(active_.llm_first_token_timeout_ms) + " ms"
                           : "the answer took longer than " + std::to_string(active_.llm_total_timeout_ms) + " ms";
  reply->llm_stop->request_stop();
}

void SessionCore::on_llm_done(TurnId turn, const llm::ChatResult& result, std::string error) {
  Reply* reply = current_reply(turn);
  if (reply == nullptr || reply->llm_done) {
    return;
  }
  reply->llm_running = false;
  reply->llm_done = true;
  reply->metrics.prompt_tokens = result.timings.prompt_tokens;
  reply->metrics.completion_tokens = result.timings.completion_tokens;
  if (error.empty() && result.finish_reason == llm::FinishReason::error) {
    error = result.error.empty() ? "the language model stopped with an error" : result.error;
  }
  if (error.empty() && result.finish_reason == llm::FinishReason::cancelled && !reply->llm_timeout.empty()) {
    error = reply->llm_timeout;
  }
  if (!error.empty()) {
    log::warn("language model failed", {{"session_id", id_}, {"turn", turn}, {"error", error}});
    emit(SessionError{turn, "llm_failed", "the language model failed: " + error,
                      "check the llm engine (localvoice doctor); the session goes on"});
    reply->failure_status = ReplyStatus::failed;
    reply_text(*reply, (reply->generated.empty() ? "" : " ") + std::string(kLlmApology));
  }
  speak_text(*reply, {}, true);
  maybe_finish_reply();
}

void SessionCore::reply_text(Reply& reply, const std::string& text) {
  if (text.empty()) {
    return;
  }
  reply.generated += text;
  if (reply.paused) {
    reply.held_text.push_back(text);
  } else {
    emit(ReplyTextDelta{reply.turn, text});
  }
  speak_text(reply, text, false);
}

void SessionCore::speak_text(Reply& reply, const std::string& text, bool end_of_text) {
  if (!reply.tts_enabled || reply.tts_failed || reply.text_ended) {
    reply.text_ended = reply.text_ended || end_of_text;
    return;
  }
  std::vector<std::string> pieces = reply.splitter.push(reply.markdown.push(text));
  if (end_of_text) {
    for (auto& piece : reply.splitter.push(reply.markdown.finish())) {
      pieces.push_back(std::move(piece));
    }
    for (auto& piece : reply.splitter.flush()) {
      pieces.push_back(std::move(piece));
    }
    reply.text_ended = true;
  }
  for (auto& piece : pieces) {
    if (!reply.first_sentence_seen) {
      reply.first_sentence_seen = true;
      if (reply.llm_request_at != Clock::time_point{}) {
        reply.metrics.first_sentence_ms = ms_since(reply.llm_request_at);
      }
    }
    reply.sentences.push_back(std::move(piece));
  }
  pump_tts(reply);
}

void SessionCore::pump_tts(Reply& reply) {
  if (reply.tts_busy || reply.tts_failed || reply.sentences.empty()) {
    return;
  }
  std::string sentence = std::move(reply.sentences.front());
  reply.sentences.pop_front();
  reply.tts_busy = true;
  const std::uint64_t index = reply.sentence_counter++;
  const TurnId turn = reply.turn;
  reply.track->begin_sentence(sentence);
  submit(runtime_.tts_pool(), [turn, index, sentence = std::move(sentence), stop = reply.tts_stop,
                               resampler = reply.resampler, voice = active_.voice](SessionCore& self) {
    const auto handed_at = Clock::now();
    double first_audio_ms = -1;
    std::string error;
    const auto forward = [&](std::vector<float> samples) {
      if (samples.empty()) {
        return;
      }
      if (first_audio_ms < 0) {
        first_audio_ms = ms_since(handed_at);
      }
      self.post([turn, index, first_audio_ms, samples = std::move(samples)](SessionCore& session) mutable {
        session.on_tts_audio(turn, index, std::move(samples), first_audio_ms);
      });
    };
    try {
      const std::string spoken = tts::normalize_for_speech(sentence);
      tts::SynthesisOptions options;
      options.voice = voice;
      self.engines_.tts->synthesize(
          spoken, options,
          [&](std::span<const float> samples) {
            forward(resampler ? resampler->process(samples) : std::vector<float>(samples.begin(), samples.end()));
            return !stop->token().stop_requested();
          },
          stop->token());
      if (resampler) {
        forward(resampler->flush());
      }
    } catch (const Error& e) {
      error = e.full_message();
    } catch (const std::exception& e) {
      error = e.what();
    }
    self.post([turn, index, error = std::move(error)](SessionCore& session) mutable {
      session.on_tts_sentence_done(turn, index, std::move(error));
    });
  });
  post_after(std::chrono::milliseconds(active_.tts_timeout_ms),
             [turn, index](SessionCore& self) { self.on_tts_deadline(turn, index); });
}

void SessionCore::on_tts_audio(TurnId turn, std::uint64_t sentence, std::vector<float> samples, double first_audio_ms) {
  Reply* reply = current_reply(turn);
  if (reply == nullptr || reply->tts_failed) {
    return;
  }
  if (sentence == 0 && reply->metrics.tts_first_audio_ms < 0) {
    reply->metrics.tts_first_audio_ms = first_audio_ms;
  }
  reply->track->add_audio(samples);
  pump_output();
}

void SessionCore::on_tts_sentence_done(TurnId turn, std::uint64_t sentence, std::string error) {
  Reply* reply = current_reply(turn);
  if (reply == nullptr || reply->sentence_counter != sentence + 1) {
    return;
  }
  reply->tts_busy = false;
  if (!error.empty() && !reply->tts_failed) {
    reply->tts_failed = true;
    reply->sentences.clear();
    log::warn("text-to-speech failed; the reply goes on as text", {{"session_id", id_}, {"error", error}});
    emit(SessionError{turn, "tts_failed", "text-to-speech failed: " + error,
                      "check the tts engine (localvoice doctor); replies arrive as text meanwhile"});
  }
  reply->track->end_sentence();
  pump_tts(*reply);
  pump_output();
  maybe_finish_reply();
}

void SessionCore::on_tts_deadline(TurnId turn, std::uint64_t sentence) {
  Reply* reply = current_reply(turn);
  if (reply == nullptr || !reply->tts_busy || reply->sentence_counter != sentence + 1 || reply->tts_failed) {
    return;
  }
  reply->tts_failed = true;
  reply->sentences.clear();
  reply->tts_stop->request_stop();
  emit(SessionError{turn, "tts_failed",
                    "text-to-speech took longer than " + std::to_string(active_.tts_timeout_ms) + " ms for a sentence",
                    "check the tts engine (localvoice doctor); replies arrive as text meanwhile"});
}

void SessionCore::pump_output() {
  if (!reply_ || reply_->paused || !reply_->track->has_unsent()) {
    return;
  }
  Reply& reply = *reply_;
  ReplyTrack& track = *reply.track;
  const auto now = Clock::now();
  const double lead_ms = active_.playback_lead_ms;
  if (!reply.playing) {
    reply.playing = true;
    reply.anchor_wall = now;
    reply.anchor_audio_ms = track.next_timestamp_ms();
  }
  // The client ran dry (synthesis slower than playback): playout restarts when the next frame arrives.
  const double elapsed_ms = std::chrono::duration<double, std::milli>(now - reply.anchor_wall).count();
  if (track.next_timestamp_ms() - reply.anchor_audio_ms < elapsed_ms) {
    reply.anchor_wall = now;
    reply.anchor_audio_ms = track.next_timestamp_ms();
  }
  const std::uint64_t epoch = cut_epoch_;
  while (track.has_unsent()) {
    if (cut_epoch_ != epoch) {
      return;  // interrupt() came in from another thread: not one more frame
    }
    const double due_ms = track.next_timestamp_ms() - reply.anchor_audio_ms - lead_ms;
    const double since_anchor_ms = std::chrono::duration<double, std::milli>(Clock::now() - reply.anchor_wall).count();
    if (due_ms > since_anchor_ms) {
      if (!reply.pacer_scheduled) {
        reply.pacer_scheduled = true;
        const TurnId turn = reply.turn;
        const auto wait = std::chrono::milliseconds(static_cast<int>(std::ceil(due_ms - since_anchor_ms)));
        post_after(wait, [turn](SessionCore& self) {
          if (Reply* later = self.current_reply(turn)) {
            later->pacer_scheduled = false;
            self.pump_output();
            self.maybe_finish_reply();
          }
        });
      }
      return;
    }
    const ReplyTrack::Outgoing frame = track.take_next();
    if (frame.starts_sentence) {
      emit(ReplySentence{reply.turn, frame.sentence_index, *frame.sentence_text, frame.seq});
      set_state(AgentState::speaking, reply.turn);
    }
    if (!reply.first_frame_sent) {
      reply.first_frame_sent = true;
      reply.metrics.end_to_end_ms = ms_since(reply.speech_end_wall.value_or(reply.created_at));
    }
    emit(ReplyAudio{reply.turn, frame.seq, frame.timestamp_ms, track.sample_rate_hz(), *frame.samples});
  }
}

void SessionCore::cut_output(Reply& reply) {
  ++cut_epoch_;
  emit(PlaybackFlush{reply.turn});
}

std::optional<std::uint32_t> SessionCore::heard_seq(const Reply& reply) const {
  const std::uint32_t sent = reply.track->frames_sent();
  {
    std::lock_guard lock(playout_mutex_);
    if (playout_turn_ == reply.turn && sent > 0) {
      return std::min(playout_seq_, sent - 1);
    }
  }
  if (!reply.playing || sent == 0) {
    return std::nullopt;
  }
  const double played_ms = reply.anchor_audio_ms + ms_since(reply.anchor_wall);
  const auto frames_played = static_cast<std::uint32_t>(std::floor(played_ms / reply.track->frame_ms()));
  if (frames_played == 0) {
    return std::nullopt;
  }
  return std::min(frames_played, sent) - 1;
}

void SessionCore::maybe_finish_reply() {
  if (!reply_ || reply_->paused || !reply_->context_done || !reply_->llm_done) {
    return;
  }
  const Reply& reply = *reply_;
  const bool speaking = reply.tts_enabled && !reply.tts_failed;
  if (speaking && (reply.tts_busy || !reply.sentences.empty() || !reply.text_ended)) {
    return;
  }
  if (reply.track->has_unsent()) {
    return;
  }
  finish_reply(reply.failure_status);
}

void SessionCore::finish_reply(ReplyStatus status) {
  std::unique_ptr<Reply> reply = std::move(reply_);
  if (!reply) {
    return;
  }
  reply->llm_stop->request_stop();
  reply->tts_stop->request_stop();
  reply->context_stop->request_stop();
  const bool audible = reply->tts_enabled && reply->track->frames_sent() > 0;
  std::string heard = reply->generated;
  if (status == ReplyStatus::interrupted && audible) {
    heard = reply->track->text_heard(reply->paused ? reply->heard_at_pause : heard_seq(*reply));
  } else if (status == ReplyStatus::interrupted && reply->tts_enabled && !reply->tts_failed) {
    heard.clear();  // cut before any audio went out
  }
  TurnMetrics metrics = reply->metrics;
  metrics.reply_audio_ms = reply->track->frames_sent() * reply->track->frame_ms();
  metrics.reply_chars = reply->generated.size();
  metrics.interrupted = status == ReplyStatus::interrupted;
  emit(ReplyDone{reply->turn, status, heard, reply->generated});
  emit(metrics);
  log_turn(id_, metrics, status);
  if (auto* registry = runtime_.metrics()) {
    observe_turn(*registry, metrics, status);
  }
  if (history_) {
    try {
      history_->record_turn(turn_record(id_, metrics, status, reply->started_at_ms, reply->user_text, heard));
    } catch (const std::exception& e) {
      log::warn("could not record a turn", {{"session_id", id_}, {"error", e.what()}});
    }
  }
  if (!reply->user_text.empty()) {
    conversation_.emplace_back(llm::ChatRole::user, reply->user_text);
    if (!heard.empty()) {
      conversation_.emplace_back(llm::ChatRole::assistant, heard);
    }
    if (conversation_.size() > kMaxConversationMessages) {
      conversation_.erase(conversation_.begin(),
                          conversation_.end() - static_cast<std::ptrdiff_t>(kMaxConversationMessages));
    }
  }
  if (user_) {
    set_state(AgentState::user_speaking, user_->id);
  } else {
    set_state(AgentState::listening, reply->turn);
  }
}

}  // namespace lv::session
