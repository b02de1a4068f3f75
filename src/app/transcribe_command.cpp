#include "app/transcribe_command.h"

#include <nlohmann/json.hpp>

#include <iostream>

#include "audio/wav.h"
#include "util/error.h"

namespace lv::app {

int run_transcribe(const stt::SttEngine& engine, const TranscribeFlags& flags, std::ostream& out) {
  const auto audio = audio::read_wav(flags.file);
  stt::TranscribeOptions options;
  options.language = flags.language;
  const auto transcript = engine.transcribe(audio, options);
  if (!flags.json) {
    out << transcript.text << "\n";
    return 0;
  }
  nlohmann::json segments = nlohmann::json::array();
  for (const auto& segment : transcript.segments) {
    segments.push_back({{"start", segment.start_s}, {"end", segment.end_s}, {"text", segment.text}});
  }
  const auto& timings = transcript.timings;
  const nlohmann::json result{{"engine", engine.capabilities().name},
                              {"text", transcript.text},
                              {"language", transcript.language},
                              {"segments", std::move(segments)},
                              {"timings",
                               {{"audio_s", timings.audio_s},
                                {"preprocess_ms", timings.preprocess_ms},
                                {"inference_ms", timings.inference_ms},
                                {"total_ms", timings.total_ms},
                                {"real_time_factor", timings.real_time_factor()}}}};
  out << result.dump(2) << "\n";
  return 0;
}

void add_transcribe_command(CLI::App& root, TranscribeCommandContext context) {
  auto* command = root.add_subcommand("transcribe", "Transcribe a WAV file to text");
  auto flags = std::make_shared<TranscribeFlags>();
  command->add_option("file", flags->file, "WAV file (any sample rate, mono or stereo)")->required();
  command->add_option("--stt", flags->stt_url, "STT engine URL (default: engines.stt from the configuration)");
  command->add_option("--language", flags->language, "Language code (e.g. en; auto to detect where supported)");
  command->add_flag("--json", flags->json, "Print text, segments and timings as JSON");
  command->callback([context = std::move(context), flags] {
    const config::Config config = context.load_config();
    const std::string url = flags->stt_url.empty() ? config.engines.stt : flags->stt_url;
    if (url.empty()) {
      throw Error("no speech-to-text engine is configured",
                  "pass --stt URL (e.g. --stt pocketsphinx:en-us) or set engines.stt in the config file");
    }
    const auto engine = context.create_engine(url);
    const int code = run_transcribe(*engine, *flags, std::cout);
    if (code != 0) {
      throw CLI::RuntimeError(code);
    }
  });
}

}  // namespace lv::app
