#include "tts/piper_engine.h"

#include <algorithm>
#include <array>
#include <cmath>

#include <onnxruntime_cxx_api.h>

#include "onnx/ort_session.h"
#include "tts/espeak_runtime.h"
#include "tts/sentence_splitter.h"
#include "util/error.h"
#include "util/log.h"

namespace lv::tts {

namespace {

// onnxruntime wants one environment per process; sessions created from it are independent.
const Ort::Env& ort_env() {
  static const Ort::Env env(ORT_LOGGING_LEVEL_ERROR, "localvoice");
  return env;
}

std::unique_ptr<Ort::Session> create_session(const std::filesystem::path& path, int threads) {
  Ort::SessionOptions options = onnx::single_thread_options();
  options.SetIntraOpNumThreads(std::max(1, threads));
  return onnx::open_session(ort_env(), path, options);
}

std::string model_fix() {
  return "download the voice again (both VOICE.onnx and VOICE.onnx.json) from the Piper voices page";
}

}  // namespace

struct PiperEngine::Model {
  PiperSettings settings;
  PiperVoiceConfig config;
  std::unique_ptr<Ort::Session> session;
  bool has_sid = false;
  std::int64_t default_speaker = 0;
  std::string voice_name;  // the model file's stem
};

PiperEngine::PiperEngine(PiperSettings settings) : model_(std::make_unique<Model>()) {
  Model& m = *model_;
  m.settings = std::move(settings);
  const auto& path = m.settings.model_path;
  m.voice_name = path.stem().string();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw Error("Piper model " + path.string() + " does not exist",
                "give the path of a Piper voice .onnx file, e.g. piper:/models/en_US-lessac-medium.onnx");
  }
  m.config = read_piper_voice_config(std::filesystem::path(path.string() + ".json"));
  if (m.config.phoneme_type != "espeak") {
    throw Error("Piper voice " + path.string() + " uses phoneme_type '" + m.config.phoneme_type + "'",
                "use a Piper voice with phoneme_type \"espeak\" (all published Piper voices have it)");
  }
  try {
    m.session = create_session(path, m.settings.threads);
  } catch (const Ort::Exception& e) {
    throw Error("cannot load Piper model " + path.string() + ": " + e.what(), model_fix());
  }
  Ort::AllocatorWithDefaultOptions allocator;
  std::vector<std::string> inputs;
  for (std::size_t i = 0; i < m.session->GetInputCount(); ++i) {
    inputs.emplace_back(m.session->GetInputNameAllocated(i, allocator).get());
  }
  for (const char* required : {"input", "input_lengths", "scales"}) {
    if (std::find(inputs.begin(), inputs.end(), required) == inputs.end()) {
      throw Error("model " + path.string() + " is not a Piper voice (it has no input '" + required + "')", model_fix());
    }
  }
  m.has_sid = std::find(inputs.begin(), inputs.end(), "sid") != inputs.end();
  if (m.session->GetOutputCount() < 1) {
    throw Error("model " + path.string() + " has no output", model_fix());
  }

  // Voices: the speaker names of a multi-speaker voice (default first), else the model's own name.
  std::vector<std::pair<int, std::string>> speakers;
  for (const auto& [speaker_name, id] : m.config.speaker_id_map) {
    speakers.emplace_back(id, speaker_name);
  }
  std::sort(speakers.begin(), speakers.end());
  if (!m.settings.speaker.empty()) {
    const auto named = m.config.speaker_id_map.find(m.settings.speaker);
    if (named != m.config.speaker_id_map.end()) {
      m.default_speaker = named->second;
    } else if (std::all_of(m.settings.speaker.begin(), m.settings.speaker.end(),
                           [](char c) { return c >= '0' && c <= '9'; }) &&
               m.settings.speaker.size() < 9 && std::stoi(m.settings.speaker) < m.config.num_speakers) {
      m.default_speaker = std::stoi(m.settings.speaker);
    } else {
      throw Error("Piper voice " + m.voice_name + " has no speaker '" + m.settings.speaker + "'",
                  "use a speaker id below " + std::to_string(m.config.num_speakers) +
                      " or a name from speaker_id_map in the .onnx.json file");
    }
  }
  if (speakers.empty()) {
    capabilities_.voices = {m.voice_name};
  } else {
    for (const auto& [id, speaker_name] : speakers) {
      if (id == m.default_speaker) {
        capabilities_.voices.insert(capabilities_.voices.begin(), speaker_name);
      } else {
        capabilities_.voices.push_back(speaker_name);
      }
    }
  }
  capabilities_.streaming = true;  // one chunk per sentence
  capabilities_.sample_rates_hz = {m.config.sample_rate_hz};
  capabilities_.languages = {m.config.espeak_voice};
  {
    EspeakLock espeak;
    espeak.set_voice(m.config.espeak_voice);
  }
  // Warm-up: the first run allocates and plans the graph.
  const auto warm = synthesize_to_buffer(*this, "Hello.");
  if (warm.audio.samples.empty()) {
    throw Error("Piper voice " + path.string() + " produced no audio while warming up", model_fix());
  }
  log::info("tts engine loaded",
            {{"engine", name()}, {"sample_rate_hz", m.config.sample_rate_hz}, {"speakers", m.config.num_speakers}});
}

PiperEngine::~PiperEngine() = default;

std::string PiperEngine::name() const { return "piper:" + model_->voice_name; }

int PiperEngine::sample_rate_hz(std::string_view /*voice*/) const { return model_->config.sample_rate_hz; }

const PiperVoiceConfig& PiperEngine::config() const { return model_->config; }

std::vector<std::int64_t> PiperEngine::phoneme_ids(std::string_view sentence) const {
  std::vector<std::string> clauses;
  {
    EspeakLock espeak;
    espeak.set_voice(model_->config.espeak_voice);
    clauses = espeak.text_to_phonemes(sentence);
  }
  std::string phonemes;
  for (const auto& clause : clauses) {
    if (!phonemes.empty()) {
      phonemes += ' ';
    }
    phonemes += clause;
  }
  std::vector<std::string> missing;
  auto ids = phonemes_to_ids(model_->config, phonemes, &missing);
  if (!missing.empty() && log::enabled(log::Level::debug)) {
    std::string list;
    for (const auto& symbol : missing) {
      list += symbol;
    }
    log::debug("phonemes missing from the Piper voice were skipped",
               {{"voice", model_->voice_name}, {"phonemes", list}});
  }
  return ids;
}

bool PiperEngine::do_synthesize(std::string_view text, const SynthesisOptions& options, const AudioSink& emit,
                                std::stop_token stop) {
  const Model& m = *model_;
  std::int64_t speaker = m.default_speaker;
  if (!options.voice.empty() && !m.config.speaker_id_map.empty()) {
    speaker = m.config.speaker_id_map.at(options.voice);  // validated against capabilities().voices
  }
  const float length_scale =
      m.settings.length_scale.value_or(m.config.length_scale) / static_cast<float>(options.speed);
  std::array<float, 3> scales{m.settings.noise_scale.value_or(m.config.noise_scale), length_scale,
                              m.settings.noise_w.value_or(m.config.noise_w)};
  const auto memory = Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
  std::vector<float> audio;
  // One inference per sentence: short inputs keep the first audio early and the model in its trained range.
  for (const auto& sentence : split_sentences(text)) {
    if (stop.stop_requested()) {
      return true;
    }
    std::vector<std::int64_t> ids = phoneme_ids(sentence);
    std::array<std::int64_t, 2> ids_shape{1, static_cast<std::int64_t>(ids.size())};
    std::array<std::int64_t, 1> lengths{static_cast<std::int64_t>(ids.size())};
    std::array<std::int64_t, 1> one{1};
    std::array<std::int64_t, 1> three{3};
    std::array<std::int64_t, 1> sid{speaker};
    std::vector<Ort::Value> inputs;
    inputs.push_back(Ort::Value::CreateTensor<std::int64_t>(memory, ids.data(), ids.size(), ids_shape.data(), 2));
    inputs.push_back(Ort::Value::CreateTensor<std::int64_t>(memory, lengths.data(), 1, one.data(), 1));
    inputs.push_back(Ort::Value::CreateTensor<float>(memory, scales.data(), 3, three.data(), 1));
    std::vector<const char*> input_names{"input", "input_lengths", "scales"};
    if (m.has_sid) {
      inputs.push_back(Ort::Value::CreateTensor<std::int64_t>(memory, sid.data(), 1, one.data(), 1));
      input_names.push_back("sid");
    }
    const char* output_names[] = {"output"};
    Ort::RunOptions run_options;
    // A stop request terminates a running inference from the requesting thread.
    std::stop_callback terminate(stop, [&run_options] { run_options.SetTerminate(); });
    std::vector<Ort::Value> outputs;
    try {
      outputs = m.session->Run(run_options, input_names.data(), inputs.data(), inputs.size(), output_names, 1);
    } catch (const Ort::Exception& e) {
      if (stop.stop_requested()) {
        return true;
      }
      throw Error("Piper inference failed for voice " + m.voice_name + ": " + e.what(), model_fix());
    }
    const auto info = outputs.front().GetTensorTypeAndShapeInfo();
    const float* samples = outputs.front().GetTensorData<float>();
    audio.assign(samples, samples + info.GetElementCount());
    // VITS output can overshoot full scale; scale it down rather than clip.
    float peak = 0.0F;
    for (const float sample : audio) {
      peak = std::max(peak, std::abs(sample));
    }
    if (peak > 1.0F) {
      for (float& sample : audio) {
        sample /= peak;
      }
    }
    if (!emit(audio)) {
      return true;
    }
  }
  return stop.stop_requested();
}

}  // namespace lv::tts
