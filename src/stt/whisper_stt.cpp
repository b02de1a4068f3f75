#include "stt/whisper_stt.h"

#include <ggml-backend.h>
#include <ggml.h>
#include <whisper.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

#include "stt/whisper_utterance_decoder.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/log.h"

namespace lv::stt {

namespace {

constexpr std::uint32_t kGgmlMagic = 0x67676d6c;  // "ggml", little-endian
constexpr int kAudioCtxPerSecond = 50;            // encoder positions per second of audio (1500 per 30 s)
constexpr int kMaxAudioCtx = 1500;

// whisper.cpp and ggml log every load step to stderr; their lines go to the program's log at debug level.
void forward_whisper_log(ggml_log_level level, const char* text, void* /*user_data*/) {
  std::string line = trim(text == nullptr ? std::string() : std::string(text));
  if (line.empty()) {
    return;
  }
  if (level == GGML_LOG_LEVEL_ERROR) {
    log::warn("whisper.cpp", {{"message", line}});
  } else {
    log::debug("whisper.cpp", {{"message", line}});
  }
}

struct ContextDeleter {
  void operator()(whisper_context* context) const { whisper_free(context); }
};
struct StateDeleter {
  void operator()(whisper_state* state) const { whisper_free_state(state); }
};
using ContextPtr = std::unique_ptr<whisper_context, ContextDeleter>;
using StatePtr = std::unique_ptr<whisper_state, StateDeleter>;

class FileReader {
 public:
  FileReader(const std::filesystem::path& path, std::uintmax_t size) : in_(path, std::ios::binary), size_(size) {}
  bool good() const { return static_cast<bool>(in_); }
  std::uintmax_t position() { return static_cast<std::uintmax_t>(in_.tellg()); }
  std::uintmax_t remaining() { return size_ - position(); }
  template <typename T>
  bool read(T& value) {
    return static_cast<bool>(in_.read(reinterpret_cast<char*>(&value), sizeof(T)));
  }
  bool skip(std::uintmax_t bytes) {
    if (bytes > remaining()) {
      return false;
    }
    in_.seekg(static_cast<std::streamoff>(bytes), std::ios::cur);
    return static_cast<bool>(in_);
  }

 private:
  std::ifstream in_;
  std::uintmax_t size_;
};

Segment read_segment(whisper_state* state, int index, double audio_s) {
  Segment segment;
  // whisper reports times in units of 10 ms.
  segment.start_s = static_cast<double>(whisper_full_get_segment_t0_from_state(state, index)) / 100.0;
  segment.end_s = std::min(audio_s, static_cast<double>(whisper_full_get_segment_t1_from_state(state, index)) / 100.0);
  segment.text = trim(whisper_full_get_segment_text_from_state(state, index));
  const int tokens = whisper_full_n_tokens_from_state(state, index);
  double probability_sum = 0.0;
  for (int t = 0; t < tokens; ++t) {
    probability_sum += whisper_full_get_token_p_from_state(state, index, t);
  }
  segment.confidence = tokens > 0 ? static_cast<float>(probability_sum / tokens) : 0.0F;
  return segment;
}

// What whisper's new-segment callback needs to report segments while decoding goes on.
struct SegmentSink {
  const std::function<void(const Segment&)>* on_segment;
  double audio_s;
};

}  // namespace

void validate_whisper_model_file(const std::filesystem::path& path) {
  const std::string fix = "point whisper: at a whisper.cpp model file (ggml-base.en.bin, ggml-small.bin, ...)";
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  if (error) {
    throw Error("whisper model not found: " + path.string(), fix);
  }
  FileReader in(path, size);
  std::uint32_t magic = 0;
  if (!in.good() || !in.read(magic)) {
    throw Error("whisper model is empty or unreadable: " + path.string(), fix);
  }
  if (magic == 0x46554747) {  // "GGUF"
    throw Error("'" + path.string() + "' is a GGUF file (llama.cpp format), not a whisper.cpp model", fix);
  }
  if (magic != kGgmlMagic) {
    throw Error("'" + path.string() + "' is not a whisper.cpp model (bad magic number)", fix);
  }
  std::array<std::int32_t, 11> hparams{};
  for (auto& value : hparams) {
    if (!in.read(value)) {
      throw Error("whisper model is truncated (header): " + path.string(), fix);
    }
  }
  const auto [n_vocab, n_audio_ctx, n_audio_state, n_audio_head, n_audio_layer, n_text_ctx, n_text_state, n_text_head,
              n_text_layer, n_mels, ftype] = hparams;
  const bool sane = n_vocab > 0 && n_vocab < 1000000 && n_audio_ctx > 0 && n_audio_ctx <= 100000 && n_audio_state > 0 &&
                    n_audio_head > 0 && n_audio_layer > 0 && n_audio_layer <= 256 && n_text_ctx > 0 &&
                    n_text_state > 0 && n_text_head > 0 && n_text_layer > 0 && n_text_layer <= 256 && n_mels > 0 &&
                    n_mels <= 512 && ftype >= 0;
  if (!sane) {
    throw Error("'" + path.string() + "' has implausible whisper hyper-parameters (corrupt file?)", fix);
  }
  std::int32_t filter_mels = 0;
  std::int32_t filter_fft = 0;
  if (!in.read(filter_mels) || !in.read(filter_fft) || filter_mels <= 0 || filter_fft <= 0 ||
      !in.skip(std::uintmax_t{4} * static_cast<std::uintmax_t>(filter_mels) *
               static_cast<std::uintmax_t>(filter_fft))) {
    throw Error("whisper model is truncated (mel filters): " + path.string(), fix);
  }
  std::int32_t vocab_count = 0;
  if (!in.read(vocab_count) || vocab_count < 0 || vocab_count > n_vocab) {
    throw Error("whisper model is truncated or corrupt (vocabulary): " + path.string(), fix);
  }
  for (std::int32_t i = 0; i < vocab_count; ++i) {
    std::uint32_t length = 0;
    if (!in.read(length) || length > 4096 || !in.skip(length)) {
      throw Error("whisper model is truncated (vocabulary): " + path.string(), fix);
    }
  }
  int tensors = 0;
  while (in.remaining() > 0) {
    std::int32_t n_dims = 0;
    std::int32_t name_length = 0;
    std::int32_t type = 0;
    if (!in.read(n_dims) || !in.read(name_length) || !in.read(type) || n_dims < 1 || n_dims > 4 || name_length <= 0 ||
        name_length > 512 || type < 0 || type >= GGML_TYPE_COUNT) {
      throw Error("whisper model is truncated or corrupt (tensor " + std::to_string(tensors) + "): " + path.string(),
                  fix);
    }
    const auto ggml_type_id = static_cast<ggml_type>(type);
    const std::int64_t block = ggml_blck_size(ggml_type_id);
    std::uintmax_t elements = 1;
    std::int64_t first_dim = 1;
    for (std::int32_t d = 0; d < n_dims; ++d) {
      std::int32_t dim = 0;
      if (!in.read(dim) || dim <= 0) {
        throw Error("whisper model is corrupt (tensor shape): " + path.string(), fix);
      }
      if (d == 0) {
        first_dim = dim;
      }
      elements *= static_cast<std::uintmax_t>(dim);
    }
    if (block <= 0 || ggml_type_size(ggml_type_id) == 0 || first_dim % block != 0) {
      throw Error("whisper model uses an unsupported tensor type " + std::to_string(type) + ": " + path.string(), fix);
    }
    const std::uintmax_t bytes = elements / static_cast<std::uintmax_t>(block) * ggml_type_size(ggml_type_id);
    if (!in.skip(static_cast<std::uintmax_t>(name_length)) || !in.skip(bytes)) {
      throw Error("whisper model is truncated (tensor " + std::to_string(tensors) + " of an expected " +
                      std::to_string(11 + 15 * n_audio_layer + 24 * n_text_layer) + "): " + path.string(),
                  "the download was probably interrupted; " + fix);
    }
    ++tensors;
  }
  if (tensors == 0) {
    throw Error("whisper model has no weights (truncated): " + path.string(), fix);
  }
}

struct WhisperStt::Model {
  ContextPtr context;
  std::mutex mutex;
  std::vector<StatePtr> idle;
  // The cost model for budgeting partials: ms = fixed + per_second * audio seconds (wall time of a decode).
  std::mutex cost_mutex;
  double fixed_ms = 0.0;
  double per_second_ms = -1.0;  // < 0: no whole decode measured yet

  void record_cost(double audio_s, double ms) {
    const std::lock_guard lock(cost_mutex);
    if (per_second_ms < 0.0) {
      fixed_ms = ms;  // the warm-up: half a second of silence, so almost all of it is fixed cost
      per_second_ms = ms;
      return;
    }
    if (audio_s < 1.0) {
      return;
    }
    const double sample = std::max(0.0, (ms - fixed_ms) / audio_s);
    per_second_ms = 0.7 * per_second_ms + 0.3 * sample;
  }

  double expected_ms(double audio_s) {
    const std::lock_guard lock(cost_mutex);
    return fixed_ms + std::max(0.0, per_second_ms) * audio_s;
  }

  StatePtr acquire() {
    {
      std::lock_guard lock(mutex);
      if (!idle.empty()) {
        StatePtr state = std::move(idle.back());
        idle.pop_back();
        return state;
      }
    }
    StatePtr state(whisper_init_state(context.get()));
    if (!state) {
      throw Error("whisper.cpp could not allocate a decoder state (out of memory?)",
                  "close other programs or use a smaller whisper model");
    }
    return state;
  }

  void release(StatePtr state) {
    std::lock_guard lock(mutex);
    idle.push_back(std::move(state));
  }
};

WhisperStt::WhisperStt(WhisperSettings settings) : model_(std::make_shared<Model>()), settings_(std::move(settings)) {
  validate_whisper_model_file(settings_.model_path);
  if (settings_.threads <= 0) {
    settings_.threads = static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1U, 4U));
  }
  const auto start = std::chrono::steady_clock::now();
  whisper_log_set(forward_whisper_log, nullptr);
  // Debian ships ggml's CPU backends as plugins; without loading them whisper finds no device and aborts.
  ggml_backend_load_all();
  whisper_context_params params = whisper_context_default_params();
  params.use_gpu = false;
  model_->context.reset(whisper_init_from_file_with_params_no_state(settings_.model_path.c_str(), params));
  if (!model_->context) {
    throw Error(
        "whisper.cpp could not load " + settings_.model_path.string() + " (run with --log-level debug for details)",
        "download the model again; it may be damaged or from an incompatible whisper.cpp version");
  }
  if (!whisper_is_multilingual(model_->context.get()) && settings_.language != "en" && settings_.language != "auto") {
    throw Error("whisper model " + settings_.model_path.filename().string() + " is English-only but language '" +
                    settings_.language + "' was requested",
                "use a multilingual model (e.g. whisper:base) or language=en");
  }
  const std::vector<float> quiet(kSttSampleRateHz / 2, 0.0F);
  TranscribeOptions warm;
  warm.language = "en";
  (void)transcribe_samples(quiet, warm);
  log::info("stt model loaded", {{"engine", "whisper"},
                                 {"path", settings_.model_path.string()},
                                 {"multilingual", whisper_is_multilingual(model_->context.get()) != 0},
                                 {"load_ms", util::ms_since(start)}});
}

WhisperStt::~WhisperStt() = default;

SttCapabilities WhisperStt::capabilities() const {
  SttCapabilities caps;
  caps.name = "whisper";
  caps.streaming = false;
  caps.partial_results = false;
  caps.translation = whisper_is_multilingual(model_->context.get()) != 0;
  caps.segment_timestamps = true;
  caps.sample_rates_hz = {kSttSampleRateHz};
  if (whisper_is_multilingual(model_->context.get()) != 0) {
    caps.languages.emplace_back("auto");
    for (int id = 0; id <= whisper_lang_max_id(); ++id) {
      caps.languages.emplace_back(whisper_lang_str(id));
    }
  } else {
    caps.languages = {"en"};
  }
  return caps;
}

Transcript WhisperStt::transcribe(const audio::AudioBuffer& audio, const TranscribeOptions& options,
                                  std::stop_token stop) const {
  const auto start = std::chrono::steady_clock::now();
  const auto samples = to_engine_audio(audio);
  const double preprocess_ms = util::ms_since(start);
  Transcript result = transcribe_samples(samples, options, stop);
  result.timings.preprocess_ms = preprocess_ms;
  result.timings.total_ms = util::ms_since(start);
  return result;
}

Transcript WhisperStt::transcribe_samples(std::span<const float> samples, const TranscribeOptions& options,
                                          std::stop_token stop) const {
  return decode(samples, options, std::move(stop), true);
}

Transcript WhisperStt::transcribe_window(std::span<const float> samples, const TranscribeOptions& options,
                                         std::stop_token stop) const {
  return decode(samples, options, std::move(stop), false);
}

double WhisperStt::expected_decode_ms(double audio_s) const { return model_->expected_ms(audio_s); }

std::unique_ptr<UtteranceDecoder> WhisperStt::open_utterance(const TranscribeOptions& options) const {
  return std::make_unique<WhisperUtteranceDecoder>(*this, options);
}

Transcript WhisperStt::decode(std::span<const float> samples, const TranscribeOptions& options, std::stop_token stop,
                              bool whole) const {
  const auto start = std::chrono::steady_clock::now();
  whisper_context* context = model_->context.get();
  const bool multilingual = whisper_is_multilingual(context) != 0;
  std::string language = options.language.empty() ? settings_.language : options.language;
  if (language != "auto" && whisper_lang_id(language.c_str()) < 0) {
    throw Error("unknown language '" + language + "' for whisper", "use an ISO 639-1 code such as en, de, fr, or auto");
  }
  if (!multilingual && language != "en" && language != "auto") {
    throw Error("this whisper model is English-only; cannot transcribe language '" + language + "'",
                "use a multilingual model (e.g. whisper:base) or language en");
  }
  if (!multilingual) {
    language = "en";
  }
  const bool translate = options.translate || settings_.translate;
  const std::string prompt = options.prompt.empty() ? settings_.initial_prompt : options.prompt;

  whisper_full_params params =
      whisper_full_default_params(settings_.beam_size > 1 ? WHISPER_SAMPLING_BEAM_SEARCH : WHISPER_SAMPLING_GREEDY);
  params.n_threads = settings_.threads;
  params.print_progress = false;
  params.print_realtime = false;
  params.print_timestamps = false;
  params.print_special = false;
  params.translate = translate && multilingual;
  params.no_context = true;
  params.language = language.c_str();
  params.detect_language = false;
  params.initial_prompt = prompt.empty() ? nullptr : prompt.c_str();
  params.temperature_inc = settings_.temperature_inc;
  if (settings_.beam_size > 1) {
    params.beam_search.beam_size = settings_.beam_size;
  }
  const double audio_s = static_cast<double>(samples.size()) / kSttSampleRateHz;
  if (settings_.trim_audio_ctx && audio_s < 30.0) {
    // The encoder otherwise always attends over 30 s; a 3 s clip needs a tenth of that (plus a margin, as too
    // tight a context makes the decoder hallucinate at the end).
    const int needed = static_cast<int>(audio_s * kAudioCtxPerSecond) + 64;
    params.audio_ctx = std::min(kMaxAudioCtx, std::min(whisper_n_audio_ctx(context), needed));
  }
  // Checked by whisper between decoder steps and by ggml inside graph computations.
  params.abort_callback = [](void* data) { return static_cast<std::stop_token*>(data)->stop_requested(); };
  params.abort_callback_user_data = &stop;
  SegmentSink sink{&options.on_segment, audio_s};
  if (options.on_segment) {
    params.new_segment_callback = [](whisper_context*, whisper_state* state, int n_new, void* data) {
      const auto* target = static_cast<SegmentSink*>(data);
      const int total = whisper_full_n_segments_from_state(state);
      for (int i = std::max(0, total - n_new); i < total; ++i) {
        const Segment segment = read_segment(state, i, target->audio_s);
        if (!segment.text.empty()) {
          (*target->on_segment)(segment);
        }
      }
    };
    params.new_segment_callback_user_data = &sink;
  }

  if (stop.stop_requested()) {
    throw Cancelled();
  }
  StatePtr state = model_->acquire();
  const int status =
      whisper_full_with_state(context, state.get(), params, samples.data(), static_cast<int>(samples.size()));
  if (stop.stop_requested()) {
    throw Cancelled();  // a state aborted mid-computation is dropped rather than reused
  }
  if (status != 0) {
    throw Error("whisper.cpp failed to transcribe the audio (status " + std::to_string(status) + ")",
                "check that the audio is speech at a usable level; see the debug log for whisper's message");
  }

  Transcript result;
  const int segments = whisper_full_n_segments_from_state(state.get());
  for (int i = 0; i < segments; ++i) {
    Segment segment = read_segment(state.get(), i, audio_s);
    if (!segment.text.empty()) {
      result.segments.push_back(std::move(segment));
    }
  }
  const int language_id = whisper_full_lang_id_from_state(state.get());
  result.language = language_id >= 0 ? whisper_lang_str(language_id) : language;
  model_->release(std::move(state));
  result.text = join_segments(result.segments);
  result.timings.audio_s = audio_s;
  result.timings.inference_ms = util::ms_since(start);
  result.timings.total_ms = result.timings.inference_ms;
  if (whole) {
    model_->record_cost(audio_s, result.timings.inference_ms);
  }
  return result;
}

}  // namespace lv::stt
