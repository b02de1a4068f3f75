// The knowledge base over HTTP: search, list, upload and delete documents (JSON; errors in OpenAI's shape).
#pragma once

#include <cstddef>

#include <memory>

#include "kb/indexing_monitor.h"
#include "kb/knowledge_base.h"
#include "server/router.h"

namespace lv::api {

struct KbRoutesLimits {
  std::size_t max_upload_bytes = std::size_t{25} << 20;  // larger uploads get 413 (config: server.max_upload_bytes)
  std::size_t default_k = 3;                             // results when ?k is absent (config: kb.top_k)
  std::size_t max_k = 50;                                // ?k above this is a 400
};

// GET    /v1/kb/search?q=QUERY&k=N&min_score=X  -> {"object":"list","query":...,"data":[result...]}
// GET    /v1/kb/documents                     -> {"object":"list","data":[document...]}
// POST   /v1/kb/documents?name=FILE (raw body), or multipart/form-data with a "file" field (its filename, or
//        ?name= to override) -> 201 with the stored document; same name replaces. 400 for a bad name
//        (path traversal, hidden, unsupported type) or content (binary, damaged PDF); 413 over the limit.
// DELETE /v1/kb/documents/{id}                -> {"id":...,"object":"kb.document","deleted":true}; 404 when unknown.
void add_kb_routes(server::Router& router, kb::KnowledgeBasePtr knowledge_base, KbRoutesLimits limits = {});

// GET /v1/kb/indexing: indexing progress as server-sent events for the web UI: `progress` {done, total, path}
// while a pass runs, then `done` {total}; `idle` {} at once when no pass is running.
void add_kb_indexing_route(server::Router& router, std::shared_ptr<const kb::IndexingMonitor> monitor);

}  // namespace lv::api
