#include "server/static_files.h"

#include <gtest/gtest.h>

#include <fstream>

#include "metrics/registry.h"
#include "server/http_server.h"
#include "server/test_client.h"
#include "support/test_paths.h"

namespace lv::server {
namespace {

using lv::test::http_get;

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(root() / "assets");
    write(root() / "index.html", "<html>home</html>");
    write(root() / "assets" / "app-1234.js", "console.log(1)");
    write(root() / "style.css", "body{}");
    write(root() / "docs" / "index.html", "<html>docs</html>");
    write(outside_.path() / "secret.txt", "TOP SECRET");
    std::filesystem::create_symlink(outside_.path() / "secret.txt", root() / "link.txt");
    HttpServerOptions options;
    options.web_root = root();
    server_ = std::make_unique<HttpServer>(options, Router{}, std::make_shared<metrics::Registry>());
    port_ = server_->start();
  }
  static void write(const std::filesystem::path& path, const std::string& content) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << content;
  }
  std::filesystem::path root() const { return web_.path() / "web"; }

  lv::test::TempDir web_;
  lv::test::TempDir outside_;
  std::unique_ptr<HttpServer> server_;
  std::uint16_t port_ = 0;
};

TEST_F(StaticFilesTest, ServesIndexWithTypeAndRevalidation) {
  const auto home = http_get(port_, "/");
  EXPECT_EQ(home.status, 200);
  EXPECT_EQ(home.body, "<html>home</html>");
  EXPECT_EQ(home.header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(home.header("Cache-Control"), "no-cache");
  EXPECT_EQ(http_get(port_, "/docs/").body, "<html>docs</html>");
  EXPECT_EQ(http_get(port_, "/docs").body, "<html>docs</html>");
  EXPECT_EQ(http_get(port_, "/style.css").header("Content-Type"), "text/css; charset=utf-8");
}

TEST_F(StaticFilesTest, HashedAssetsAreCachedForever) {
  const auto asset = http_get(port_, "/assets/app-1234.js");
  EXPECT_EQ(asset.status, 200);
  EXPECT_EQ(asset.header("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(asset.header("Cache-Control"), "public, max-age=31536000, immutable");
}

TEST_F(StaticFilesTest, EtagGives304) {
  const auto first = http_get(port_, "/style.css");
  const std::string etag = first.header("ETag");
  ASSERT_FALSE(etag.empty());
  const auto again =
      lv::test::http_call(port_, boost::beast::http::verb::get, "/style.css", {}, {{"If-None-Match", etag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
}

TEST_F(StaticFilesTest, HeadHasLengthButNoBody) {
  const auto head = lv::test::http_call(port_, boost::beast::http::verb::head, "/index.html");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("Content-Length"), "17");
  EXPECT_TRUE(head.body.empty());
}

TEST_F(StaticFilesTest, TraversalAttemptsNeverLeaveTheRoot) {
  for (const std::string target :
       {"/../secret.txt", "/%2e%2e/secret.txt", "/assets/../../secret.txt", "/assets/%2e%2e%2f%2e%2e%2fsecret.txt",
        "/..%2fsecret.txt", "/link.txt", "/%00index.html", "/assets/..\\..\\secret.txt", "//etc/passwd"}) {
    const std::string reply =
        lv::test::raw_exchange(port_, "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(reply.find("TOP SECRET"), std::string::npos) << target;
    EXPECT_EQ(reply.find("root:"), std::string::npos) << target;
    EXPECT_TRUE(reply.find(" 404 ") != std::string::npos || reply.find(" 400 ") != std::string::npos) << target << "\n"
                                                                                                      << reply;
  }
}

TEST(ContentTypes, KnownAndUnknownExtensions) {
  EXPECT_STREQ(content_type_for("a.svg"), "image/svg+xml");
  EXPECT_STREQ(content_type_for("a.wasm"), "application/wasm");
  EXPECT_STREQ(content_type_for("a.unknown"), "application/octet-stream");
}

}  // namespace
}  // namespace lv::server
