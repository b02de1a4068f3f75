#include "tts/flite_engine.h"

#include <array>
#include <cstdint>
#include <mutex>
#include <vector>

#include "tts/sentence_splitter.h"
#include "util/error.h"
#include "util/log.h"

extern "C" {
#include <flite/flite.h>

cst_voice* register_cmu_us_slt(const char* voxdir);
cst_voice* register_cmu_us_kal16(const char* voxdir);
cst_voice* register_cmu_us_rms(const char* voxdir);
cst_voice* register_cmu_us_awb(const char* voxdir);
}

namespace lv::tts {

namespace {

struct VoiceEntry {
  const char* name;
  cst_voice* (*register_voice)(const char*);
};

constexpr std::array<VoiceEntry, 4> kVoices{{
    {"slt", register_cmu_us_slt},
    {"kal16", register_cmu_us_kal16},
    {"rms", register_cmu_us_rms},
    {"awb", register_cmu_us_awb},
}};

// Flite's voices are process-wide singletons created by their register function (which is not safe to
// call concurrently) and its utterance pipeline is not documented as reentrant for one voice. One lock for
// registration and synthesis keeps every engine instance safe; flite runs far faster than real time, so
// callers waiting on each other costs little.
std::mutex& flite_mutex() {
  static std::mutex mutex;
  return mutex;
}

// Per-call context reached from flite's streaming callback through asi->userdata.
struct StreamContext {
  const AudioSink* emit = nullptr;
  std::stop_token stop;
  std::vector<float> scratch;
  bool stopped = false;
};

int on_flite_audio(const cst_wave* wave, int start, int size, int /*last*/, cst_audio_streaming_info* asi) {
  auto* context = static_cast<StreamContext*>(asi->userdata);
  if (context->stop.stop_requested()) {
    context->stopped = true;
    return CST_AUDIO_STREAM_STOP;
  }
  if (size <= 0) {
    return CST_AUDIO_STREAM_CONT;
  }
  context->scratch.resize(static_cast<std::size_t>(size));
  const std::int16_t* samples = wave->samples + start;
  for (int i = 0; i < size; ++i) {
    context->scratch[static_cast<std::size_t>(i)] = static_cast<float>(samples[i]) / 32768.0F;
  }
  if (!(*context->emit)(context->scratch)) {
    context->stopped = true;
    return CST_AUDIO_STREAM_STOP;
  }
  return CST_AUDIO_STREAM_CONT;
}

struct UtteranceDeleter {
  void operator()(cst_utterance* utterance) const { delete_utterance(utterance); }
};
using UtterancePtr = std::unique_ptr<cst_utterance, UtteranceDeleter>;

}  // namespace

struct FliteEngine::Voices {
  struct Loaded {
    std::string name;
    cst_voice* voice = nullptr;  // owned by flite (process-wide singleton)
    int sample_rate_hz = 16000;
  };
  std::vector<Loaded> loaded;  // loaded[0] is the default voice
  std::string default_name;

  const Loaded& find(std::string_view voice) const {
    if (voice.empty()) {
      return loaded.front();
    }
    for (const auto& entry : loaded) {
      if (entry.name == voice) {
        return entry;
      }
    }
    throw Error("unknown flite voice '" + std::string(voice) + "'", "use one of: slt, kal16, rms, awb");
  }
};

namespace {

// Synthesizes one piece of text (one utterance) with streaming; returns true when stopped early.
bool synthesize_utterance(cst_voice* voice, const std::string& text, double speed, StreamContext& context) {
  UtterancePtr utterance(new_utterance());
  utt_set_input_text(utterance.get(), text.c_str());
  utt_init(utterance.get(), voice);
  // Set on the utterance, not the voice, so concurrent calls never see each other's callback or speed.
  cst_audio_streaming_info* asi = new_audio_streaming_info();
  asi->min_buffsize = 1024;
  asi->asc = on_flite_audio;
  asi->userdata = &context;
  feat_set(utterance->features, "streaming_info", audio_streaming_info_val(asi));  // utterance owns asi
  feat_set_float(utterance->features, "duration_stretch", static_cast<float>(1.0 / speed));
  if (utt_synth(utterance.get()) == nullptr && !context.stopped) {
    throw Error("flite failed to synthesize '" + text.substr(0, 60) + "'",
                "check that the text is valid UTF-8 English text");
  }
  return context.stopped;
}

}  // namespace

FliteEngine::FliteEngine(std::string_view default_voice) : voices_(std::make_unique<Voices>()) {
  const std::string wanted = default_voice.empty() ? std::string("slt") : std::string(default_voice);
  bool known = false;
  for (const auto& entry : kVoices) {
    known = known || wanted == entry.name;
  }
  if (!known) {
    throw Error("unknown flite voice '" + wanted + "'", "use flite:slt, flite:kal16, flite:rms or flite:awb");
  }
  {
    std::lock_guard lock(flite_mutex());
    flite_init();
    // Default voice first, so capabilities().voices.front() and find("") name it.
    std::vector<VoiceEntry> order;
    for (const auto& entry : kVoices) {
      if (wanted == entry.name) {
        order.insert(order.begin(), entry);
      } else {
        order.push_back(entry);
      }
    }
    for (const auto& entry : order) {
      cst_voice* voice = entry.register_voice(nullptr);
      if (voice == nullptr) {
        throw Error(std::string("flite could not load voice '") + entry.name + "'", "reinstall the flite1-dev package");
      }
      voices_->loaded.push_back({entry.name, voice, 16000});
    }
  }
  voices_->default_name = wanted;
  capabilities_.streaming = true;
  capabilities_.languages = {"en-us"};
  // Warm-up: synthesize a short word with each voice, which also reveals its native sample rate.
  for (auto& loaded : voices_->loaded) {
    std::lock_guard lock(flite_mutex());
    UtterancePtr utterance(flite_synth_text("Hello.", loaded.voice));
    const cst_wave* wave = utterance ? utt_wave(utterance.get()) : nullptr;
    if (wave == nullptr || wave->num_samples <= 0) {
      throw Error("flite voice '" + loaded.name + "' produced no audio while warming up",
                  "reinstall the flite1-dev package");
    }
    loaded.sample_rate_hz = wave->sample_rate;
    capabilities_.voices.push_back(loaded.name);
  }
  for (const auto& loaded : voices_->loaded) {
    if (std::find(capabilities_.sample_rates_hz.begin(), capabilities_.sample_rates_hz.end(), loaded.sample_rate_hz) ==
        capabilities_.sample_rates_hz.end()) {
      capabilities_.sample_rates_hz.push_back(loaded.sample_rate_hz);
    }
  }
  log::info("tts engine loaded", {{"engine", name()}, {"sample_rate_hz", sample_rate_hz()}});
}

FliteEngine::~FliteEngine() = default;

std::string FliteEngine::name() const { return "flite:" + voices_->default_name; }

int FliteEngine::sample_rate_hz(std::string_view voice) const { return voices_->find(voice).sample_rate_hz; }

bool FliteEngine::do_synthesize(std::string_view text, const SynthesisOptions& options, const AudioSink& emit,
                                std::stop_token stop) {
  const auto& voice = voices_->find(options.voice);
  StreamContext context;
  context.emit = &emit;
  context.stop = stop;
  // One utterance per sentence bounds the time before the first audio and between stop checks on long text.
  for (const auto& sentence : split_sentences(text)) {
    if (stop.stop_requested()) {
      return true;
    }
    std::lock_guard lock(flite_mutex());
    if (synthesize_utterance(voice.voice, sentence, options.speed, context)) {
      return true;
    }
  }
  return stop.stop_requested();
}

}  // namespace lv::tts
