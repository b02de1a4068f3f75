#include "parity_corpus.h"

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <sstream>
#include <stdexcept>

#include "audio/pcm.h"
#include "audio/wav.h"

namespace lv::bench {

namespace {

const std::filesystem::path kTestData = "/usr/share/pocketsphinx/test/data";

std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (const char c : text) {
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return quoted + "'";
}

bool run_quietly(const std::string& command) {
  const int status = std::system((command + " >/dev/null 2>&1").c_str());
  return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// "<s> ten of clubs </s> (001)" -> {"001", "ten of clubs"}.
std::pair<std::string, std::string> parse_transcription_line(const std::string& line) {
  const auto open = line.rfind('(');
  const auto close = line.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close < open) {
    return {};
  }
  std::istringstream words(line.substr(0, open));
  std::string text;
  for (std::string word; words >> word;) {
    if (word != "<s>" && word != "</s>") {
      text += (text.empty() ? "" : " ") + word;
    }
  }
  return {line.substr(open + 1, close - open - 1), text};
}

void add_transcribed_dir(const std::filesystem::path& dir, const std::string& transcription, std::vector<Clip>& out) {
  std::ifstream in(dir / transcription);
  for (std::string line; std::getline(in, line);) {
    const auto [id, text] = parse_transcription_line(line);
    const auto wav = dir / (id + ".wav");
    if (id.empty() || !std::filesystem::exists(wav)) {
      continue;
    }
    out.push_back({"testdata", "testdata:" + dir.filename().string() + "/" + id, text, audio::read_wav(wav)});
  }
}

audio::AudioBuffer read_raw_pcm16(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::int16_t> pcm(bytes.size() / 2);
  for (std::size_t i = 0; i < pcm.size(); ++i) {
    const auto low = static_cast<unsigned char>(bytes[2 * i]);
    const auto high = static_cast<unsigned char>(bytes[2 * i + 1]);
    pcm[i] = static_cast<std::int16_t>(static_cast<std::uint16_t>(low | (high << 8)));
  }
  return audio::AudioBuffer{audio::pcm16_to_float(pcm), 16000, 1};
}

// Synthesizes each sentence with `command_for(sentence, wav)` for one voice.
std::vector<Clip> synthesize(const std::string& set, const std::string& voice,
                             const std::vector<std::string>& sentences, const std::filesystem::path& work_dir,
                             const std::function<std::string(const std::string&, const std::string&)>& command_for) {
  std::vector<Clip> out;
  for (std::size_t i = 0; i < sentences.size(); ++i) {
    const std::string id = (i < 9 ? "0" : "") + std::to_string(i + 1);
    const auto wav = work_dir / (set + "-" + voice + "-" + id + ".wav");
    if (!run_quietly(command_for(sentences[i], wav.string()))) {
      std::cerr << "could not synthesize with " << set << " voice " << voice << "\n";
      return {};
    }
    out.push_back({set, set + ":" + voice + "/" + id, sentences[i], audio::downmix_to_mono(audio::read_wav(wav))});
  }
  return out;
}

}  // namespace

const std::vector<std::string>& parity_sentences() {
  static const std::vector<std::string> sentences = {
      "please turn off the lights in the kitchen",
      "the train to boston leaves at seven in the morning",
      "my sister bought a new car last week",
      "can you remind me to call the doctor tomorrow",
      "we walked along the river until it got dark",
      "the price of coffee went up again this year",
      "open the window because it is too warm in here",
      "he left his keys on the table by the door",
      "how many people live in the city of chicago",
      "the children played in the garden all afternoon",
      "send a message to my brother and tell him i am late",
      "the meeting has been moved to friday at noon",
      "she reads the newspaper every morning before work",
      "what is the weather going to be like on sunday",
      "the old house at the end of the street is for sale",
      "they plan to travel to spain next summer",
      "add milk and bread to the shopping list",
      "the music was so loud that nobody could sleep",
      "our team won the game in the last minute",
      "set a timer for twenty minutes",
  };
  return sentences;
}

std::vector<Clip> testdata_clips() {
  std::vector<Clip> out;
  if (!std::filesystem::exists(kTestData)) {
    return out;
  }
  add_transcribed_dir(kTestData / "librivox", "transcription", out);
  add_transcribed_dir(kTestData / "cards", "cards.transcription", out);
  if (std::filesystem::exists(kTestData / "goforward.raw")) {
    out.push_back(
        {"testdata", "testdata:goforward", "go forward ten meters", read_raw_pcm16(kTestData / "goforward.raw")});
  }
  return out;
}

std::vector<Clip> flite_clips(const std::vector<std::string>& sentences, const std::filesystem::path& work_dir) {
  std::vector<Clip> out;
  for (const std::string voice : {"slt", "kal", "awb", "rms"}) {
    auto clips = synthesize("flite", voice, sentences, work_dir, [&](const std::string& text, const std::string& wav) {
      return "flite -voice " + voice + " -t " + shell_quote(text) + " -o " + shell_quote(wav);
    });
    out.insert(out.end(), clips.begin(), clips.end());
  }
  return out;
}

std::vector<Clip> espeak_clips(const std::vector<std::string>& sentences, const std::filesystem::path& work_dir) {
  std::vector<Clip> out;
  if (!run_quietly("command -v espeak-ng")) {
    return out;
  }
  for (const std::string voice : {"en-us", "en-gb", "en-us+f3"}) {
    auto clips =
        synthesize("espeak-ng", voice, sentences, work_dir, [&](const std::string& text, const std::string& wav) {
          return "espeak-ng -v " + shell_quote(voice) + " -s 150 -w " + shell_quote(wav) + " " + shell_quote(text);
        });
    out.insert(out.end(), clips.begin(), clips.end());
  }
  return out;
}

}  // namespace lv::bench
