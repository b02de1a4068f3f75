#include "app/vad_command.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>

#include "audio/wav.h"
#include "util/error.h"

namespace lv::app {

int run_vad(const vad::VadEngine& engine, const VadFlags& flags, std::ostream& out) {
  const auto audio = audio::read_wav(flags.file);
  vad::VadTimings timings;
  const auto segments = vad::detect_segments(engine, audio, {}, &timings);
  if (!flags.json) {
    for (const auto& segment : segments) {
      char line[64];
      std::snprintf(line, sizeof(line), "%.3f %.3f\n", segment.start_s, segment.end_s);
      out << line;
    }
    return 0;
  }
  nlohmann::json list = nlohmann::json::array();
  for (const auto& segment : segments) {
    list.push_back({{"start", segment.start_s}, {"end", segment.end_s}, {"max_probability", segment.max_probability}});
  }
  const nlohmann::json result{
      {"engine", engine.capabilities().name},
      {"duration_s", audio.duration_s()},
      {"segments", std::move(list)},
      {"timings",
       {{"frames", timings.frames}, {"compute_ms", timings.compute_ms}, {"per_frame_ms", timings.per_frame_ms()}}}};
  out << result.dump(2) << "\n";
  return 0;
}

void add_vad_command(CLI::App& root, VadCommandContext context) {
  auto* command = root.add_subcommand("vad", "Print the speech segments of a WAV file");
  auto flags = std::make_shared<VadFlags>();
  command->add_option("file", flags->file, "WAV file (any sample rate, mono or stereo)")->required();
  command->add_option("--vad", flags->vad_url, "VAD engine URL (default: engines.vad from the configuration)");
  command->add_flag("--json", flags->json, "Print segments and timings as JSON");
  command->callback([context = std::move(context), flags] {
    const config::Config config = context.load_config();
    const std::string url = flags->vad_url.empty() ? config.engines.vad : flags->vad_url;
    if (url.empty()) {
      throw Error("no voice-activity detector is configured",
                  "pass --vad URL (e.g. --vad silero: or --vad energy:) or set engines.vad in the config file");
    }
    const auto engine = context.create_engine(url);
    const int code = run_vad(*engine, *flags, std::cout);
    if (code != 0) {
      throw CLI::RuntimeError(code);
    }
  });
}

}  // namespace lv::app
