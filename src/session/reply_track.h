// One reply's audio as fixed-size PCM16 frames grouped by sentence: what has been sent, what was heard, and
// where to resume after a false interruption.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace lv::session {

class ReplyTrack {
 public:
  ReplyTrack(int sample_rate_hz, int frame_ms);

  // Sentences arrive in order; audio belongs to the last one begun.
  void begin_sentence(std::string text);
  void add_audio(std::span<const float> samples);
  // Pads the sentence's last partial frame with silence.
  void end_sentence();

  struct Outgoing {
    std::uint32_t seq = 0;
    double timestamp_ms = 0;
    const std::vector<std::int16_t>* samples = nullptr;
    bool starts_sentence = false;  // the first frame of a sentence: announce it before the frame
    std::size_t sentence_index = 0;
    const std::string* sentence_text = nullptr;
  };
  bool has_unsent() const { return next_frame_ < frames_.size(); }
  // Assigns the next frame its sequence number and timestamp.
  Outgoing take_next();
  // The timestamp the next frame will carry.
  double next_timestamp_ms() const { return static_cast<double>(seq_to_frame_.size()) * frame_ms_; }

  // What the listener heard when playout stopped after frame `last_played_seq` (nullopt: nothing).
  // The sentence cut in the middle is shortened in proportion to its frames played, by whole words.
  std::string text_heard(std::optional<std::uint32_t> last_played_seq) const;
  // The next frame sent is the first of the sentence holding `seq` (resuming after a false interruption).
  void rewind_to_sentence_of(std::optional<std::uint32_t> seq);
  // Frames sent since the start of the turn (timestamps keep counting across a rewind).
  std::uint32_t frames_sent() const { return static_cast<std::uint32_t>(seq_to_frame_.size()); }
  double frame_ms() const { return frame_ms_; }
  int sample_rate_hz() const { return sample_rate_hz_; }

 private:
  struct Sentence {
    std::string text;
    std::size_t first_frame = 0;
    std::size_t frame_count = 0;
  };
  struct Frame {
    std::vector<std::int16_t> samples;
    std::size_t sentence = 0;
  };

  int sample_rate_hz_;
  double frame_ms_;
  std::size_t frame_samples_;
  std::vector<Sentence> sentences_;
  std::vector<Frame> frames_;
  std::vector<float> pending_;  // samples of the current sentence not yet a whole frame
  std::size_t next_frame_ = 0;
  std::vector<std::size_t> seq_to_frame_;
};

// The first `fraction` of `text`'s words (rounded to the nearest word).
std::string leading_words(const std::string& text, double fraction);

}  // namespace lv::session
