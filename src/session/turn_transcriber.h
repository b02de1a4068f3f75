// One user turn's recognizer: the turn's audio goes to an stt::UtteranceDecoder as it arrives, and partial
// hypotheses and the final transcript are asked of it; every call runs on the stt pool, one after another.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <vector>

#include "session/stop_link.h"
#include "stt/utterance_decoder.h"

namespace lv::session {

class TurnTranscriber : public std::enable_shared_from_this<TurnTranscriber> {
 public:
  struct Result {
    std::string text;       // trimmed
    std::string error;      // empty on success; "cancelled" when stopped
    double audio_ms = 0;    // audio decoded for this result (for a hypothesis: since the last one)
    double took_ms = 0;     // time decoding it took
    bool declined = false;  // early(): the decoder decodes as it is fed, so finish() is the quick way
  };
  // Receives a result on the stt pool thread that produced it.
  using Done = std::function<void(Result result)>;
  // Runs a job on the stt pool; `urgent` work (someone waits for it) goes ahead of speculative work.
  using Submit = std::function<void(std::function<void()> job, bool urgent)>;

  // The turn's decoder and what must live as long as it does (the engine, a slot it holds).
  struct Opened {
    std::unique_ptr<stt::UtteranceDecoder> decoder;
    std::shared_ptr<void> hold;
  };
  // Opens the turn's decoder (on the stt pool, in the first job: engines may make state for it).
  using Open = std::function<Opened()>;

  TurnTranscriber(Open open, const std::stop_token& session_stop, Submit submit);

  // Queues 16 kHz mono audio of the turn, in order.
  void feed(std::vector<float> samples);
  // Asks for the hypothesis of everything fed so far. `stop` (linked to this turn's) drops just this request.
  void partial(Done done, bool urgent, const StopLinkPtr& stop = nullptr);
  // Asks for the hypothesis of everything fed so far when the decoder decodes only when asked (it keeps the
  // audio): taken when the speech ends, it is the transcript if the silence lasts. Other decoders decline.
  void early(Done done, const StopLinkPtr& stop);
  // Asks for the final transcript of everything fed; nothing may be queued after it.
  void finish(Done done);
  // Stops the call running and drops what is queued.
  void cancel();
  // Whether nothing is queued or running.
  bool idle() const;
  // A stop link for one request of this turn.
  StopLinkPtr request_stop() const { return std::make_shared<StopLink>(stop_.token()); }

 private:
  struct Job {
    std::function<void()> run;
    bool urgent = false;
  };
  void enqueue(std::function<void()> run, bool urgent);
  void drain();
  Result call(const std::function<std::string()>& decode, double audio_ms) const;
  void open_decoder();
  void hypothesis(const Done& done, const StopLinkPtr& stop);

  // Touched only by the job running (jobs never overlap).
  Open open_;
  bool opened_ = false;
  std::shared_ptr<void> hold_;  // before decoder_: released after it
  std::unique_ptr<stt::UtteranceDecoder> decoder_;
  bool decodes_on_request_ = false;
  std::string feed_error_;
  double fed_ms_since_asked_ = 0;  // audio fed since the last hypothesis, and the time feeding it took
  double feed_took_ms_ = 0;
  StopLink stop_;
  Submit submit_;

  mutable std::mutex mutex_;
  std::deque<Job> queue_;
  bool draining_ = false;
  bool scheduled_ = false;         // a drain is queued on the pool
  bool urgent_scheduled_ = false;  // ... and one of them went ahead of other work
};

using TurnTranscriberPtr = std::shared_ptr<TurnTranscriber>;

}  // namespace lv::session
