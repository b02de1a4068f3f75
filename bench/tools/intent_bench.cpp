// Intent accuracy on spoken commands: each command phrasing is synthesized with flite voices, transcribed by the
// pocketsphinx engine (as the server loads it), and given to the built-in intent matcher; a clip counts when
// the matcher names the expected tool with exactly the expected arguments. The matcher on the written
// phrasing is the ceiling. Usage: bench_tools_intent [VOICE...] (default slt kal16). Table on stderr, JSON on
// stdout.
#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "stt/pocketsphinx_stt.h"
#include "stt/speech_fixtures.h"
#include "stt/wer.h"
#include "tools/intent_matcher.h"

namespace {

using nlohmann::json;

struct Command {
  const char* said;
  const char* tool;
  json arguments;
};

// About forty ways of saying the six covered commands, written as a person would say them.
std::vector<Command> commands() {
  return {
      {"what time is it", "get_time", json::object()},
      {"what's the time", "get_time", json::object()},
      {"what is the time right now", "get_time", json::object()},
      {"tell me the time", "get_time", json::object()},
      {"do you know what time it is", "get_time", json::object()},
      {"give me the time", "get_time", json::object()},
      {"what's the date", "get_date", json::object()},
      {"what is today's date", "get_date", json::object()},
      {"what day is it today", "get_date", json::object()},
      {"what date is it", "get_date", json::object()},
      {"tell me the date", "get_date", json::object()},
      {"set a timer for five minutes", "set_timer", {{"duration_s", 300}}},
      {"set a timer for ten minutes", "set_timer", {{"duration_s", 600}}},
      {"start a timer for one hour and thirty minutes", "set_timer", {{"duration_s", 5400}}},
      {"set a timer for ninety seconds", "set_timer", {{"duration_s", 90}}},
      {"set a timer for two and a half minutes", "set_timer", {{"duration_s", 150}}},
      {"set a timer for twenty minutes", "set_timer", {{"duration_s", 1200}}},
      {"start a timer for three minutes", "set_timer", {{"duration_s", 180}}},
      {"set a timer for an hour", "set_timer", {{"duration_s", 3600}}},
      {"set a timer for half an hour", "set_timer", {{"duration_s", 1800}}},
      {"set a timer for forty five seconds", "set_timer", {{"duration_s", 45}}},
      {"set a fifteen minute timer", "set_timer", {{"duration_s", 900}}},
      {"start a two minute timer", "set_timer", {{"duration_s", 120}}},
      {"set a timer for one minute and thirty seconds", "set_timer", {{"duration_s", 90}}},
      {"timer for eight minutes", "set_timer", {{"duration_s", 480}}},
      {"set a pasta timer for twelve minutes", "set_timer", {{"duration_s", 720}, {"label", "pasta"}}},
      {"set a timer called tea for four minutes", "set_timer", {{"duration_s", 240}, {"label", "tea"}}},
      {"cancel the timer", "cancel_timer", json::object()},
      {"stop the timer", "cancel_timer", json::object()},
      {"delete my timer", "cancel_timer", json::object()},
      {"cancel the pasta timer", "cancel_timer", {{"label", "pasta"}}},
      {"what timers do I have", "list_timers", json::object()},
      {"list my timers", "list_timers", json::object()},
      {"show me the timers", "list_timers", json::object()},
      {"are there any timers running", "list_timers", json::object()},
      {"how much time is left", "list_timers", json::object()},
      {"how much time is left on the timer", "list_timers", json::object()},
      {"how much time is remaining", "list_timers", json::object()},
      {"how much longer", "list_timers", json::object()},
      {"time left", "list_timers", json::object()},
  };
}

struct Tally {
  int clips = 0;
  int right_call = 0;  // tool and arguments
  int right_tool = 0;
  int no_match = 0;
  lv::stt::WordErrors words;
};

bool counts(const std::optional<lv::tools::IntentMatch>& found, const Command& command, bool tool_only) {
  if (!found || found->tool != command.tool) return false;
  return tool_only || found->arguments == command.arguments;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> voices;
  for (int i = 1; i < argc; ++i) voices.emplace_back(argv[i]);
  if (voices.empty()) voices = {"slt", "kal16"};
  const auto matcher = lv::tools::IntentMatcher::builtin();
  const lv::stt::PocketsphinxStt engine;
  const auto all = commands();
  Tally written;
  for (const auto& command : all) {
    const auto found = matcher.match(command.said);
    ++written.clips;
    written.right_call += counts(found, command, false) ? 1 : 0;
    written.right_tool += counts(found, command, true) ? 1 : 0;
  }
  json report = {{"commands", all.size()}, {"written_accuracy", 1.0 * written.right_call / written.clips}};
  json per_voice = json::object();
  json misses = json::array();
  Tally total;
  for (const auto& voice : voices) {
    Tally tally;
    for (const auto& command : all) {
      const auto audio = lv::test::flite_speech(command.said, voice);
      const auto transcript = engine.transcribe(audio);
      const auto found = matcher.match(transcript.text);
      ++tally.clips;
      const bool right = counts(found, command, false);
      tally.right_call += right ? 1 : 0;
      tally.right_tool += counts(found, command, true) ? 1 : 0;
      tally.no_match += found ? 0 : 1;
      tally.words += lv::stt::word_errors(command.said, transcript.text);
      if (!right) {
        misses.push_back({{"voice", voice},
                          {"said", command.said},
                          {"heard", transcript.text},
                          {"matched", found ? json{{"tool", found->tool}, {"arguments", found->arguments}} : json()}});
      }
    }
    per_voice[voice] = {{"clips", tally.clips},
                        {"intent_accuracy", 1.0 * tally.right_call / tally.clips},
                        {"tool_accuracy", 1.0 * tally.right_tool / tally.clips},
                        {"no_match", tally.no_match},
                        {"wer", tally.words.rate()}};
    std::fprintf(stderr, "%-8s clips %3d  intent %5.1f%%  tool %5.1f%%  no match %3d  WER %5.1f%%\n", voice.c_str(),
                 tally.clips, 100.0 * tally.right_call / tally.clips, 100.0 * tally.right_tool / tally.clips,
                 tally.no_match, 100.0 * tally.words.rate());
    total.clips += tally.clips;
    total.right_call += tally.right_call;
    total.right_tool += tally.right_tool;
    total.no_match += tally.no_match;
    total.words += tally.words;
  }
  std::fprintf(stderr, "%-8s clips %3d  intent %5.1f%%  tool %5.1f%%  no match %3d  WER %5.1f%%  (written: %5.1f%%)\n",
               "all", total.clips, 100.0 * total.right_call / total.clips, 100.0 * total.right_tool / total.clips,
               total.no_match, 100.0 * total.words.rate(), 100.0 * written.right_call / written.clips);
  report["voices"] = per_voice;
  report["intent_accuracy"] = 1.0 * total.right_call / total.clips;
  report["tool_accuracy"] = 1.0 * total.right_tool / total.clips;
  report["wer"] = total.words.rate();
  report["misses"] = misses;
  std::cout << report.dump(2) << "\n";
  return 0;
}
