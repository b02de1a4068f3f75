#include "stt/pocketsphinx_model.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "util/error.h"

namespace lv::stt {

namespace {

constexpr const char* kProbeSearch = "cmn_probe";
constexpr const char* kProbeGrammar = "#JSGF V1.0; grammar probe; public <probe> = hello;";

// Words the recognizer emits for silence, noise and sentence bounds carry no text.
bool is_filler(std::string_view word) {
  return word.empty() || word.front() == '<' || word.front() == '[' || word == "++NOISE++";
}

// "read(2)" is the second pronunciation of "read" in the dictionary; the text is "read".
std::string strip_variant(std::string_view word) {
  const auto paren = word.find('(');
  return std::string(paren == std::string_view::npos ? word : word.substr(0, paren));
}

}  // namespace

namespace pocketsphinx {

std::vector<Segment> collect_segments(ps_decoder_t* ps, double segment_pause_s) {
  std::vector<Segment> segments;
  Segment current;
  double last_end_s = -1.0;
  for (ps_seg_t* seg = ps_seg_iter(ps); seg != nullptr; seg = ps_seg_next(seg)) {
    const char* raw = ps_seg_word(seg);
    if (raw == nullptr || is_filler(raw)) {
      continue;
    }
    int start_frame = 0;
    int end_frame = 0;
    ps_seg_frames(seg, &start_frame, &end_frame);
    const double word_start_s = start_frame / kFramesPerSecond;
    const double word_end_s = (end_frame + 1) / kFramesPerSecond;
    if (!current.text.empty() && word_start_s - last_end_s >= segment_pause_s) {
      segments.push_back(std::move(current));
      current = Segment{};
    }
    if (current.text.empty()) {
      current.start_s = word_start_s;
    } else {
      current.text += ' ';
    }
    current.text += strip_variant(raw);
    current.end_s = word_end_s;
    last_end_s = word_end_s;
  }
  if (!current.text.empty()) {
    segments.push_back(std::move(current));
  }
  return segments;
}

std::vector<double> parse_mean(const char* text) {
  std::vector<double> mean;
  if (text == nullptr) {
    return mean;
  }
  std::string_view rest(text);
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string item(rest.substr(0, comma));
    char* end = nullptr;
    const double value = std::strtod(item.c_str(), &end);
    if (end == item.c_str() || !std::isfinite(value)) {
      return {};  // "nan" for digital silence, or something unexpected: no mean
    }
    mean.push_back(value);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
  }
  return mean;
}

std::string format_mean(const std::vector<double>& mean) {
  std::string text;
  char item[32];
  for (const double value : mean) {
    std::snprintf(item, sizeof item, "%.4f", value);
    text += (text.empty() ? "" : ",") + std::string(item);
  }
  return text;
}

std::string hypothesis_text(ps_decoder_t* ps) {
  const char* hyp = ps_get_hyp(ps, nullptr);
  std::string text;
  if (hyp == nullptr) {
    return text;
  }
  const std::string_view all(hyp);
  std::size_t at = 0;
  while (at < all.size()) {
    const auto end = std::min(all.find(' ', at), all.size());
    const auto word = all.substr(at, end - at);
    if (!is_filler(word)) {
      text += (text.empty() ? "" : " ") + strip_variant(word);
    }
    at = end + 1;
  }
  return text;
}

void process_pieces(ps_decoder_t* ps, std::span<const std::int16_t> pcm, const std::stop_token& stop) {
  for (std::size_t offset = 0; offset < pcm.size(); offset += kPieceSamples) {
    if (stop.stop_requested()) {
      throw Cancelled();
    }
    const auto piece = pcm.subspan(offset, std::min(kPieceSamples, pcm.size() - offset));
    if (ps_process_raw(ps, piece.data(), piece.size(), 0, 0) < 0) {
      throw Error("PocketSphinx failed to decode the audio", "check that the input is speech audio");
    }
  }
}

}  // namespace pocketsphinx

pocketsphinx::DecoderPtr PocketsphinxStt::Model::create() {
  // ps_init expands and may rewrite the shared configuration: creation is serialized by the caller.
  pocketsphinx::DecoderPtr decoder(ps_init(config.get()));
  if (!decoder) {
    throw Error("PocketSphinx could not load its model (see the messages above)",
                "reinstall pocketsphinx-en-us or check the hmm/lm/dict paths");
  }
  return decoder;
}

void PocketsphinxStt::Model::create_probe() {
  probe.reset(ps_init(probe_config.get()));
  if (!probe || ps_add_jsgf_string(probe.get(), kProbeSearch, kProbeGrammar) < 0 ||
      ps_activate_search(probe.get(), kProbeSearch) < 0) {
    throw Error("PocketSphinx could not load its model (see the messages above)",
                "reinstall pocketsphinx-en-us or check the hmm/dict paths");
  }
}

std::vector<double> PocketsphinxStt::Model::utterance_mean(std::span<const std::int16_t> pcm) {
  const std::lock_guard lock(probe_mutex);
  ps_decoder_t* ps = probe.get();
  if (ps_reinit_feat(ps, nullptr) < 0 || ps_start_utt(ps) < 0) {  // a fresh noise tracker, as for decoding
    throw Error("PocketSphinx could not start an utterance", "restart the program");
  }
  const bool processed = ps_process_raw(ps, pcm.data(), pcm.size(), 1, 1) >= 0;
  std::vector<double> mean;
  if (processed) {
    mean = pocketsphinx::parse_mean(ps_get_cmn(ps, 0));
  }
  ps_end_utt(ps);  // searches the one-word grammar over frames that carry no score: cheap, result unused
  if (!processed) {
    throw Error("PocketSphinx failed to decode the audio", "check that the input is speech audio");
  }
  return mean;
}

std::vector<double> PocketsphinxStt::Model::seed_front_end(ps_decoder_t* ps, std::span<const std::int16_t> pcm,
                                                           const ChannelEstimate* channel) {
  // A fresh front end each time: its noise tracker would otherwise carry the last utterance's noise floor.
  if (ps_reinit_feat(ps, nullptr) < 0) {
    throw Error("PocketSphinx could not reset its front end", "restart the program");
  }
  std::vector<double> own = pcm.empty() ? std::vector<double>{} : utterance_mean(pcm);
  const double own_s = static_cast<double>(pcm.size()) / kSttSampleRateHz;
  const std::vector<double> seed = channel != nullptr ? channel->blend(own, own_s) : own;
  if (!seed.empty()) {
    ps_set_cmn(ps, pocketsphinx::format_mean(seed).c_str());
  }
  return own;
}

pocketsphinx::DecoderPtr PocketsphinxStt::Model::acquire() {
  const std::lock_guard lock(mutex);
  if (!idle.empty()) {
    pocketsphinx::DecoderPtr decoder = std::move(idle.back());
    idle.pop_back();
    return decoder;
  }
  return create();
}

void PocketsphinxStt::Model::release(pocketsphinx::DecoderPtr decoder) {
  const std::lock_guard lock(mutex);
  idle.push_back(std::move(decoder));
}

}  // namespace lv::stt
