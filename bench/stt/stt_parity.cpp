// STT parity: word error rate of PocketSphinx called directly (its default configuration, 20 ms chunks)
// against each LocalVoice path over the same recordings: `localvoice transcribe`, POST
// /v1/audio/transcriptions and a realtime VoiceSession fed 48 kHz frames. Table on stderr, JSON on stdout.
#include <pocketsphinx.h>

#include <nlohmann/json.hpp>

#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "api/transcription_routes.h"
#include "app/transcribe_command.h"
#include "audio/pcm.h"
#include "audio/resampler.h"
#include "audio/wav.h"
#include "engine/engine_registry.h"
#include "parity_corpus.h"
#include "server/router.h"
#include "session/session_runtime.h"
#include "session/voice_session.h"
#include "stt/channel_estimate.h"
#include "stt/register_stt.h"
#include "stt/utterance_decoder.h"
#include "stt/wer.h"
#include "vad/register_vad.h"

namespace {

using lv::bench::Clip;
using nlohmann::json;

const std::vector<std::string> kAllPaths = {"raw",  "transcribe",    "stream-cold", "stream",
                                            "http", "realtime-cold", "realtime"};

struct ConfigFree {
  void operator()(ps_config_t* config) const { ps_config_free(config); }
};
struct DecoderFree {
  void operator()(ps_decoder_t* decoder) const { ps_free(decoder); }
};

// PocketSphinx as its own documentation uses it: default search arguments, one decoder, audio as it arrives.
class RawPocketsphinx {
 public:
  RawPocketsphinx() : config_(ps_config_init(nullptr)) {
    ps_default_search_args(config_.get());
    ps_config_set_str(config_.get(), "loglevel", "ERROR");  // quiet; no effect on recognition
    decoder_.reset(ps_init(config_.get()));
    if (!decoder_) {
      throw std::runtime_error("pocketsphinx could not load its default model (install pocketsphinx-en-us)");
    }
  }

  std::string transcribe(const lv::audio::AudioBuffer& audio) {
    const auto mono16k = lv::audio::to_mono(audio, 16000);
    const auto pcm = lv::audio::float_to_pcm16(mono16k.samples);
    constexpr std::size_t kChunkSamples = 320;  // 20 ms at 16 kHz
    ps_start_utt(decoder_.get());
    for (std::size_t offset = 0; offset < pcm.size(); offset += kChunkSamples) {
      ps_process_raw(decoder_.get(), pcm.data() + offset, std::min(kChunkSamples, pcm.size() - offset), 0, 0);
    }
    ps_end_utt(decoder_.get());
    const char* hyp = ps_get_hyp(decoder_.get(), nullptr);
    return hyp == nullptr ? std::string() : std::string(hyp);
  }

 private:
  std::unique_ptr<ps_config_t, ConfigFree> config_;
  std::unique_ptr<ps_decoder_t, DecoderFree> decoder_;
};

constexpr int kMicRateHz = 48000;  // what a browser captures at

// A newly loaded engine, as each `localvoice transcribe` run or server start has.
lv::stt::SttEnginePtr load_engine() {
  lv::engine::EngineRegistry<lv::stt::SttEngine> registry(lv::engine::EngineKind::stt);
  lv::stt::register_stt_engines(registry, {});
  return registry.create(lv::engine::parse_engine_url("pocketsphinx:en-us"));
}

// What `localvoice transcribe FILE.wav` prints: a new process loads the engine, reads the WAV file and
// transcribes it once.
std::string via_transcribe_command(const Clip& clip, const std::filesystem::path& dir) {
  const auto engine = load_engine();
  const auto wav = dir / "transcribe-input.wav";
  lv::audio::write_wav(wav, clip.audio);
  lv::app::TranscribeFlags flags;
  flags.file = wav.string();
  std::ostringstream out;
  lv::app::run_transcribe(*engine, flags, out);
  return out.str();
}

// An utterance decoder fed 20 ms pieces with a partial polled every 600 ms, as the voice session feeds it;
// `channel` carries what the speaker's earlier clips showed, as a session carries it from turn to turn.
std::string via_utterance_decoder(const lv::stt::SttEngine& engine, const Clip& clip,
                                  std::shared_ptr<lv::stt::ChannelEstimate> channel) {
  const auto samples = lv::audio::to_mono(clip.audio, lv::stt::kSttSampleRateHz).samples;
  lv::stt::TranscribeOptions options;
  options.channel = std::move(channel);
  auto decoder = engine.open_utterance(options);
  const std::span<const float> all(samples);
  for (std::size_t offset = 0; offset < all.size(); offset += 320) {
    decoder->feed(all.subspan(offset, std::min<std::size_t>(320, all.size() - offset)));
    if ((offset / 320) % 30 == 29) {
      (void)decoder->partial();
    }
  }
  return decoder->finish().text;
}

// The route handler itself, with an OpenAI-style multipart upload.
std::string via_http_route(const lv::server::Router& router, const Clip& clip) {
  const std::string boundary = "parity-bench-boundary";
  lv::server::HttpRequest request;
  request.method = "POST";
  request.path = request.target = "/v1/audio/transcriptions";
  request.headers = {{"content-type", "multipart/form-data; boundary=" + boundary}};
  request.body = "--" + boundary +
                 "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"clip.wav\"\r\n"
                 "Content-Type: audio/wav\r\n\r\n" +
                 lv::audio::encode_wav(clip.audio) + "\r\n--" + boundary +
                 "\r\nContent-Disposition: form-data; name=\"response_format\"\r\n\r\ntext\r\n--" + boundary + "--\r\n";
  const auto match = router.match(request.method, request.path);
  if (match.route == nullptr) {
    throw std::runtime_error("no /v1/audio/transcriptions route");
  }
  const auto response = lv::server::Router::invoke(*match.route, request);
  if (response.status != 200) {
    throw std::runtime_error("transcription route answered " + std::to_string(response.status) + ": " + response.body);
  }
  return response.body;
}

// Final transcripts of a session, and a way to wait until every finished turn has one.
class TranscriptCollector {
 public:
  void on_event(const lv::session::SessionEvent& event) {
    const std::lock_guard lock(mutex_);
    if (const auto* final_text = std::get_if<lv::session::TranscriptFinal>(&event)) {
      text_ += (text_.empty() ? "" : " ") + final_text->text;
      ++finals_;
    } else if (std::holds_alternative<lv::session::SpeechStopped>(event)) {
      ++stopped_;
    } else if (const auto* state = std::get_if<lv::session::StateChanged>(&event)) {
      listening_ = state->state == lv::session::AgentState::listening;
    }
    last_event_ = std::chrono::steady_clock::now();
    changed_.notify_all();
  }

  // Until each stopped turn was transcribed (or came back empty) and the agent has listened again for a while
  // (so its reply is over before the next clip); then the text, and the tally starts again.
  std::string take(std::chrono::milliseconds timeout) {
    constexpr auto kQuiet = std::chrono::milliseconds(300);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::unique_lock lock(mutex_);
    while (std::chrono::steady_clock::now() < deadline) {
      const bool done = stopped_ > 0 && finals_ >= stopped_ && listening_;
      if (done && std::chrono::steady_clock::now() - last_event_ >= kQuiet) {
        break;
      }
      changed_.wait_for(lock, std::chrono::milliseconds(50));
    }
    std::string text = std::move(text_);
    text_.clear();
    finals_ = stopped_ = 0;
    return text;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::string text_;
  int finals_ = 0;
  int stopped_ = 0;
  bool listening_ = false;
  std::chrono::steady_clock::time_point last_event_;
};

// A realtime session that hears one speaker's clips as its turns, one after another.
struct SpeakerSession {
  std::shared_ptr<TranscriptCollector> collector = std::make_shared<TranscriptCollector>();
  lv::session::VoiceSessionPtr session;
  SpeakerSession() = default;
  SpeakerSession(const SpeakerSession&) = delete;
  SpeakerSession& operator=(const SpeakerSession&) = delete;
  ~SpeakerSession() {
    if (session) {
      session->close();
    }
  }
};

// The browser's path: 48 kHz microphone audio in 20 ms PCM16 frames, turn detection, then STT; in `speaker`'s
// session when given (its earlier clips were earlier turns), else in a session of its own.
std::string via_realtime_session(lv::session::SessionRuntime& runtime, const lv::session::SessionEngines& engines,
                                 const Clip& clip, SpeakerSession* speaker) {
  constexpr std::size_t kFrameSamples = kMicRateHz / 50;
  constexpr double kFeedSpeed = 4.0;  // faster than real time; well inside the session's input queue
  SpeakerSession own;
  SpeakerSession& target = speaker != nullptr ? *speaker : own;
  if (!target.session) {
    lv::session::SessionOptions options;
    options.input_sample_rate_hz = kMicRateHz;
    target.session = lv::session::create_voice_session(
        runtime, engines, options,
        [collector = target.collector](lv::session::SessionEvent event) { collector->on_event(event); });
    target.session->start();
  }
  auto mic = lv::audio::to_mono(clip.audio, kMicRateHz);
  std::vector<float> samples(kMicRateHz / 2, 0.0F);  // the user starts speaking half a second in
  samples.insert(samples.end(), mic.samples.begin(), mic.samples.end());
  samples.resize(samples.size() + kMicRateHz * 3 / 2, 0.0F);
  const auto pcm = lv::audio::float_to_pcm16(samples);
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t offset = 0, frame = 1; offset < pcm.size(); offset += kFrameSamples, ++frame) {
    const std::size_t count = std::min(kFrameSamples, pcm.size() - offset);
    target.session->push_audio(std::span<const std::int16_t>(pcm).subspan(offset, count));
    std::this_thread::sleep_until(
        start + std::chrono::microseconds(static_cast<long long>(20000.0 * static_cast<double>(frame) / kFeedSpeed)));
  }
  return target.collector->take(std::chrono::seconds(10));
}

struct Tally {
  lv::stt::WordErrors errors;
  int clips = 0;
};

struct Results {
  std::map<std::string, std::map<std::string, Tally>> by_set;  // set -> path -> tally
  json clips = json::array();
};

void add_result(Results& results, const Clip& clip, const std::string& path, const std::string& hypothesis) {
  const auto errors = lv::stt::word_errors(clip.reference, hypothesis);
  for (const std::string& set : {clip.set, std::string("all")}) {
    auto& tally = results.by_set[set][path];
    tally.errors += errors;
    ++tally.clips;
  }
  results.clips.push_back({{"clip", clip.name},
                           {"path", path},
                           {"reference", clip.reference},
                           {"hypothesis", lv::stt::trim(hypothesis)},
                           {"errors", errors.errors()}});
}

std::string format_cell(const Tally& tally) {
  char cell[64];
  std::snprintf(cell, sizeof(cell), "%5.1f%% (%zu/%zu)", 100.0 * tally.errors.rate(), tally.errors.errors(),
                tally.errors.reference_words);
  return cell;
}

void print_table(const Results& results, const std::vector<std::string>& names) {
  const std::map<std::string, std::string> titles = {{"raw", "raw engine"},
                                                     {"transcribe", "localvoice transcribe"},
                                                     {"stream-cold", "utterance decoder, each clip alone"},
                                                     {"stream", "utterance decoder, speaker's channel kept"},
                                                     {"http", "POST /v1/audio/transcriptions"},
                                                     {"realtime-cold", "realtime session, one per clip"},
                                                     {"realtime", "realtime session, the speaker's turns"}};
  std::cerr << "\n| set | clips";
  for (const auto& path : names) {
    std::cerr << " | " << titles.at(path);
  }
  std::cerr << " |\n|---|---";
  for (std::size_t i = 0; i < names.size(); ++i) {
    std::cerr << "|---";
  }
  std::cerr << "|\n";
  for (const auto& [set, paths] : results.by_set) {
    std::cerr << "| " << set << " | " << paths.begin()->second.clips;
    for (const auto& path : names) {
      const auto it = paths.find(path);
      std::cerr << " | " << (it == paths.end() ? std::string("-") : format_cell(it->second));
    }
    std::cerr << " |\n";
  }
}

json to_json(const Results& results) {
  json sets = json::object();
  for (const auto& [set, paths] : results.by_set) {
    for (const auto& [path, tally] : paths) {
      sets[set][path] = {{"clips", tally.clips},
                         {"words", tally.errors.reference_words},
                         {"errors", tally.errors.errors()},
                         {"substitutions", tally.errors.substitutions},
                         {"deletions", tally.errors.deletions},
                         {"insertions", tally.errors.insertions},
                         {"wer", tally.errors.rate()}};
    }
  }
  return {{"benchmark", "stt_parity"}, {"engine", "pocketsphinx:en-us"}, {"sets", sets}, {"clips", results.clips}};
}

// A fresh directory for synthesized clips, removed at exit.
class WorkDir {
 public:
  WorkDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "lv-stt-parity-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("could not create a temporary directory");
    }
    path_ = pattern;
  }
  ~WorkDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  WorkDir(const WorkDir&) = delete;
  WorkDir& operator=(const WorkDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// The server's default detector: Silero when its model is installed, else the energy detector.
lv::vad::VadEnginePtr default_vad() {
  lv::engine::EngineRegistry<lv::vad::VadEngine> registry(lv::engine::EngineKind::vad);
  lv::vad::register_vad_engines(registry, {});
  try {
    return registry.create(lv::engine::parse_engine_url("silero:"));
  } catch (const std::exception&) {
    return registry.create(lv::engine::parse_engine_url("energy:"));
  }
}

std::vector<Clip> load_corpus(const std::string& only_set, const std::filesystem::path& dir) {
  std::vector<Clip> clips;
  const auto wanted = [&](const std::string& set) { return only_set.empty() || only_set == set; };
  if (wanted("testdata")) {
    clips = lv::bench::testdata_clips();
  }
  for (const auto& make : {&lv::bench::flite_clips, &lv::bench::espeak_clips}) {
    auto more = make(lv::bench::parity_sentences(), dir);
    if (!more.empty() && wanted(more.front().set)) {
      clips.insert(clips.end(), more.begin(), more.end());
    }
  }
  return clips;
}

struct Paths {
  std::vector<std::string> names;
  RawPocketsphinx* raw;
  const lv::server::Router* router;
  lv::session::SessionRuntime* runtime;
  const lv::session::SessionEngines* engines;
  const lv::stt::SttEngine* stream_engine;
  // One channel per speaker ("flite:slt", "testdata:librivox"), kept across that speaker's clips.
  std::map<std::string, std::shared_ptr<lv::stt::ChannelEstimate>>* channels;
  std::map<std::string, SpeakerSession>* sessions;  // the "realtime" path's session per speaker
};

std::string speaker_of(const Clip& clip) { return clip.name.substr(0, clip.name.find('/')); }

void run_clip(const Clip& clip, const std::filesystem::path& dir, const Paths& paths, Results& results) {
  std::map<std::string, std::string> hypotheses;
  for (const auto& path : paths.names) {
    if (path == "raw") {
      hypotheses[path] = paths.raw->transcribe(clip.audio);
    } else if (path == "transcribe") {
      hypotheses[path] = via_transcribe_command(clip, dir);
    } else if (path == "stream-cold") {
      hypotheses[path] = via_utterance_decoder(*paths.stream_engine, clip, nullptr);
    } else if (path == "stream") {
      auto& channel = (*paths.channels)[speaker_of(clip)];
      if (!channel) {
        channel = std::make_shared<lv::stt::ChannelEstimate>();
      }
      hypotheses[path] = via_utterance_decoder(*paths.stream_engine, clip, channel);
    } else if (path == "http") {
      hypotheses[path] = via_http_route(*paths.router, clip);
    } else if (path == "realtime-cold") {
      hypotheses[path] = via_realtime_session(*paths.runtime, *paths.engines, clip, nullptr);
    } else {
      hypotheses[path] =
          via_realtime_session(*paths.runtime, *paths.engines, clip, &(*paths.sessions)[speaker_of(clip)]);
    }
    add_result(results, clip, path, hypotheses.at(path));
  }
  std::cerr << clip.name << " | ref: " << clip.reference << "\n";
  for (const auto& path : paths.names) {
    std::cerr << "    " << path << ": " << lv::stt::trim(hypotheses.at(path)) << " ("
              << lv::stt::word_errors(clip.reference, hypotheses.at(path)).errors() << ")\n";
  }
}

// Writes each clip as the browser's microphone would capture it (48 kHz mono WAV) with a manifest, for
// bench/web/stt_parity_browser.mjs.
void export_clips(const std::vector<Clip>& clips, const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  json manifest = json::array();
  for (std::size_t i = 0; i < clips.size(); ++i) {
    char file[32];
    std::snprintf(file, sizeof(file), "clip-%03zu.wav", i);
    lv::audio::write_wav(dir / file, lv::audio::to_mono(clips[i].audio, kMicRateHz));
    manifest.push_back(
        {{"name", clips[i].name}, {"set", clips[i].set}, {"reference", clips[i].reference}, {"file", file}});
  }
  std::ofstream(dir / "manifest.json") << manifest.dump(2) << "\n";
  std::cerr << "wrote " << clips.size() << " clips to " << dir.string() << "\n";
}

}  // namespace

// Usage: bench_stt_parity [SET] [--paths raw,transcribe,stream-cold,stream,http,realtime-cold,realtime] [--export DIR]
//   SET: testdata, flite or espeak-ng (all of them by default); --paths picks the columns (all by default);
//   --export writes the clips instead of measuring.
int main(int argc, char** argv) {
  try {
    std::string only_set;
    std::filesystem::path export_dir;
    std::vector<std::string> names = kAllPaths;
    for (int i = 1; i < argc; ++i) {
      const std::string arg = argv[i];
      if (arg == "--export" && i + 1 < argc) {
        export_dir = argv[++i];
      } else if (arg == "--paths" && i + 1 < argc) {
        names.clear();
        std::istringstream list(argv[++i]);
        for (std::string name; std::getline(list, name, ',');) {
          if (std::find(kAllPaths.begin(), kAllPaths.end(), name) == kAllPaths.end()) {
            std::cerr << "bench_stt_parity: unknown path '" << name << "'\n";
            return 2;
          }
          names.push_back(name);
        }
      } else if (!arg.empty() && arg.front() != '-') {
        only_set = arg;
      } else {
        std::cerr << "usage: bench_stt_parity [testdata|flite|espeak-ng] [--paths "
                     "raw,transcribe,stream-cold,stream,http,realtime-cold,realtime]"
                     " [--export DIR]\n";
        return arg == "--help" ? 0 : 2;
      }
    }
    WorkDir dir;
    const auto clips = load_corpus(only_set, dir.path());
    if (!export_dir.empty()) {
      export_clips(clips, export_dir);
      return 0;
    }
    std::cerr << clips.size() << " clips\n";
    RawPocketsphinx raw;
    // The server paths get an engine each, so every path hears each clip once, in the raw engine's order.
    lv::server::Router router;
    lv::api::add_transcription_routes(router, load_engine());
    lv::session::SessionRuntime runtime;
    lv::session::SessionEngines engines;
    engines.vad = default_vad();
    engines.stt = load_engine();
    engines.stt_name = "pocketsphinx:en-us";
    const auto stream_engine = load_engine();
    std::map<std::string, std::shared_ptr<lv::stt::ChannelEstimate>> channels;
    std::map<std::string, SpeakerSession> sessions;
    const Paths paths{names, &raw, &router, &runtime, &engines, stream_engine.get(), &channels, &sessions};
    Results results;
    for (const auto& clip : clips) {
      run_clip(clip, dir.path(), paths, results);
    }
    print_table(results, names);
    std::cout << to_json(results).dump(2) << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "bench_stt_parity: " << e.what() << "\n";
    return 1;
  }
}
