// OpenAI-compatible embeddings endpoint: POST /v1/embeddings, answered by the configured embedding engine.
#pragma once

#include "embed/embedding_engine.h"
#include "server/router.h"

namespace lv::api {

// Mounts POST /v1/embeddings. Requests may name any model; the configured engine answers and the response
// names its model. Bad requests get 400 in OpenAI's error shape; an engine failure gets 503 with its fix.
void add_embedding_routes(server::Router& router, embed::EmbeddingEnginePtr engine);

}  // namespace lv::api
