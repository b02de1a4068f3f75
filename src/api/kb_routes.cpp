#include "api/kb_routes.h"

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "api/transcription_routes.h"
#include "util/error.h"
#include "util/text.h"

namespace lv::api {
namespace {

using Json = nlohmann::json;

// Room for the multipart framing and headers on top of the file itself.
constexpr std::size_t kFormOverheadBytes = 64 << 10;

[[noreturn]] void bad_request(const std::string& message, const std::string& code = {}) {
  throw server::HttpError(400, message, "invalid_request_error", code);
}

Json document_json(const kb::Document& document) {
  return {{"id", document.id},
          {"object", "kb.document"},
          {"path", document.path},
          {"format", document.format},
          {"size_bytes", document.size_bytes},
          {"chunks", document.chunk_count},
          {"sha256", document.content_hash}};
}

Json result_json(const kb::SearchResult& result) {
  return {{"chunk_id", result.chunk_id},
          {"document_id", result.document_id},
          {"source", result.source},
          {"heading", result.heading},
          {"text", result.text},
          {"snippet", result.snippet},
          {"score", std::round(result.score * 10000) / 10000},
          {"lexical_rank", result.lexical_rank},
          {"dense_rank", result.dense_rank}};
}

std::int64_t parse_integer(const std::string& text, const std::string& what) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size()) {
    bad_request(what + " '" + text + "' is not a whole number", "invalid_parameter");
  }
  return value;
}

server::HttpResponse search(const server::HttpRequest& request, const kb::KnowledgeBase& knowledge_base,
                            const KbRoutesLimits& limits) {
  const auto query = request.query_param("q");
  if (!query || util::is_blank(*query)) {
    bad_request("missing query: pass what to look for as ?q=, e.g. /v1/kb/search?q=boiler+pressure", "missing_query");
  }
  std::size_t k = limits.default_k;
  if (const auto k_text = request.query_param("k")) {
    const std::int64_t value = parse_integer(*k_text, "k");
    if (value < 1 || static_cast<std::size_t>(value) > limits.max_k) {
      bad_request("k must be from 1 to " + std::to_string(limits.max_k) + ", not " + *k_text, "invalid_parameter");
    }
    k = static_cast<std::size_t>(value);
  }
  double min_score = 0;
  if (const auto min_text = request.query_param("min_score")) {
    const auto [end, error] = std::from_chars(min_text->data(), min_text->data() + min_text->size(), min_score);
    if (error != std::errc{} || end != min_text->data() + min_text->size() || !(min_score >= 0 && min_score <= 1)) {
      bad_request("min_score must be a number from 0 to 1, not '" + *min_text + "'", "invalid_parameter");
    }
  }
  Json data = Json::array();
  for (const auto& result : knowledge_base.search(*query, k, min_score)) data.push_back(result_json(result));
  return server::HttpResponse::json(Json{{"object", "list"}, {"query", *query}, {"data", std::move(data)}}.dump());
}

server::HttpResponse upload(const server::HttpRequest& request, kb::KnowledgeBase& knowledge_base,
                            const KbRoutesLimits& limits) {
  std::string name = request.query_param("name").value_or("");
  std::string_view bytes = request.body;
  std::vector<MultipartField> fields;
  const std::string content_type = request.header("content-type").value_or("");
  if (content_type.rfind("multipart/form-data", 0) == 0) {
    fields = parse_multipart_form_data(content_type, request.body);
    const MultipartField* file = nullptr;
    for (const auto& field : fields) {
      if (field.name == "file") file = &field;
    }
    if (file == nullptr) bad_request("missing form field 'file'; send the document as file=@notes.md", "missing_file");
    if (name.empty()) name = file->filename;
    bytes = file->data;
  }
  if (name.empty()) {
    bad_request("missing document name: pass ?name=notes.md (raw body) or a filename in the form's file field",
                "missing_name");
  }
  if (bytes.size() > limits.max_upload_bytes) {
    throw server::HttpError(413,
                            "document is " + std::to_string(bytes.size()) + " bytes; the limit is " +
                                std::to_string(limits.max_upload_bytes) + " (server.max_upload_bytes)",
                            "invalid_request_error", "file_too_large");
  }
  if (bytes.empty()) bad_request("the document is empty; send its content as the body", "empty_document");
  const kb::Document document = knowledge_base.add_document(name, bytes);  // lv::Error -> 400 with the fix
  return server::HttpResponse::json(document_json(document).dump(), 201);
}

}  // namespace

void add_kb_routes(server::Router& router, kb::KnowledgeBasePtr knowledge_base, KbRoutesLimits limits) {
  if (!knowledge_base) throw Error("no knowledge base for /v1/kb", "open one before adding its routes");
  router.add("GET", "/v1/kb/search", [knowledge_base, limits](const server::HttpRequest& request) {
    return search(request, *knowledge_base, limits);
  });
  router.add("GET", "/v1/kb/documents", [knowledge_base](const server::HttpRequest&) {
    Json data = Json::array();
    for (const auto& document : knowledge_base->documents()) data.push_back(document_json(document));
    return server::HttpResponse::json(Json{{"object", "list"}, {"data", std::move(data)}}.dump());
  });
  server::RouteOptions upload_options;
  upload_options.max_body_bytes = limits.max_upload_bytes + kFormOverheadBytes;
  router.add(
      "POST", "/v1/kb/documents",
      [knowledge_base, limits](const server::HttpRequest& request) { return upload(request, *knowledge_base, limits); },
      upload_options);
  router.add("DELETE", "/v1/kb/documents/{id}",
             [knowledge_base = std::move(knowledge_base)](const server::HttpRequest& request) {
               const std::string& id_text = request.path_params.at("id");
               const std::int64_t id = parse_integer(id_text, "document id");
               if (!knowledge_base->remove(id)) {
                 throw server::HttpError(404, "no document with id " + id_text + " (GET /v1/kb/documents lists them)",
                                         "invalid_request_error", "document_not_found");
               }
               return server::HttpResponse::json(Json{{"id", id}, {"object", "kb.document"}, {"deleted", true}}.dump());
             });
}

void add_kb_indexing_route(server::Router& router, std::shared_ptr<const kb::IndexingMonitor> monitor) {
  router.add("GET", "/v1/kb/indexing", [monitor = std::move(monitor)](const server::HttpRequest&) {
    server::HttpResponse response;
    response.content_type = "text/event-stream";
    response.headers.emplace_back("Cache-Control", "no-cache");
    response.stream = [monitor](server::ResponseStream& out) {
      const auto event = [](const std::string& name, const nlohmann::json& data) {
        return "event: " + name + "\ndata: " + data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
               "\n\n";
      };
      auto snapshot = monitor->snapshot();
      if (!snapshot.indexing) {
        out.write(event("idle", nlohmann::json::object()));
        return;
      }
      for (;;) {
        if (!snapshot.indexing) {
          out.write(event("done", {{"total", snapshot.total}}));
          return;
        }
        if (!out.write(
                event("progress", {{"done", snapshot.done}, {"total", snapshot.total}, {"path", snapshot.path}}))) {
          return;
        }
        const std::uint64_t seen = snapshot.version;
        do {
          if (out.client_gone()) {
            return;
          }
          snapshot = monitor->wait_for_change(seen, std::chrono::milliseconds(500));
        } while (snapshot.version == seen);
      }
    };
    return response;
  });
}

}  // namespace lv::api
