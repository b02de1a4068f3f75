#include "api/kb_routes.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <thread>

#include "metrics/registry.h"
#include "server/http_server.h"
#include "server/test_client.h"
#include "support/test_paths.h"

namespace lv::api {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using boost::beast::http::verb;

class KbRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(dir_ / "kb");
    std::ofstream(dir_ / "kb" / "boiler.md") << "# Heating\n\nThe boiler pressure should read 1.2 bar.\n";
    kb::KnowledgeBaseOptions options;
    options.kb_dir = dir_ / "kb";
    options.db_path = dir_ / "kb.sqlite3";
    kb_ = kb::KnowledgeBase::open(options);
    kb_->sync();
    server::Router router;
    KbRoutesLimits limits;
    limits.max_upload_bytes = 4096;
    add_kb_routes(router, kb_, limits);
    add_kb_indexing_route(router, indexing_);
    server_ = std::make_unique<server::HttpServer>(server::HttpServerOptions{}, std::move(router),
                                                   std::make_shared<metrics::Registry>());
    port_ = server_->start();
  }
  static void expect_error(const test::ClientResponse& response, int status, const std::string& part) {
    EXPECT_EQ(response.status, status) << response.body;
    const Json body = Json::parse(response.body);
    ASSERT_TRUE(body.contains("error")) << response.body;
    EXPECT_NE(body["error"]["message"].get<std::string>().find(part), std::string::npos) << response.body;
  }

  test::TempDir dir_;
  std::shared_ptr<kb::IndexingMonitor> indexing_ = std::make_shared<kb::IndexingMonitor>();
  kb::KnowledgeBasePtr kb_;
  std::unique_ptr<server::HttpServer> server_;
  std::uint16_t port_ = 0;
};

TEST_F(KbRoutesTest, SearchReturnsRankedResults) {
  const auto response = test::http_get(port_, "/v1/kb/search?q=boiler+pressure&k=2");
  ASSERT_EQ(response.status, 200) << response.body;
  const Json body = Json::parse(response.body);
  EXPECT_EQ(body["object"], "list");
  EXPECT_EQ(body["query"], "boiler pressure");
  ASSERT_EQ(body["data"].size(), 1U);
  const Json& best = body["data"][0];
  EXPECT_EQ(best["source"], "boiler.md");
  EXPECT_EQ(best["heading"], "Heating");
  EXPECT_GT(best["score"].get<double>(), 0.0);
  EXPECT_EQ(best["lexical_rank"], 1);
  EXPECT_NE(best["text"].get<std::string>().find("1.2 bar"), std::string::npos);
}

TEST_F(KbRoutesTest, SearchRejectsBadParameters) {
  expect_error(test::http_get(port_, "/v1/kb/search"), 400, "?q=");
  expect_error(test::http_get(port_, "/v1/kb/search?q=x&k=0"), 400, "k must be");
  expect_error(test::http_get(port_, "/v1/kb/search?q=x&k=abc"), 400, "not a whole number");
  expect_error(test::http_get(port_, "/v1/kb/search?q=x&min_score=2"), 400, "min_score");
}

TEST_F(KbRoutesTest, UploadsRawBodiesAndMultipartFormsThenListsAndDeletes) {
  const auto raw = test::http_call(port_, verb::post, "/v1/kb/documents?name=notes/ferry.md",
                                   "# Ferry\n\nThe ferry leaves at 07:40.\n", {{"Content-Type", "text/markdown"}});
  ASSERT_EQ(raw.status, 201) << raw.body;
  const Json ferry = Json::parse(raw.body);
  EXPECT_EQ(ferry["path"], "notes/ferry.md");
  EXPECT_EQ(ferry["chunks"], 1);
  EXPECT_TRUE(fs::exists(dir_ / "kb" / "notes" / "ferry.md"));

  const std::string form =
      "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"tides.txt\"\r\nContent-Type: "
      "text/plain\r\n\r\n"
      "High tide is at noon on Saturday.\r\n--XyZ--\r\n";
  const auto multipart = test::http_call(port_, verb::post, "/v1/kb/documents", form,
                                         {{"Content-Type", "multipart/form-data; boundary=XyZ"}});
  ASSERT_EQ(multipart.status, 201) << multipart.body;
  EXPECT_EQ(Json::parse(multipart.body)["path"], "tides.txt");

  const auto found = Json::parse(test::http_get(port_, "/v1/kb/search?q=high+tide").body);
  ASSERT_FALSE(found["data"].empty());
  EXPECT_EQ(found["data"][0]["source"], "tides.txt");

  const Json list = Json::parse(test::http_get(port_, "/v1/kb/documents").body);
  ASSERT_EQ(list["data"].size(), 3U);
  EXPECT_EQ(list["data"][0]["path"], "boiler.md");

  const std::string id = std::to_string(ferry["id"].get<std::int64_t>());
  const auto deleted = test::http_call(port_, verb::delete_, "/v1/kb/documents/" + id);
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(Json::parse(deleted.body)["deleted"], true);
  EXPECT_FALSE(fs::exists(dir_ / "kb" / "notes" / "ferry.md"));
  expect_error(test::http_call(port_, verb::delete_, "/v1/kb/documents/" + id), 404, "no document");
  expect_error(test::http_call(port_, verb::delete_, "/v1/kb/documents/abc"), 400, "not a whole number");
}

TEST_F(KbRoutesTest, UploadsAreCheckedForNameSizeAndContent) {
  expect_error(test::http_call(port_, verb::post, "/v1/kb/documents?name=../../etc/evil.md", "x"), 400,
               "leave the knowledge folder");
  expect_error(test::http_call(port_, verb::post, "/v1/kb/documents?name=%2Fetc%2Fpasswd.md", "x"), 400, "absolute");
  expect_error(test::http_call(port_, verb::post, "/v1/kb/documents", "text"), 400, "?name=");
  expect_error(test::http_call(port_, verb::post, "/v1/kb/documents?name=big.txt", std::string(5000, 'a')), 413,
               "server.max_upload_bytes");
  expect_error(test::http_call(port_, verb::post, "/v1/kb/documents?name=x.exe", "MZ"), 400, "not a supported");
  expect_error(test::http_call(port_, verb::post, "/v1/kb/documents?name=bin.txt", std::string("\0\0\0binary", 9)), 400,
               "binary");
  const std::string traversal_form =
      "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"../up.md\"\r\n\r\nx\r\n--B--\r\n";
  expect_error(test::http_call(port_, verb::post, "/v1/kb/documents", traversal_form,
                               {{"Content-Type", "multipart/form-data; boundary=B"}}),
               400, "leave the knowledge folder");
  EXPECT_FALSE(fs::exists(dir_ / "up.md"));
  EXPECT_EQ(kb_->documents().size(), 1U);
}

TEST_F(KbRoutesTest, IndexingProgressIsIdleWhenNothingIsBeingIndexed) {
  const auto response = test::http_get(port_, "/v1/kb/indexing");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.header("Content-Type"), "text/event-stream");
  EXPECT_EQ(response.body, "event: idle\ndata: {}\n\n");
}

TEST_F(KbRoutesTest, IndexingProgressStreamsEachFileThenDone) {
  indexing_->report(0, 3, "");
  std::thread indexer([this] {
    for (std::size_t done = 1; done <= 3; ++done) {
      std::this_thread::sleep_for(std::chrono::milliseconds(60));
      indexing_->report(done, 3, "notes/" + std::to_string(done) + ".md");
    }
  });
  const auto response = test::http_get(port_, "/v1/kb/indexing");
  indexer.join();
  EXPECT_EQ(response.status, 200);
  EXPECT_NE(response.body.find("event: progress\ndata: {\"done\":0,\"path\":\"\",\"total\":3}"), std::string::npos)
      << response.body;
  EXPECT_NE(response.body.find("\"path\":\"notes/2.md\""), std::string::npos) << response.body;
  const auto done = response.body.find("event: done\ndata: {\"total\":3}");
  ASSERT_NE(done, std::string::npos) << response.body;
  EXPECT_EQ(done + std::string("event: done\ndata: {\"total\":3}\n\n").size(), response.body.size());
}

}  // namespace
}  // namespace lv::api
