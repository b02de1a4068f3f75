// OpenAI-compatible POST /v1/audio/transcriptions, its multipart/form-data parser and subtitle formats.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "server/router.h"
#include "stt/stt_engine.h"

namespace lv::api {

struct MultipartField {
  std::string name;
  std::string filename;      // empty for plain fields
  std::string content_type;  // empty when the part names none
  std::string data;
};

// Parses a multipart/form-data body. `content_type` is the request's Content-Type header (which carries the
// boundary). Throws server::HttpError 400 naming the problem (not multipart, no boundary, truncated body,
// a part without a name).
std::vector<MultipartField> parse_multipart_form_data(std::string_view content_type, std::string_view body);

struct TranscriptionRoutesOptions {
  std::size_t max_upload_bytes = std::size_t{25} << 20;  // larger uploads get 413 (config: server.max_upload_bytes)
  std::string model_name = "localvoice-stt";             // accepted in the "model" field, never required
};

// POST /v1/audio/transcriptions: form fields file (WAV at any rate, mono or stereo), model, language, prompt,
// response_format (json | text | verbose_json | srt | vtt), temperature (accepted, ignored). Transcribes with
// `engine`. Errors use OpenAI's JSON error shape: 400 bad form or audio, 413 too large, 500 engine failure.
void add_transcription_routes(server::Router& router, stt::SttEnginePtr engine,
                              TranscriptionRoutesOptions options = {});

// Subtitle renderings of a transcript's segments.
std::string format_srt(const stt::Transcript& transcript);
std::string format_vtt(const stt::Transcript& transcript);

}  // namespace lv::api
