#include "app/wake_command.h"

#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <iostream>

#include "audio/wav.h"

namespace lv::app {

int run_wake(const wake::WakeEngine& engine, const WakeFlags& flags, std::ostream& out) {
  const auto audio = audio::read_wav(flags.file);
  const auto scan = wake::scan_audio(engine, audio);
  const auto capabilities = engine.capabilities();
  if (!flags.json) {
    for (const auto& detection : scan.detections) {
      std::array<char, 160> line{};
      std::snprintf(line.data(), line.size(), "%.2f %s %.3f\n", static_cast<double>(detection.timestamp_ms) / 1000.0,
                    detection.name.c_str(), static_cast<double>(detection.score));
      out << line.data();
    }
    return 0;
  }
  nlohmann::json detections = nlohmann::json::array();
  for (const auto& detection : scan.detections) {
    detections.push_back(
        {{"name", detection.name}, {"score", detection.score}, {"timestamp_ms", detection.timestamp_ms}});
  }
  nlohmann::json max_scores = nlohmann::json::object();
  for (std::size_t i = 0; i < capabilities.words.size() && i < scan.max_scores.size(); ++i) {
    max_scores[capabilities.words[i]] = scan.max_scores[i];
  }
  const auto& options = engine.options();
  const nlohmann::json result{{"engine", capabilities.name},
                              {"duration_s", audio.duration_s()},
                              {"frames", scan.frames},
                              {"threshold", options.threshold},
                              {"trigger_level", options.trigger_level},
                              {"detections", std::move(detections)},
                              {"max_scores", std::move(max_scores)}};
  out << result.dump(2) << "\n";
  return 0;
}

void add_wake_command(CLI::App& root, WakeCommandContext context) {
  auto* command = root.add_subcommand("wake", "Print the wake words detected in a WAV file");
  auto flags = std::make_shared<WakeFlags>();
  command->add_option("--input", flags->file, "WAV file (any sample rate, mono or stereo)")->required();
  command
      ->add_option("--engine", flags->engine, "wake engine URL, e.g. openwakeword:alexa?threshold=0.6&trigger_level=2")
      ->capture_default_str();
  command->add_flag("--json", flags->json, "Print detections and the highest score of each word as JSON");
  command->callback([context = std::move(context), flags] {
    (void)context.load_config();
    const auto engine = context.create_engine(flags->engine);
    const int code = run_wake(*engine, *flags, std::cout);
    if (code != 0) {
      throw CLI::RuntimeError(code);
    }
  });
}

}  // namespace lv::app
