#include "app/speak_command.h"

#include <cstdio>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <utility>

#include "audio/wav.h"
#include "tts/text_normalizer.h"
#include "util/error.h"
#include "util/text.h"

namespace lv::app {

namespace {

std::string read_all(std::istream& in) {
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string fixed(double value, int decimals) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(decimals);
  out << value;
  return out.str();
}

}  // namespace

void run_speak(tts::TtsEngine& engine, const SpeakFlags& flags, std::ostream& out, std::ostream& wav_stdout) {
  const std::string text = flags.raw ? flags.text : tts::prepare_for_speech(flags.text);
  if (util::is_blank(text)) {
    throw Error("there is no text to speak", "give the text as an argument, e.g. localvoice speak \"Hello\" -o hi.wav");
  }
  tts::SynthesisOptions options;
  options.voice = flags.voice;
  options.speed = flags.speed;
  const auto result = tts::synthesize_to_buffer(engine, text, options);
  if (result.audio.samples.empty()) {
    throw Error("the engine " + engine.name() + " produced no audio", "try another --tts engine or other text");
  }
  if (flags.output == "-") {
    wav_stdout << audio::encode_wav(result.audio, audio::SampleFormat::pcm16);
    wav_stdout.flush();
  } else {
    audio::write_wav(flags.output, result.audio, audio::SampleFormat::pcm16);
  }
  const auto& r = result.result;
  if (flags.json) {
    out << "{\"output\":\"" << (flags.output == "-" ? std::string("-") : flags.output) << "\",\"engine\":\""
        << engine.name() << "\",\"sample_rate_hz\":" << r.sample_rate_hz
        << ",\"duration_s\":" << fixed(r.audio_duration_s(), 3)
        << ",\"time_to_first_audio_ms\":" << fixed(r.time_to_first_audio_ms, 1)
        << ",\"synthesis_ms\":" << fixed(r.synthesis_ms, 1)
        << ",\"real_time_factor\":" << fixed(r.real_time_factor(), 4) << "}\n";
  } else {
    out << "wrote " << flags.output << ": " << fixed(r.audio_duration_s(), 2) << " s at " << r.sample_rate_hz
        << " Hz with " << engine.name() << " (first audio after " << fixed(r.time_to_first_audio_ms, 1)
        << " ms, real-time factor " << fixed(r.real_time_factor(), 3) << ")\n";
  }
}

void add_speak_command(CLI::App& root, SpeakCommandContext context) {
  auto flags = std::make_shared<SpeakFlags>();
  CLI::App* command = root.add_subcommand("speak", "Synthesize speech from text into a WAV file");
  command->add_option("text", flags->text, "Text to speak (\"-\" reads standard input)")->required();
  command->add_option("-o,--output", flags->output, "WAV file to write (\"-\" writes to standard output)")->required();
  command->add_option("--tts", flags->tts_url, "TTS engine URL, e.g. flite:slt, espeak:en-us, piper:/path/voice.onnx");
  command->add_option("--voice", flags->voice, "Voice of the engine (default: the engine's own)");
  command->add_option("--speed", flags->speed, "Speaking rate, 0.25 to 4 (1 is normal)")->check(CLI::Range(0.25, 4.0));
  command->add_flag("--raw", flags->raw, "Speak the text as given (no Markdown removal or number spelling)");
  command->add_flag("--json", flags->json, "Print the summary as JSON");
  command->callback([flags, context = std::move(context)] {
    const config::Config config = context.load_config();
    const std::string url = flags->tts_url.empty() ? config.engines.tts : flags->tts_url;
    if (url.empty()) {
      throw Error("no TTS engine is configured", "pass --tts flite:slt or set engines.tts in the config file");
    }
    SpeakFlags run_flags = *flags;
    if (run_flags.text == "-") {
      run_flags.text = read_all(std::cin);
    }
    const tts::TtsEnginePtr engine = context.create_engine(url);
    run_speak(*engine, run_flags, run_flags.output == "-" ? std::cerr : std::cout, std::cout);
  });
}

}  // namespace lv::app
