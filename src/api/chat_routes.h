// OpenAI-compatible chat endpoints: POST /v1/chat/completions (streamed or not) and GET /v1/models.
#pragma once

#include <memory>
#include <string>

#include "llm/llm_engine.h"
#include "server/router.h"

namespace lv::api {

// Serves `engine` under `model_name` (what /v1/models lists and responses name). Requests may name any
// model; the configured engine answers. A client that disconnects mid-stream cancels its generation.
void add_chat_routes(server::Router& router, std::shared_ptr<llm::LlmEngine> engine, std::string model_name);

}  // namespace lv::api
