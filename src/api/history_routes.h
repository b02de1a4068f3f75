// The web UI's history view: list, read, export and delete recorded conversations over HTTP.
#pragma once

#include "history/history_reader.h"
#include "server/router.h"

namespace lv::api {

// GET /v1/history?limit=N&offset=M   -> {"object":"list","data":[conversation summaries],...} (limit 1..100,
//                                        default 20), newest first
// GET /v1/history/{id}               -> the conversation with its turns; ?format=md gives the Markdown transcript
// DELETE /v1/history/{id}            -> {"id","object":"conversation.deleted","deleted":true}
// An unknown id is a 404 (code "conversation_not_found"); a damaged or unreadable database is a 500 whose
// message says how to fix it. Handlers run on the worker pool (they touch the disk).
void add_history_routes(server::Router& router, history::HistoryReaderPtr history);

}  // namespace lv::api
