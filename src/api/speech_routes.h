// OpenAI-compatible speech synthesis: POST /v1/audio/speech and GET /v1/audio/voices.
#pragma once

#include <cstddef>
#include <memory>

#include "server/router.h"
#include "tts/tts_engine.h"

namespace lv::api {

struct SpeechRouteOptions {
  std::size_t max_input_chars = 4096;  // OpenAI's limit
  int pcm_sample_rate_hz = 24000;      // "pcm" replies are 16-bit mono at this rate, as OpenAI's are
};

// POST /v1/audio/speech with {"input", "voice"?, "response_format"? ("wav" default, or "pcm"), "speed"?,
// "model"? (ignored: the configured engine answers)}. "wav" is 16-bit mono at the engine's rate; "pcm" is
// streamed while it is synthesized and stops when the client goes away. The input's Markdown is dropped
// and numbers, currency and units are spelled out. OpenAI's own voice names (alloy, nova, ...) select the
// engine's default voice. Errors use the OpenAI error shape with a message naming the field.
// GET /v1/audio/voices lists {"voices": [...], "default": ...}.
void add_speech_routes(server::Router& router, std::shared_ptr<tts::TtsEngine> engine, SpeechRouteOptions options = {});

}  // namespace lv::api
