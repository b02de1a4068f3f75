#include "api/history_json.h"

#include "history/time_text.h"

namespace lv::api {
namespace {

nlohmann::json timing(double value_ms) { return value_ms < 0 ? nlohmann::json(nullptr) : nlohmann::json(value_ms); }

nlohmann::json engines(const std::string& stt, const std::string& llm, const std::string& tts) {
  return {{"stt", stt}, {"llm", llm}, {"tts", tts}};
}

nlohmann::json turn_json(const history::TurnRecord& turn) {
  return {{"turn", turn.turn},
          {"started_at_ms", turn.started_at_ms},
          {"user_text", turn.user_text},
          {"assistant_text", turn.assistant_text},
          {"interrupted", turn.interrupted},
          {"status", turn.status},
          {"stt_ms", timing(turn.stt_ms)},
          {"retrieval_ms", timing(turn.retrieval_ms)},
          {"llm_first_token_ms", timing(turn.llm_first_token_ms)},
          {"first_sentence_ms", timing(turn.first_sentence_ms)},
          {"tts_first_audio_ms", timing(turn.tts_first_audio_ms)},
          {"end_to_end_ms", timing(turn.end_to_end_ms)},
          {"user_audio_ms", turn.user_audio_ms},
          {"reply_audio_ms", turn.reply_audio_ms},
          {"prompt_tokens", turn.prompt_tokens},
          {"completion_tokens", turn.completion_tokens},
          {"engines", engines(turn.stt_engine, turn.llm_engine, turn.tts_engine)}};
}

nlohmann::json header(const std::string& id, const std::string& title, std::int64_t started_at_ms,
                      const std::optional<std::int64_t>& ended_at_ms, std::size_t turn_count) {
  return {{"id", id},
          {"object", "conversation"},
          {"title", title},
          {"started_at_ms", started_at_ms},
          {"started_at", history::format_iso8601(started_at_ms)},
          {"ended_at_ms", ended_at_ms ? nlohmann::json(*ended_at_ms) : nlohmann::json(nullptr)},
          {"turn_count", turn_count}};
}

}  // namespace

nlohmann::json conversation_summary_json(const history::SessionSummary& summary) {
  return header(summary.id, summary.title, summary.started_at_ms, summary.ended_at_ms, summary.turn_count);
}

nlohmann::json conversation_json(const history::StoredSession& stored) {
  const history::SessionRecord& session = stored.session;
  nlohmann::json out = header(session.id, stored.title, session.started_at_ms, stored.ended_at_ms, stored.turns.size());
  out["engines"] = engines(session.stt_engine, session.llm_engine, session.tts_engine);
  nlohmann::json turns = nlohmann::json::array();
  for (const auto& turn : stored.turns) {
    turns.push_back(turn_json(turn));
  }
  out["turns"] = std::move(turns);
  return out;
}

nlohmann::json conversation_list_json(const std::vector<history::SessionSummary>& page, std::size_t total,
                                      std::size_t offset) {
  nlohmann::json data = nlohmann::json::array();
  for (const auto& summary : page) {
    data.push_back(conversation_summary_json(summary));
  }
  return {{"object", "list"},
          {"data", std::move(data)},
          {"total", total},
          {"offset", offset},
          {"has_more", offset + page.size() < total}};
}

std::string dump_json(const nlohmann::json& value, int indent) {
  return value.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace lv::api
