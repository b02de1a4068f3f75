// A speaker's channel (microphone, room, voice) learnt from their earlier utterances, for engines that
// normalise each utterance by a feature mean and would otherwise start every utterance knowing nothing.
#pragma once

#include <mutex>
#include <vector>

namespace lv::stt {

// Thread-safe; one per speaker (a voice session has one for all its turns). The earlier utterances count as
// at most `max_weight_s` seconds of audio, so a changed microphone or room is followed within a few turns.
class ChannelEstimate {
 public:
  explicit ChannelEstimate(double max_weight_s = 8.0);

  // `current`, measured on `current_s` seconds of this utterance, weighed against what the earlier ones showed;
  // `current` unchanged while nothing was learnt yet or the sizes differ; an empty `current` (an utterance with
  // no mean yet, such as digital silence) gives what was learnt.
  std::vector<double> blend(const std::vector<double>& current, double current_s) const;
  // Takes in an utterance's mean measured on `measured_s` seconds (non-finite values are ignored).
  void learn(const std::vector<double>& mean, double measured_s);
  // Seconds of audio the estimate stands for (0 before the first utterance).
  double weight_s() const;

 private:
  mutable std::mutex mutex_;
  double max_weight_s_;
  std::vector<double> mean_;
  double weight_s_ = 0.0;
};

}  // namespace lv::stt
