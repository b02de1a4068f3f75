// The JSON shape of recorded conversations, shared by GET /v1/history and `localvoice history --json`.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <vector>

#include "history/history_reader.h"

namespace lv::api {

// {"id","object":"conversation","title","started_at_ms","started_at","ended_at_ms"|null,"turn_count"}
nlohmann::json conversation_summary_json(const history::SessionSummary& summary);

// The summary's fields (turn_count included) plus "engines":{"stt","llm","tts"} and "turns":[{"turn",
// "started_at_ms","user_text","assistant_text" (as heard),"interrupted","status","stt_ms","retrieval_ms",
// "llm_first_token_ms","first_sentence_ms","tts_first_audio_ms","end_to_end_ms" (null: the stage did not
// run),"user_audio_ms","reply_audio_ms","prompt_tokens","completion_tokens","engines":{...}}], in turn order.
nlohmann::json conversation_json(const history::StoredSession& stored);

// {"object":"list","data":[summaries],"total","offset","has_more"}
nlohmann::json conversation_list_json(const std::vector<history::SessionSummary>& page, std::size_t total,
                                      std::size_t offset);

// Serializes without throwing on invalid UTF-8 (a language model may produce it): bad bytes become U+FFFD.
std::string dump_json(const nlohmann::json& value, int indent = -1);

}  // namespace lv::api
