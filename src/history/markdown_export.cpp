#include "history/markdown_export.h"

#include <cstdio>
#include <string_view>
#include <vector>

#include "history/time_text.h"
#include "util/text.h"

namespace lv::history {
namespace {

std::string escape_markdown(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '\\':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
      case '<':
      case '>':
      case '#':
      case '|':
        out += '\\';
        break;
      default:
        break;
    }
    out += c;
  }
  return out;
}

std::string engines_line(const std::string& stt, const std::string& llm, const std::string& tts) {
  std::vector<std::string> parts;
  if (!stt.empty()) {
    parts.push_back("speech-to-text `" + stt + "`");
  }
  if (!llm.empty()) {
    parts.push_back("language model `" + llm + "`");
  }
  if (!tts.empty()) {
    parts.push_back("text-to-speech `" + tts + "`");
  }
  std::string line;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    line += (i > 0 ? ", " : "") + parts[i];
  }
  return line;
}

std::string timings_line(const TurnRecord& turn) {
  std::vector<std::string> parts;
  const auto add = [&parts](const char* name, double value_ms) {
    if (value_ms >= 0) {
      parts.push_back(std::string(name) + " " + format_duration(value_ms));
    }
  };
  add("speech-to-text", turn.stt_ms);
  add("retrieval", turn.retrieval_ms);
  add("first token", turn.llm_first_token_ms);
  add("first sentence", turn.first_sentence_ms);
  add("first audio", turn.tts_first_audio_ms);
  add("end to end", turn.end_to_end_ms);
  if (turn.prompt_tokens > 0 || turn.completion_tokens > 0) {
    parts.push_back(std::to_string(turn.prompt_tokens) + " prompt + " + std::to_string(turn.completion_tokens) +
                    " answer tokens");
  }
  if (turn.user_audio_ms > 0) {
    parts.push_back("you spoke " + format_duration(turn.user_audio_ms));
  }
  if (turn.reply_audio_ms > 0) {
    parts.push_back("reply audio " + format_duration(turn.reply_audio_ms));
  }
  std::string line = "turn " + std::to_string(turn.turn);
  for (const auto& part : parts) {
    line += " · " + part;
  }
  return line;
}

std::string answer_text(const TurnRecord& turn) {
  std::string answer = std::string(util::trim(turn.assistant_text));
  const bool interrupted = turn.interrupted || turn.status == "interrupted";
  if (interrupted) {
    return answer.empty() ? "*(interrupted before answering)*" : answer + " *(interrupted)*";
  }
  if (turn.status == "failed") {
    return answer.empty() ? "*(no answer: this turn failed)*" : answer + " *(failed)*";
  }
  return answer.empty() ? "*(no answer)*" : answer;
}

}  // namespace

std::string export_markdown(const StoredSession& stored) {
  const SessionRecord& session = stored.session;
  std::string out =
      "# " + (stored.title.empty() ? "Conversation " + session.id : escape_markdown(stored.title)) + "\n\n";

  out += "- **Date:** " + format_utc_minute(session.started_at_ms);
  if (stored.ended_at_ms && *stored.ended_at_ms >= session.started_at_ms) {
    out += " (lasted " + format_duration(static_cast<double>(*stored.ended_at_ms - session.started_at_ms)) + ")";
  }
  out += "\n";
  // Sessions recorded from their turns alone may carry no engines; the first turn's then stand in.
  std::string engines = engines_line(session.stt_engine, session.llm_engine, session.tts_engine);
  if (engines.empty() && !stored.turns.empty()) {
    const TurnRecord& first = stored.turns.front();
    engines = engines_line(first.stt_engine, first.llm_engine, first.tts_engine);
  }
  if (!engines.empty()) {
    out += "- **Engines:** " + engines + "\n";
  }
  out += "- **Turns:** " + std::to_string(stored.turns.size()) + "\n";
  out += "- **Id:** `" + session.id + "`\n";

  for (const TurnRecord& turn : stored.turns) {
    out += "\n---\n\n";
    const std::string said = std::string(util::trim(turn.user_text));
    out += "**You:** " + (said.empty() ? std::string("*(nothing recognized)*") : escape_markdown(said)) + "\n\n";
    out += "**LocalVoice:** " + answer_text(turn) + "\n\n";
    out += "*" + timings_line(turn) + "*\n";
  }
  return out;
}

}  // namespace lv::history
