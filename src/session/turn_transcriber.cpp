#include "session/turn_transcriber.h"

#include <exception>
#include <utility>

#include "util/clock.h"
#include "util/error.h"
#include "util/text.h"

namespace lv::session {

namespace {
// Jobs run per turn on the pool, so one session's backlog cannot hold a shared recognizer thread for long.
constexpr int kJobsPerTurn = 8;
}  // namespace

TurnTranscriber::TurnTranscriber(Open open, const std::stop_token& session_stop, Submit submit)
    : open_(std::move(open)), stop_(session_stop), submit_(std::move(submit)) {}

void TurnTranscriber::open_decoder() {
  if (opened_) {
    return;
  }
  opened_ = true;
  try {
    Opened opened = open_();
    hold_ = std::move(opened.hold);
    decoder_ = std::move(opened.decoder);
    // The fallback decoder keeps the audio and transcribes it when asked; streaming ones have heard it already.
    decodes_on_request_ = decoder_ && !decoder_->decodes_while_fed();
  } catch (const Error& e) {
    feed_error_ = e.full_message();
  } catch (const std::exception& e) {
    feed_error_ = e.what();
  }
  open_ = nullptr;
}

void TurnTranscriber::feed(std::vector<float> samples) {
  if (samples.empty()) {
    return;
  }
  enqueue(
      [this, samples = std::move(samples)] {
        open_decoder();
        if (!decoder_ || !feed_error_.empty()) {
          return;
        }
        const auto started = util::SteadyClock::now();
        try {
          decoder_->feed(samples, stop_.token());
          fed_ms_since_asked_ += static_cast<double>(samples.size()) * 1000.0 / stt::kSttSampleRateHz;
        } catch (const stt::Cancelled&) {
          // The turn is over; its later requests report the cancellation.
        } catch (const Error& e) {
          feed_error_ = e.full_message();
        } catch (const std::exception& e) {
          feed_error_ = e.what();
        }
        feed_took_ms_ += util::ms_since(started);
      },
      false);
}

TurnTranscriber::Result TurnTranscriber::call(const std::function<std::string()>& decode, double audio_ms) const {
  Result result;
  result.audio_ms = audio_ms;
  const auto started = util::SteadyClock::now();
  try {
    if (!feed_error_.empty()) {
      result.error = feed_error_;
    } else {
      result.text = decode();
    }
  } catch (const stt::Cancelled&) {
    result.error = "cancelled";
  } catch (const Error& e) {
    result.error = e.full_message();
  } catch (const std::exception& e) {
    result.error = e.what();
  }
  result.took_ms = util::ms_since(started);
  return result;
}

void TurnTranscriber::hypothesis(const Done& done, const StopLinkPtr& stop) {
  if (!decoder_ && feed_error_.empty()) {
    done(Result{{}, "cancelled", 0, 0, false});  // finished already
    return;
  }
  const std::stop_token token = stop ? stop->token() : stop_.token();
  // How fast the engine decodes: a batch decoder decodes everything fed now, a streaming one decoded the new
  // audio as it was fed.
  const double audio_ms = decodes_on_request_ ? (decoder_ ? decoder_->fed_s() * 1000.0 : 0.0) : fed_ms_since_asked_;
  Result result = call([&] { return std::string(util::trim(decoder_->partial(token))); }, audio_ms);
  result.took_ms += feed_took_ms_;
  fed_ms_since_asked_ = 0;
  feed_took_ms_ = 0;
  done(std::move(result));
}

void TurnTranscriber::partial(Done done, bool urgent, const StopLinkPtr& stop) {
  enqueue(
      [this, done = std::move(done), stop] {
        open_decoder();
        hypothesis(done, stop);
      },
      urgent);
}

void TurnTranscriber::early(Done done, const StopLinkPtr& stop) {
  enqueue(
      [this, done = std::move(done), stop] {
        open_decoder();
        if (decoder_ && !decodes_on_request_) {
          done(Result{{}, {}, 0, 0, true});
          return;
        }
        hypothesis(done, stop);
      },
      true);
}

void TurnTranscriber::finish(Done done) {
  enqueue(
      [this, done = std::move(done)] {
        open_decoder();
        if (!decoder_ && feed_error_.empty()) {
          done(Result{{}, "cancelled", 0, 0, false});
          return;
        }
        const double audio_ms = decoder_ ? decoder_->fed_s() * 1000.0 : 0.0;
        Result result = call([&] { return util::trim(decoder_->finish(stop_.token()).text); }, audio_ms);
        decoder_.reset();  // spent
        hold_.reset();
        done(std::move(result));
      },
      true);
}

void TurnTranscriber::cancel() {
  stop_.request_stop();
  std::deque<Job> dropped;
  std::lock_guard lock(mutex_);
  dropped.swap(queue_);
  // `dropped` dies after the lock is released (declared first): a job's captures may post again.
}

bool TurnTranscriber::idle() const {
  std::lock_guard lock(mutex_);
  return queue_.empty() && !draining_;
}

void TurnTranscriber::enqueue(std::function<void()> run, bool urgent) {
  bool submit_now = false;
  {
    std::lock_guard lock(mutex_);
    if (stop_.token().stop_requested()) {
      return;
    }
    queue_.push_back(Job{std::move(run), urgent});
    // One drain at a time runs the jobs (draining_); an urgent job may queue a second drain ahead of other
    // work, and whichever runs first takes everything.
    if (!scheduled_ || (urgent && !urgent_scheduled_)) {
      submit_now = true;
      scheduled_ = true;
      urgent_scheduled_ = urgent_scheduled_ || urgent;
    }
  }
  if (submit_now) {
    submit_([self = shared_from_this()] { self->drain(); }, urgent);
  }
}

void TurnTranscriber::drain() {
  {
    std::lock_guard lock(mutex_);
    if (draining_) {
      return;
    }
    draining_ = true;
  }
  for (int i = 0;; ++i) {
    Job job;
    {
      std::lock_guard lock(mutex_);
      if (queue_.empty() || i == kJobsPerTurn) {
        draining_ = false;
        const bool more = !queue_.empty();
        const bool urgent = more && queue_.front().urgent;
        scheduled_ = more;
        urgent_scheduled_ = urgent;
        if (!more) {
          return;
        }
        // More work is left: back of the pool's queue (the front for urgent work) so other sessions get a turn.
        submit_([self = shared_from_this()] { self->drain(); }, urgent);
        return;
      }
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    job.run();
  }
}

}  // namespace lv::session
