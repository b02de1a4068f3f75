#include "api/transcription_routes.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <functional>
#include <optional>
#include <utility>

#include "audio/wav.h"
#include "util/error.h"
#include "util/log.h"
#include "util/text.h"

namespace lv::api {

namespace {

using nlohmann::json;

constexpr std::size_t kMaxParts = 64;
// Room for the form's other fields and the multipart framing on top of the file itself.
constexpr std::size_t kFormOverheadBytes = std::size_t{64} << 10;

[[noreturn]] void bad_request(const std::string& message, const std::string& code = "invalid_value") {
  throw server::HttpError(400, message, "invalid_request_error", code);
}

// Splits "value; key=val; key2=\"quoted; val\"" into the value and its parameters (keys lower-cased).
std::pair<std::string, std::vector<std::pair<std::string, std::string>>> parse_header_value(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> params;
  const auto first = text.find(';');
  std::string value = util::ascii_lower(util::trim(text.substr(0, first)));
  std::size_t pos = first == std::string_view::npos ? text.size() : first + 1;
  while (pos < text.size()) {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t' || text[pos] == ';')) {
      ++pos;
    }
    const auto equals = text.find('=', pos);
    if (equals == std::string_view::npos) {
      break;
    }
    std::string key = util::ascii_lower(util::trim(text.substr(pos, equals - pos)));
    pos = equals + 1;
    std::string param;
    if (pos < text.size() && text[pos] == '"') {
      ++pos;
      while (pos < text.size() && text[pos] != '"') {
        if (text[pos] == '\\' && pos + 1 < text.size()) {
          ++pos;
        }
        param += text[pos++];
      }
      ++pos;  // closing quote
    } else {
      const auto end = text.find(';', pos);
      param =
          std::string(util::trim(text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos)));
      pos = end == std::string_view::npos ? text.size() : end;
    }
    params.emplace_back(std::move(key), std::move(param));
  }
  return {std::move(value), std::move(params)};
}

std::optional<std::string> find_param(const std::vector<std::pair<std::string, std::string>>& params,
                                      std::string_view key) {
  for (const auto& [name, value] : params) {
    if (name == key) {
      return value;
    }
  }
  return std::nullopt;
}

std::size_t search(std::string_view haystack, std::string_view needle, std::size_t from) {
  if (from > haystack.size()) {
    return std::string_view::npos;
  }
  const auto begin = haystack.begin() + static_cast<std::ptrdiff_t>(from);
  const auto it = std::search(begin, haystack.end(), std::boyer_moore_horspool_searcher(needle.begin(), needle.end()));
  return it == haystack.end() ? std::string_view::npos : static_cast<std::size_t>(it - haystack.begin());
}

MultipartField parse_part(std::string_view part, std::size_t index) {
  MultipartField field;
  std::size_t headers_end = 0;
  std::string_view headers;
  if (part.substr(0, 2) == "\r\n") {
    headers_end = 2;  // a part with no headers at all
  } else {
    const auto end = part.find("\r\n\r\n");
    if (end == std::string_view::npos) {
      bad_request("multipart part " + std::to_string(index + 1) + " has no end of headers (malformed form data)");
    }
    headers = part.substr(0, end);
    headers_end = end + 4;
  }
  bool has_disposition = false;
  while (!headers.empty()) {
    const auto line_end = headers.find("\r\n");
    const auto line = headers.substr(0, line_end);
    headers = line_end == std::string_view::npos ? std::string_view{} : headers.substr(line_end + 2);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) {
      continue;
    }
    const std::string name = util::ascii_lower(util::trim(line.substr(0, colon)));
    const auto value = line.substr(colon + 1);
    if (name == "content-disposition") {
      auto [kind, params] = parse_header_value(value);
      if (kind != "form-data") {
        bad_request("multipart part " + std::to_string(index + 1) + " is '" + kind + "', not form-data");
      }
      field.name = find_param(params, "name").value_or("");
      field.filename = find_param(params, "filename").value_or("");
      has_disposition = true;
    } else if (name == "content-type") {
      field.content_type = std::string(util::trim(value));
    }
  }
  if (!has_disposition || field.name.empty()) {
    bad_request("multipart part " + std::to_string(index + 1) + " has no Content-Disposition name");
  }
  field.data = std::string(part.substr(headers_end));
  return field;
}

const MultipartField* find_field(const std::vector<MultipartField>& fields, std::string_view name) {
  const auto it = std::find_if(fields.begin(), fields.end(), [&](const MultipartField& f) { return f.name == name; });
  return it == fields.end() ? nullptr : &*it;
}

std::string timestamp(double seconds, char fraction_separator) {
  const auto total_ms = static_cast<long long>(std::llround(std::max(0.0, seconds) * 1000.0));
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%02lld:%02lld:%02lld%c%03lld", total_ms / 3600000, total_ms / 60000 % 60,
                total_ms / 1000 % 60, fraction_separator, total_ms % 1000);
  return buffer;
}

json verbose_json(const stt::Transcript& transcript) {
  json segments = json::array();
  int id = 0;
  for (const auto& segment : transcript.segments) {
    segments.push_back({{"id", id++},
                        {"seek", 0},
                        {"start", segment.start_s},
                        {"end", segment.end_s},
                        {"text", segment.text},
                        {"tokens", json::array()},
                        {"temperature", 0.0},
                        {"avg_logprob", segment.confidence > 0.0F ? std::log(segment.confidence) : 0.0},
                        {"compression_ratio", 0.0},
                        {"no_speech_prob", 0.0}});
  }
  return {{"task", "transcribe"},
          {"language", transcript.language},
          {"duration", transcript.timings.audio_s},
          {"text", transcript.text},
          {"segments", std::move(segments)}};
}

server::HttpResponse handle(const server::HttpRequest& request, const stt::SttEngine& engine,
                            const TranscriptionRoutesOptions& options) {
  const auto fields = parse_multipart_form_data(request.header("content-type").value_or(""), request.body);
  const auto* file = find_field(fields, "file");
  if (file == nullptr) {
    std::string names;
    for (const auto& field : fields) {
      names += (names.empty() ? "" : ", ") + field.name;
    }
    bad_request("missing form field 'file' (got: " + (names.empty() ? std::string("no fields") : names) +
                    "); send the audio as file=@recording.wav",
                "missing_file");
  }
  if (file->data.size() > options.max_upload_bytes) {
    throw server::HttpError(413,
                            "audio file is " + std::to_string(file->data.size()) + " bytes; the limit is " +
                                std::to_string(options.max_upload_bytes) + " (server.max_upload_bytes)",
                            "invalid_request_error", "file_too_large");
  }
  const auto text_field = [&](std::string_view name) {
    const auto* field = find_field(fields, name);
    return field == nullptr ? std::string() : std::string(util::trim(field->data));
  };
  const std::string format = text_field("response_format").empty() ? "json" : text_field("response_format");
  if (format != "json" && format != "text" && format != "verbose_json" && format != "srt" && format != "vtt") {
    bad_request("unsupported response_format '" + format + "'; use json, text, verbose_json, srt or vtt");
  }
  stt::TranscribeOptions transcribe;
  transcribe.language = text_field("language");
  transcribe.prompt = text_field("prompt");

  audio::AudioBuffer audio;
  try {
    audio::WavLimits limits;
    limits.max_bytes = options.max_upload_bytes;
    audio = audio::parse_wav(file->data, file->filename.empty() ? "upload" : file->filename, limits);
  } catch (const Error& e) {
    bad_request("could not read the audio: " + e.full_message() + " (send a WAV file: 16-bit PCM or 32-bit float)",
                "invalid_audio");
  }
  if (audio.frame_count() == 0) {
    bad_request("the audio file contains no samples", "invalid_audio");
  }

  stt::Transcript transcript;
  try {
    transcript = engine.transcribe(audio, transcribe);
  } catch (const stt::Cancelled&) {
    throw server::HttpError(503, "transcription was cancelled (server shutting down)", "server_error");
  } catch (const Error& e) {
    // Input the engine refuses (e.g. a language it has no model for) is the client's to fix.
    if (!transcribe.language.empty() && std::string(e.what()).find("language") != std::string::npos) {
      bad_request(e.full_message(), "unsupported_language");
    }
    throw server::HttpError(500, "transcription failed: " + e.full_message(), "server_error");
  }
  log::info("transcribed", {{"request_id", request.request_id},
                            {"audio_s", transcript.timings.audio_s},
                            {"total_ms", transcript.timings.total_ms},
                            {"rtf", transcript.timings.real_time_factor()}});
  if (format == "text") {
    return server::HttpResponse::text(transcript.text + "\n");
  }
  if (format == "srt") {
    return server::HttpResponse::text(format_srt(transcript), "application/x-subrip; charset=utf-8");
  }
  if (format == "vtt") {
    return server::HttpResponse::text(format_vtt(transcript), "text/vtt; charset=utf-8");
  }
  if (format == "verbose_json") {
    return server::HttpResponse::json(verbose_json(transcript).dump());
  }
  return server::HttpResponse::json(json{{"text", transcript.text}}.dump());
}

}  // namespace

std::vector<MultipartField> parse_multipart_form_data(std::string_view content_type, std::string_view body) {
  auto [media_type, params] = parse_header_value(content_type);
  if (media_type != "multipart/form-data") {
    bad_request("expected a multipart/form-data body, got Content-Type '" + std::string(content_type) +
                    "'; send the audio as a form upload (curl -F file=@audio.wav)",
                "invalid_content_type");
  }
  const auto boundary = find_param(params, "boundary");
  if (!boundary || boundary->empty() || boundary->size() > 200) {
    bad_request("multipart/form-data Content-Type has no valid boundary parameter", "invalid_content_type");
  }
  const std::string delimiter = "--" + *boundary;
  const std::string next_delimiter = "\r\n" + delimiter;
  std::size_t pos = search(body, delimiter, 0);
  // The first delimiter opens the body or follows a CRLF that ends a preamble.
  while (pos != std::string_view::npos && pos != 0 && body.substr(pos - 2, 2) != "\r\n") {
    pos = search(body, delimiter, pos + 1);
  }
  if (pos == std::string_view::npos) {
    bad_request("multipart body contains no part delimited by its boundary (empty or malformed form data)");
  }
  std::vector<MultipartField> fields;
  for (;;) {
    pos += delimiter.size();
    if (body.substr(pos, 2) == "--") {
      break;  // closing delimiter
    }
    while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t')) {
      ++pos;  // transport padding
    }
    if (body.substr(pos, 2) != "\r\n") {
      bad_request("multipart body is truncated or malformed after a boundary");
    }
    pos += 2;
    const auto end = search(body, next_delimiter, pos);
    if (end == std::string_view::npos) {
      bad_request("multipart body is truncated: part " + std::to_string(fields.size() + 1) +
                  " has no closing boundary");
    }
    if (fields.size() == kMaxParts) {
      bad_request("multipart body has more than " + std::to_string(kMaxParts) + " parts");
    }
    fields.push_back(parse_part(body.substr(pos, end - pos), fields.size()));
    pos = end + 2;
  }
  return fields;
}

std::string format_srt(const stt::Transcript& transcript) {
  std::string out;
  int index = 1;
  for (const auto& segment : transcript.segments) {
    out += std::to_string(index++) + "\n" + timestamp(segment.start_s, ',') + " --> " + timestamp(segment.end_s, ',') +
           "\n" + segment.text + "\n\n";
  }
  return out;
}

std::string format_vtt(const stt::Transcript& transcript) {
  std::string out = "WEBVTT\n\n";
  for (const auto& segment : transcript.segments) {
    out += timestamp(segment.start_s, '.') + " --> " + timestamp(segment.end_s, '.') + "\n" + segment.text + "\n\n";
  }
  return out;
}

void add_transcription_routes(server::Router& router, stt::SttEnginePtr engine, TranscriptionRoutesOptions options) {
  if (!engine) {
    throw Error("no STT engine for /v1/audio/transcriptions", "set engines.stt, e.g. pocketsphinx:en-us");
  }
  server::RouteOptions route;
  route.runs_on = server::RunsOn::worker;
  route.max_body_bytes = options.max_upload_bytes + kFormOverheadBytes;
  router.add(
      "POST", "/v1/audio/transcriptions",
      [engine = std::move(engine), options = std::move(options)](const server::HttpRequest& request) {
        return handle(request, *engine, options);
      },
      route);
}

}  // namespace lv::api
