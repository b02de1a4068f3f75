#include "net/remote_api.h"

#include <gtest/gtest.h>

#include <string>

namespace lv::net {
namespace {

TEST(RemoteApi, BaseUrlWithoutPathGetsV1) {
  EXPECT_EQ(openai_base_url("http://h:8080"), "http://h:8080/v1");
  EXPECT_EQ(openai_base_url("http://h:8080/"), "http://h:8080/v1");
  EXPECT_EQ(openai_base_url("https://api.openai.com/v1/"), "https://api.openai.com/v1");
  EXPECT_EQ(openai_base_url("http://h/custom/path"), "http://h/custom/path");
}

TEST(RemoteApi, ErrorMessageFromOpenAiAndOllamaBodies) {
  EXPECT_EQ(error_message_from_body(R"({"error":{"message":"model not found","type":"x"}})"), "model not found");
  EXPECT_EQ(error_message_from_body(R"({"error":"model 'x' not found"})"), "model 'x' not found");
}

TEST(RemoteApi, ErrorMessageFromAPlainBodyIsItsStartOnOneLine) {
  EXPECT_EQ(error_message_from_body("Service\nUnavailable"), "Service Unavailable");
  EXPECT_EQ(error_message_from_body(std::string(1000, 'x')).size(), 300U);
  EXPECT_EQ(error_message_from_body(R"({"detail":"no error key"})"), R"({"detail":"no error key"})");
}

TEST(RemoteApi, JsonPostCarriesTheBodyAndABearerTokenOnlyWhenGiven) {
  const HttpClientRequest with_key = json_post("http://h/v1/x", "{}", "application/json", "secret");
  EXPECT_EQ(with_key.method, "POST");
  EXPECT_EQ(with_key.url, "http://h/v1/x");
  EXPECT_EQ(with_key.body, "{}");
  const auto has = [](const HttpClientRequest& request, const std::string& name, const std::string& value) {
    for (const auto& [n, v] : request.headers) {
      if (n == name && v == value) return true;
    }
    return false;
  };
  EXPECT_TRUE(has(with_key, "Content-Type", "application/json"));
  EXPECT_TRUE(has(with_key, "Accept", "application/json"));
  EXPECT_TRUE(has(with_key, "Authorization", "Bearer secret"));
  const HttpClientRequest without_key = json_post("http://h/v1/x", "{}", "text/event-stream", "");
  EXPECT_EQ(without_key.headers.size(), 2U);
}

}  // namespace
}  // namespace lv::net
