#include "app/converse_command.h"

#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>
#include <sstream>

#include "api/realtime_codec.h"
#include "app/session_factory.h"
#include "audio/wav.h"
#include "util/error.h"

namespace lv::app {
namespace {

using nlohmann::json;

// The protocol's JSON for one event (the same shapes a WebSocket client sees).
json event_json(const session::SessionEvent& event) {
  if (const auto encoded = api::realtime::encode_event(event); encoded && !encoded->binary) {
    return json::parse(encoded->payload);
  }
  return nullptr;
}

struct TurnSummary {
  session::TurnId turn = 0;
  std::string user_text;
  json reply = nullptr;
  json metrics = nullptr;
  json citations = json::array();
};

std::vector<TurnSummary> summarize(const ConversationResult& result) {
  std::vector<TurnSummary> turns;
  const auto turn_for = [&turns](session::TurnId id) -> TurnSummary& {
    for (auto& t : turns) {
      if (t.turn == id) {
        return t;
      }
    }
    turns.push_back({});
    turns.back().turn = id;
    return turns.back();
  };
  for (const auto& timed : result.events) {
    if (const auto* final = std::get_if<session::TranscriptFinal>(&timed.event)) {
      turn_for(final->turn).user_text = final->text;
    } else if (const auto* done = std::get_if<session::ReplyDone>(&timed.event)) {
      turn_for(done->turn).reply = event_json(timed.event)["response"];
    } else if (const auto* metrics = std::get_if<session::TurnMetrics>(&timed.event)) {
      turn_for(metrics->turn).metrics = event_json(timed.event)["metrics"];
    } else if (const auto* citations = std::get_if<session::Citations>(&timed.event)) {
      turn_for(citations->turn).citations = event_json(timed.event)["citations"];
    }
  }
  return turns;
}

}  // namespace

int run_converse(const EngineSet& engines, const config::Config& config, const ConverseFlags& flags,
                 std::ostream& out) {
  const auto input = audio::read_wav(flags.input);
  auto options = config::to_session_options(config.session);
  if (!flags.system_prompt.empty()) {
    options.system_prompt = flags.system_prompt;
  }
  session::validate(options);
  session::SessionRuntime runtime({}, nullptr);
  auto session_engines_value = session_engines(engines, nullptr);
  ConversationOptions conversation;
  conversation.max_wait_after_input_ms = flags.max_wait_s * 1000;
  const auto result = run_conversation(
      [&](session::EventSink sink) {
        return session::create_voice_session(runtime, session_engines_value, options, std::move(sink));
      },
      input, conversation);
  if (!flags.output.empty()) {
    audio::write_wav(flags.output, result.speaker);
  }
  const auto turns = summarize(result);
  if (flags.json) {
    json doc{{"input", flags.input},
             {"output", flags.output},
             {"input_ms", result.input_ms},
             {"audio_frames", result.audio_frames},
             {"timed_out", result.timed_out}};
    doc["turns"] = json::array();
    for (const auto& t : turns) {
      doc["turns"].push_back({{"turn_id", t.turn},
                              {"user_text", t.user_text},
                              {"reply", t.reply},
                              {"citations", t.citations},
                              {"metrics", t.metrics}});
    }
    doc["events"] = json::array();
    for (const auto& timed : result.events) {
      auto event = event_json(timed.event);
      if (std::holds_alternative<session::SessionStarted>(timed.event)) {
        event = {{"type", "session.created"}};
      }
      event["at_ms"] = timed.at_ms;
      doc["events"].push_back(std::move(event));
    }
    out << doc.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
  } else {
    for (const auto& t : turns) {
      out << "You: " << t.user_text << "\n";
      if (t.reply.is_object()) {
        out << "LocalVoice: " << t.reply.value("text", "")
            << (t.reply.value("status", "") == "interrupted" ? " [interrupted]" : "") << "\n";
      }
      if (t.metrics.is_object()) {
        out << "  (end to end " << t.metrics.value("end_to_end_ms", -1.0) << " ms)\n";
      }
    }
    if (!flags.output.empty()) {
      out << "wrote " << flags.output << "\n";
    }
  }
  if (result.timed_out) {
    std::cerr << "localvoice: the agent was still busy " << flags.max_wait_s
              << " s after the recording ended; raise --max-wait-s\n";
    return 1;
  }
  return 0;
}

CLI::App& add_converse_command(CLI::App& root, ConverseCommandContext context) {
  auto flags = std::make_shared<ConverseFlags>();
  CLI::App* command = root.add_subcommand(
      "converse", "Talk to LocalVoice from a recording: runs the voice session on IN.wav and writes its replies");
  command->add_option("-i,--input", flags->input, "WAV recording of what you say (any rate)")
      ->required()
      ->check(CLI::ExistingFile);
  command->add_option("-o,--output", flags->output, "WAV file for the agent's audio, as a client would play it");
  command->add_flag("--json", flags->json, "Print transcripts, replies, metrics and events as JSON");
  command->add_option("--system-prompt", flags->system_prompt, "Instructions for the language model");
  command->add_option("--max-wait-s", flags->max_wait_s, "Give up this long after the recording ends")
      ->check(CLI::Range(1, 3600));
  command->callback([flags, context = std::move(context)] {
    const auto config = context.load_config();
    const auto engines = context.load_engines(config);
    const int code = run_converse(engines, config, *flags, std::cout);
    if (code != 0) {
      throw CLI::RuntimeError(code);
    }
  });
  return *command;
}

}  // namespace lv::app
