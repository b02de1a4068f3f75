#include "stt/pocketsphinx_stt.h"

#include <pocketsphinx.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "audio/pcm.h"
#include "util/error.h"
#include "util/log.h"

namespace lv::stt {

namespace {

constexpr double kFramesPerSecond = 100.0;  // PocketSphinx's default frame rate
// 100 ms pieces: each takes a few ms to decode, so a stop request is seen well within 50 ms.
constexpr std::size_t kPieceSamples = 1600;
// A decoder's front end keeps state from one utterance to the next, a running cepstral mean (weighted as five
// seconds of audio) and a noise tracker, so what it heard depended on what it had heard before: a fresh decoder
// (every `localvoice transcribe`, the first turn on each pooled decoder) misheard more words than a warm one,
// and digital silence left it worse for the turns after. Each utterance now starts from a reset front end
// seeded with that utterance's own mean, measured first by a second, search-less decoder with batch
// normalization (feature extraction only, a few ms a second of audio): the same audio always gives the same
// words (docs/benchmarks.md, "Speech-to-text parity").
constexpr const char* kProbeSearch = "cmn_probe";
constexpr const char* kProbeGrammar = "#JSGF V1.0; grammar probe; public <probe> = hello;";

struct ConfigDeleter {
  void operator()(ps_config_t* config) const { ps_config_free(config); }
};
struct DecoderDeleter {
  void operator()(ps_decoder_t* decoder) const { ps_free(decoder); }
};
struct SegDeleter {
  void operator()(ps_seg_t* seg) const { ps_seg_free(seg); }
};
using ConfigPtr = std::unique_ptr<ps_config_t, ConfigDeleter>;
using DecoderPtr = std::unique_ptr<ps_decoder_t, DecoderDeleter>;

double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

void require_file(const std::filesystem::path& path, const char* what) {
  if (!std::filesystem::exists(path)) {
    throw Error("PocketSphinx " + std::string(what) + " not found: " + path.string(),
                "install Debian's pocketsphinx-en-us package (scripts/setup) or point the pocketsphinx: URL at a "
                "model directory");
  }
}

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

struct PocketsphinxStt::Model {
  ConfigPtr config;
  std::mutex mutex;
  std::vector<DecoderPtr> idle;
  ConfigPtr probe_config;
  std::mutex probe_mutex;
  DecoderPtr probe;  // measures an utterance's cepstral mean; one for all decoders (each use takes a few ms)

  DecoderPtr create() {
    // ps_init expands and may rewrite the shared configuration: creation is serialized by the caller.
    DecoderPtr decoder(ps_init(config.get()));
    if (!decoder) {
      throw Error("PocketSphinx could not load its model (see the messages above)",
                  "reinstall pocketsphinx-en-us or check the hmm/lm/dict paths");
    }
    return decoder;
  }

  void create_probe() {
    probe.reset(ps_init(probe_config.get()));
    if (!probe || ps_add_jsgf_string(probe.get(), kProbeSearch, kProbeGrammar) < 0 ||
        ps_activate_search(probe.get(), kProbeSearch) < 0) {
      throw Error("PocketSphinx could not load its model (see the messages above)",
                  "reinstall pocketsphinx-en-us or check the hmm/dict paths");
    }
  }

  // The cepstral mean of `pcm` taken as one batch, without searching it for words.
  std::string utterance_mean(const std::vector<std::int16_t>& pcm) {
    const std::lock_guard lock(probe_mutex);
    ps_decoder_t* ps = probe.get();
    if (ps_reinit_feat(ps, nullptr) < 0 || ps_start_utt(ps) < 0) {  // fresh noise tracker, as below
      throw Error("PocketSphinx could not start an utterance", "restart the program");
    }
    const bool processed = ps_process_raw(ps, pcm.data(), pcm.size(), 1, 1) >= 0;
    std::string mean = processed ? ps_get_cmn(ps, 0) : "";
    ps_end_utt(ps);  // searches the one-word grammar over frames that carry no score: cheap, result unused
    if (!processed) {
      throw Error("PocketSphinx failed to decode the audio", "check that the input is speech audio");
    }
    return mean;
  }

  DecoderPtr acquire() {
    std::lock_guard lock(mutex);
    if (!idle.empty()) {
      DecoderPtr decoder = std::move(idle.back());
      idle.pop_back();
      return decoder;
    }
    return create();
  }

  void release(DecoderPtr decoder) {
    std::lock_guard lock(mutex);
    idle.push_back(std::move(decoder));
  }
};

namespace {

// A configuration with the acoustic model and dictionary at the engine's sample rate, logging errors only.
ConfigPtr acoustic_config(const std::filesystem::path& hmm, const std::filesystem::path& dict) {
  ConfigPtr config(ps_config_init(nullptr));
  if (!config) {
    throw Error("PocketSphinx could not create a configuration", "reinstall libpocketsphinx5");
  }
  ps_config_set_str(config.get(), "hmm", hmm.c_str());
  ps_config_set_str(config.get(), "dict", dict.c_str());
  ps_config_set_int(config.get(), "samprate", kSttSampleRateHz);
  // Its INFO lines (hundreds per load) would drown the program's own log; errors still come through.
  ps_config_set_str(config.get(), "loglevel", "ERROR");
  return config;
}

}  // namespace

PocketsphinxStt::PocketsphinxStt(const PocketsphinxSettings& settings)
    : model_(std::make_shared<Model>()), settings_(settings) {
  const auto start = std::chrono::steady_clock::now();
  const std::filesystem::path base = std::filesystem::path(ps_default_modeldir()) / "en-us";
  const auto hmm = settings.hmm_dir.empty() ? base / "en-us" : settings.hmm_dir;
  const auto lm = settings.lm_path.empty() ? base / "en-us.lm.bin" : settings.lm_path;
  const auto dict = settings.dict_path.empty() ? base / "cmudict-en-us.dict" : settings.dict_path;
  require_file(hmm / "mdef", "acoustic model");
  require_file(lm, "language model");
  require_file(dict, "dictionary");

  model_->config = acoustic_config(hmm, dict);
  ps_config_set_str(model_->config.get(), "lm", lm.c_str());
  // The probe only measures features: no language model, and the mean of each utterance taken as one batch.
  model_->probe_config = acoustic_config(hmm, dict);
  ps_config_set_str(model_->probe_config.get(), "cmn", "batch");
  model_->create_probe();

  {
    std::lock_guard lock(model_->mutex);
    model_->idle.push_back(model_->create());
  }
  // Warm-up: the first decode allocates search structures; a short silent utterance does it now.
  const std::vector<float> quiet(kSttSampleRateHz / 4, 0.0F);
  (void)transcribe_samples(quiet);
  log::info("stt model loaded", {{"engine", "pocketsphinx"}, {"hmm", hmm.string()}, {"load_ms", ms_since(start)}});
}

PocketsphinxStt::~PocketsphinxStt() = default;

SttCapabilities PocketsphinxStt::capabilities() const {
  SttCapabilities caps;
  caps.name = "pocketsphinx";
  caps.streaming = false;
  caps.partial_results = false;
  caps.translation = false;
  caps.segment_timestamps = true;
  caps.sample_rates_hz = {kSttSampleRateHz};
  caps.languages = {"en"};
  return caps;
}

Transcript PocketsphinxStt::transcribe(const audio::AudioBuffer& audio, const TranscribeOptions& options,
                                       std::stop_token stop) const {
  if (!options.language.empty() && options.language != "en" && options.language != "auto") {
    throw Error("pocketsphinx: has no model for language '" + options.language + "'",
                "use language \"en\" or a whisper: engine for other languages");
  }
  const auto start = std::chrono::steady_clock::now();
  const auto samples = to_engine_audio(audio);
  const double preprocess_ms = ms_since(start);
  Transcript result = transcribe_samples(samples, stop);
  if (options.on_segment) {
    for (const auto& segment : result.segments) {
      options.on_segment(segment);
    }
  }
  result.timings.preprocess_ms = preprocess_ms;
  result.timings.total_ms = ms_since(start);
  return result;
}

namespace {

// The real decode, fed in pieces so that a stop request is seen between them.
void decode_utterance(ps_decoder_t* ps, const std::vector<std::int16_t>& pcm, const std::stop_token& stop) {
  if (ps_start_utt(ps) < 0) {
    throw Error("PocketSphinx could not start an utterance", "restart the program");
  }
  const std::span<const std::int16_t> all(pcm);
  for (std::size_t offset = 0; offset < all.size(); offset += kPieceSamples) {
    if (stop.stop_requested()) {
      ps_end_utt(ps);
      throw Cancelled();
    }
    const auto piece = all.subspan(offset, std::min(kPieceSamples, all.size() - offset));
    if (ps_process_raw(ps, piece.data(), piece.size(), 0, 0) < 0) {
      ps_end_utt(ps);
      throw Error("PocketSphinx failed to decode the audio", "check that the input is speech audio");
    }
  }
  ps_end_utt(ps);
}

// Words of the decoder's last utterance, grouped into segments at pauses of `segment_pause_s`.
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

}  // namespace

Transcript PocketsphinxStt::transcribe_samples(std::span<const float> samples, const std::stop_token& stop) const {
  const auto start = std::chrono::steady_clock::now();
  DecoderPtr decoder = model_->acquire();
  // Return the decoder to the pool however this call ends (an utterance left open is restarted next time).
  struct Return {
    Model& model;
    DecoderPtr& decoder;
    ~Return() {
      if (decoder) {
        model.release(std::move(decoder));
      }
    }
  } give_back{*model_, decoder};

  ps_decoder_t* ps = decoder.get();
  const auto pcm = audio::float_to_pcm16(samples);
  if (!pcm.empty()) {
    // A fresh front end each time: its noise tracker would otherwise carry the last utterance's noise floor.
    if (ps_reinit_feat(ps, nullptr) < 0) {
      throw Error("PocketSphinx could not reset its front end", "restart the program");
    }
    // Digital silence has no mean (the probe reports NaN): the front end's default stays.
    const std::string mean = model_->utterance_mean(pcm);
    if (mean.find("nan") == std::string::npos) {
      ps_set_cmn(ps, mean.c_str());
    }
  }
  decode_utterance(ps, pcm, stop);

  Transcript result;
  result.language = "en";
  result.segments = collect_segments(ps, settings_.segment_pause_s);
  result.text = join_segments(result.segments);
  result.timings.audio_s = static_cast<double>(samples.size()) / kSttSampleRateHz;
  result.timings.inference_ms = ms_since(start);
  result.timings.total_ms = result.timings.inference_ms;
  return result;
}

}  // namespace lv::stt
