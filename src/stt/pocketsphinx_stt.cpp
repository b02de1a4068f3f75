#include "stt/pocketsphinx_stt.h"

#include <chrono>
#include <string>
#include <vector>

#include "audio/pcm.h"
#include "stt/pocketsphinx_model.h"
#include "stt/pocketsphinx_utterance_decoder.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/log.h"

namespace lv::stt {

namespace {

using pocketsphinx::ConfigPtr;
using util::ms_since;

// A decoder's front end keeps state from one utterance to the next, a running cepstral mean (weighted as five
// seconds of audio) and a noise tracker, so what it heard depended on what it had heard before: a fresh decoder
// (every `localvoice transcribe`, the first turn on each pooled decoder) misheard more words than a warm one,
// and digital silence left it worse for the turns after. Each utterance now starts from a reset front end
// seeded with that utterance's own mean, measured first by a second, search-less decoder with batch
// normalization (feature extraction only, a few ms a second of audio): the same audio always gives the same
// words (docs/benchmarks.md, "Speech-to-text parity").

void check_language(const std::string& language) {
  if (!language.empty() && language != "en" && language != "auto") {
    throw Error("pocketsphinx: has no model for language '" + language + "'",
                "use language \"en\" or a whisper: engine for other languages");
  }
}

void require_file(const std::filesystem::path& path, const char* what) {
  if (!std::filesystem::exists(path)) {
    throw Error("PocketSphinx " + std::string(what) + " not found: " + path.string(),
                "install Debian's pocketsphinx-en-us package (scripts/setup) or point the pocketsphinx: URL at a "
                "model directory");
  }
}

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
  caps.streaming = true;  // open_utterance() decodes while the audio arrives
  caps.partial_results = true;
  caps.translation = false;
  caps.segment_timestamps = true;
  caps.sample_rates_hz = {kSttSampleRateHz};
  caps.languages = {"en"};
  return caps;
}

Transcript PocketsphinxStt::transcribe(const audio::AudioBuffer& audio, const TranscribeOptions& options,
                                       std::stop_token stop) const {
  check_language(options.language);
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

Transcript PocketsphinxStt::transcribe_samples(std::span<const float> samples, const std::stop_token& stop) const {
  const auto start = std::chrono::steady_clock::now();
  pocketsphinx::DecoderLease decoder(model_);
  ps_decoder_t* ps = decoder.get();
  const auto pcm = audio::float_to_pcm16(samples);
  model_->seed_front_end(ps, pcm);
  if (ps_start_utt(ps) < 0) {
    throw Error("PocketSphinx could not start an utterance", "restart the program");
  }
  try {
    pocketsphinx::process_pieces(ps, pcm, stop);
  } catch (...) {
    ps_end_utt(ps);  // the decoder goes back to the pool ready for the next utterance
    throw;
  }
  ps_end_utt(ps);

  Transcript result;
  result.language = "en";
  result.segments = pocketsphinx::collect_segments(ps, settings_.segment_pause_s);
  result.text = join_segments(result.segments);
  result.timings.audio_s = static_cast<double>(samples.size()) / kSttSampleRateHz;
  result.timings.inference_ms = ms_since(start);
  result.timings.total_ms = result.timings.inference_ms;
  return result;
}

std::unique_ptr<UtteranceDecoder> PocketsphinxStt::open_utterance(const TranscribeOptions& options) const {
  check_language(options.language);
  return std::make_unique<PocketsphinxUtteranceDecoder>(model_, settings_, options);
}

}  // namespace lv::stt
