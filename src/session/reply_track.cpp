#include "session/reply_track.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <utility>

#include "audio/pcm.h"

namespace lv::session {

ReplyTrack::ReplyTrack(int sample_rate_hz, int frame_ms)
    : sample_rate_hz_(sample_rate_hz),
      frame_ms_(frame_ms),
      frame_samples_(static_cast<std::size_t>(sample_rate_hz) * static_cast<std::size_t>(frame_ms) / 1000) {}

void ReplyTrack::begin_sentence(std::string text) {
  if (!sentences_.empty()) {
    end_sentence();
  }
  sentences_.push_back(Sentence{std::move(text), frames_.size(), 0});
}

void ReplyTrack::add_audio(std::span<const float> samples) {
  if (sentences_.empty()) {
    begin_sentence({});
  }
  pending_.insert(pending_.end(), samples.begin(), samples.end());
  std::size_t used = 0;
  while (pending_.size() - used >= frame_samples_) {
    const std::span<const float> frame(pending_.data() + used, frame_samples_);
    frames_.push_back(Frame{audio::float_to_pcm16(frame), sentences_.size() - 1});
    ++sentences_.back().frame_count;
    used += frame_samples_;
  }
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(used));
}

void ReplyTrack::end_sentence() {
  if (pending_.empty() || sentences_.empty()) {
    return;
  }
  pending_.resize(frame_samples_, 0.0F);
  frames_.push_back(Frame{audio::float_to_pcm16(pending_), sentences_.size() - 1});
  ++sentences_.back().frame_count;
  pending_.clear();
}

ReplyTrack::Outgoing ReplyTrack::take_next() {
  Outgoing out;
  const std::size_t index = next_frame_++;
  const Frame& frame = frames_.at(index);
  const Sentence& sentence = sentences_.at(frame.sentence);
  out.seq = static_cast<std::uint32_t>(seq_to_frame_.size());
  out.timestamp_ms = next_timestamp_ms();
  out.samples = &frame.samples;
  out.starts_sentence = index == sentence.first_frame;
  out.sentence_index = frame.sentence;
  out.sentence_text = &sentence.text;
  seq_to_frame_.push_back(index);
  return out;
}

std::string ReplyTrack::text_heard(std::optional<std::uint32_t> last_played_seq) const {
  if (!last_played_seq || seq_to_frame_.empty()) {
    return {};
  }
  const std::size_t seq = std::min<std::size_t>(*last_played_seq, seq_to_frame_.size() - 1);
  const std::size_t frame = seq_to_frame_[seq];
  const std::size_t cut = frames_[frame].sentence;
  std::string heard;
  const auto append = [&](const std::string& text) {
    if (text.empty()) {
      return;
    }
    if (!heard.empty()) {
      heard += ' ';
    }
    heard += text;
  };
  for (std::size_t i = 0; i < cut; ++i) {
    append(sentences_[i].text);
  }
  const Sentence& sentence = sentences_[cut];
  const double fraction = sentence.frame_count == 0 ? 1.0
                                                    : static_cast<double>(frame - sentence.first_frame + 1) /
                                                          static_cast<double>(sentence.frame_count);
  append(leading_words(sentence.text, fraction));
  return heard;
}

void ReplyTrack::rewind_to_sentence_of(std::optional<std::uint32_t> seq) {
  if (!seq || seq_to_frame_.empty()) {
    next_frame_ = 0;  // nothing was heard: the whole reply again
    return;
  }
  const std::size_t index = std::min<std::size_t>(*seq, seq_to_frame_.size() - 1);
  next_frame_ = sentences_[frames_[seq_to_frame_[index]].sentence].first_frame;
}

std::string leading_words(const std::string& text, double fraction) {
  std::istringstream stream(text);
  std::vector<std::string> words;
  for (std::string word; stream >> word;) {
    words.push_back(std::move(word));
  }
  const auto keep =
      static_cast<std::size_t>(std::lround(std::clamp(fraction, 0.0, 1.0) * static_cast<double>(words.size())));
  std::string out;
  for (std::size_t i = 0; i < keep; ++i) {
    if (i > 0) {
      out += ' ';
    }
    out += words[i];
  }
  return out;
}

}  // namespace lv::session
