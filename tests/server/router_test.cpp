#include "server/router.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace lv::server {
namespace {

TEST(Router, MatchesPatternsWithParameters) {
  Router router;
  router.add("GET", "/v1/kb/documents", [](const HttpRequest&) { return HttpResponse::text("list"); });
  router.add("DELETE", "/v1/kb/documents/{id}", [](const HttpRequest&) { return HttpResponse::text("del"); });
  auto list = router.match("GET", "/v1/kb/documents");
  ASSERT_NE(list.route, nullptr);
  EXPECT_EQ(list.route->pattern, "/v1/kb/documents");
  auto del = router.match("DELETE", "/v1/kb/documents/42");
  ASSERT_NE(del.route, nullptr);
  EXPECT_EQ(del.path_params.at("id"), "42");
  EXPECT_EQ(router.match("DELETE", "/v1/kb/documents/").route, nullptr);
  EXPECT_EQ(router.match("GET", "/v1/kb/documents/42/x").route, nullptr);
}

TEST(Router, DistinguishesUnknownPathFromWrongMethod) {
  Router router;
  router.add("POST", "/v1/chat/completions", [](const HttpRequest&) { return HttpResponse::text("ok"); });
  EXPECT_TRUE(router.match("GET", "/v1/chat/completions").path_known);
  EXPECT_FALSE(router.match("GET", "/v1/other").path_known);
}

TEST(Router, HeadUsesGetRoutes) {
  Router router;
  router.add("GET", "/health", [](const HttpRequest&) { return HttpResponse::text("ok"); });
  EXPECT_NE(router.match("HEAD", "/health").route, nullptr);
}

TEST(Router, AddingARouteAgainReplacesItAndKeepsTheOldOneAlive) {
  Router router;
  router.add("POST", "/v1/audio/speech", [](const HttpRequest&) { return HttpResponse::text("flite"); });
  const Route* before = router.match("POST", "/v1/audio/speech").route;
  ASSERT_NE(before, nullptr);
  // An engine swapped in at run time mounts its routes again.
  router.add("POST", "/v1/audio/speech", [](const HttpRequest&) { return HttpResponse::text("piper"); });
  const Route* after = router.match("POST", "/v1/audio/speech").route;
  ASSERT_NE(after, nullptr);
  EXPECT_EQ(Router::invoke(*after, HttpRequest{}).body, "piper");
  // A request that matched before the swap still finishes with the handler it matched.
  EXPECT_EQ(Router::invoke(*before, HttpRequest{}).body, "flite");
}

TEST(Router, ErrorResponseHasOpenAiShape) {
  const auto response = error_response(404, "nothing here", "invalid_request_error", "not_found");
  EXPECT_EQ(response.status, 404);
  const auto body = nlohmann::json::parse(response.body);
  EXPECT_EQ(body["error"]["message"], "nothing here");
  EXPECT_EQ(body["error"]["type"], "invalid_request_error");
  EXPECT_EQ(body["error"]["code"], "not_found");
  EXPECT_TRUE(nlohmann::json::parse(error_response(500, "x", "server_error").body)["error"]["code"].is_null());
}

}  // namespace
}  // namespace lv::server
