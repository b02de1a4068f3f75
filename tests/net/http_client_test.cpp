#include "net/http_client.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <string>
#include <vector>

#include "net/fixture_http_server.h"
#include "support/test_paths.h"
#include "util/error.h"

namespace lv::net {
namespace {

using lv::test::FixtureHttpServer;
using lv::test::FixtureRequest;
using lv::test::FixtureResponder;
using lv::test::Framing;
using Clock = std::chrono::steady_clock;

std::string error_message_of(const HttpClientRequest& request) {
  try {
    http_request(request);
  } catch (const lv::Error& error) {
    return error.full_message();
  }
  return "(no error)";
}

std::string pattern_bytes(std::size_t count) {
  std::string out(count, '\0');
  for (std::size_t i = 0; i < count; ++i) {
    out[i] = static_cast<char>((i * 7 + i / 251) & 0xFF);
  }
  return out;
}

// A port on 127.0.0.1 with nothing listening: bound, then released.
int closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  socklen_t length = sizeof(address);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

TEST(HttpClient, GetReturnsStatusHeadersAndBody) {
  FixtureHttpServer server;
  server.on("/hello", [](const FixtureRequest&, FixtureResponder& out) {
    out.send(200, "hello world", {{"X-Test", "yes"}});
  });
  HttpClientRequest request;
  request.url = server.url("/hello");
  const auto response = http_request(request);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "hello world");
  EXPECT_EQ(response.header("x-test"), "yes");
  EXPECT_EQ(response.header("X-TEST"), "yes");
  EXPECT_FALSE(response.header("x-missing").has_value());
  EXPECT_FALSE(response.cancelled);
}

TEST(HttpClient, PostSendsBodyAndHeaders) {
  FixtureHttpServer server;
  server.on("/echo", [](const FixtureRequest& in, FixtureResponder& out) {
    out.send(201, in.method + "|" + in.header("authorization").value_or("-") + "|" + in.body);
  });
  HttpClientRequest request;
  request.method = "POST";
  request.url = server.url("/echo");
  request.headers = {{"Authorization", "Bearer abc"}, {"Content-Type", "application/json"}};
  request.body = std::string(5000, 'x');  // large enough that libcurl would otherwise wait for 100-continue
  const auto response = http_request(request);
  EXPECT_EQ(response.status, 201);
  EXPECT_EQ(response.body, "POST|Bearer abc|" + request.body);
}

TEST(HttpClient, ErrorStatusesAreReturnedNotThrown) {
  FixtureHttpServer server;
  HttpClientRequest request;
  request.url = server.url("/nothing-here");
  const auto response = http_request(request);
  EXPECT_EQ(response.status, 404);
  EXPECT_NE(response.body.find("/nothing-here"), std::string::npos);
}

TEST(HttpClient, FollowsRedirects) {
  FixtureHttpServer server;
  server.on("/old", [&server](const FixtureRequest&, FixtureResponder& out) {
    out.send(302, "", {{"Location", server.url("/new")}});
  });
  server.on("/new", [](const FixtureRequest&, FixtureResponder& out) { out.send(200, "moved here"); });
  HttpClientRequest request;
  request.url = server.url("/old");
  int headers_seen = 0;
  request.on_headers = [&](int status, const auto&) {
    ++headers_seen;
    EXPECT_EQ(status, 200);
  };
  const auto response = http_request(request);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "moved here");
  EXPECT_EQ(headers_seen, 1);
}

TEST(HttpClient, StreamsChunksInOrderAfterHeaders) {
  FixtureHttpServer server;
  server.on("/stream", [](const FixtureRequest&, FixtureResponder& out) {
    out.begin(200, {{"Content-Type", "application/x-ndjson"}});
    for (int i = 0; i < 5; ++i) {
      out.write("{\"n\":" + std::to_string(i) + "}\n");
      out.sleep_ms(20);
    }
    out.end();
  });
  HttpClientRequest request;
  request.url = server.url("/stream");
  std::vector<std::string> events;
  request.on_headers = [&](int status, const auto& headers) {
    events.push_back("headers " + std::to_string(status) + " " + std::to_string(headers.size()));
  };
  std::string streamed;
  request.on_body = [&](std::string_view chunk) {
    events.emplace_back("body");
    streamed.append(chunk);
    return true;
  };
  const auto response = http_request(request);
  EXPECT_EQ(response.status, 200);
  EXPECT_TRUE(response.body.empty());
  EXPECT_EQ(streamed, "{\"n\":0}\n{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n{\"n\":4}\n");
  ASSERT_GE(events.size(), 2U);
  EXPECT_TRUE(events.front().starts_with("headers 200"));
  EXPECT_EQ(events.back(), "body");
}

TEST(HttpClient, ReadsCloseDelimitedBodies) {
  FixtureHttpServer server;
  server.on("/sse", [](const FixtureRequest&, FixtureResponder& out) {
    out.begin(200, {{"Content-Type", "text/event-stream"}}, Framing::close_delimited);
    out.write("data: one\n\n");
    out.sleep_ms(10);
    out.write("data: two\n\n");
    out.end();
  });
  HttpClientRequest request;
  request.url = server.url("/sse");
  const auto response = http_request(request);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "data: one\n\ndata: two\n\n");
}

TEST(HttpClient, OnBodyReturningFalseCancels) {
  FixtureHttpServer server;
  server.on("/endless", [](const FixtureRequest&, FixtureResponder& out) {
    out.begin(200);
    while (out.write("tick\n") && out.sleep_ms(5)) {
    }
  });
  HttpClientRequest request;
  request.url = server.url("/endless");
  int chunks = 0;
  request.on_body = [&](std::string_view) { return ++chunks < 3; };
  const auto response = http_request(request);
  EXPECT_TRUE(response.cancelled);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(chunks, 3);
}

TEST(HttpClient, CancellationStopsAStalledRequestPromptly) {
  FixtureHttpServer server;
  server.on("/stall", [](const FixtureRequest&, FixtureResponder& out) { out.stall(); });
  HttpClientRequest request;
  request.url = server.url("/stall");
  request.idle_timeout_ms = 0;
  const auto started = Clock::now();
  const auto cancel_at = started + std::chrono::milliseconds(100);
  request.cancelled = [&] { return Clock::now() >= cancel_at; };
  const auto response = http_request(request);
  const auto late_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - cancel_at).count();
  EXPECT_TRUE(response.cancelled);
  // Generous bound: the point is that no data is needed for the cancellation to be noticed.
  EXPECT_LT(late_ms, 1000);
}

TEST(HttpClient, ConnectionRefusedNamesHostPortAndCause) {
  const int port = closed_port();
  HttpClientRequest request;
  request.url = "http://127.0.0.1:" + std::to_string(port) + "/x";
  const std::string message = error_message_of(request);
  EXPECT_NE(message.find("cannot connect to 127.0.0.1:" + std::to_string(port)), std::string::npos) << message;
  EXPECT_NE(message.find("connection refused"), std::string::npos) << message;
  EXPECT_NE(message.find("is the server running?"), std::string::npos) << message;
  try {
    http_request(request);
    FAIL() << "expected an HttpError";
  } catch (const HttpError& error) {
    EXPECT_EQ(error.failure(), HttpFailure::connect);
    EXPECT_EQ(error.body_bytes_received(), 0U);
  }
}

TEST(HttpClient, FirstByteTimeout) {
  FixtureHttpServer server;
  server.on("/stall", [](const FixtureRequest&, FixtureResponder& out) { out.stall(); });
  HttpClientRequest request;
  request.url = server.url("/stall");
  request.first_byte_timeout_ms = 150;
  const std::string message = error_message_of(request);
  EXPECT_NE(message.find("no response from 127.0.0.1:" + std::to_string(server.port()) + " within 150 ms"),
            std::string::npos)
      << message;
}

TEST(HttpClient, IdleTimeoutAfterTheResponseStarted) {
  FixtureHttpServer server;
  server.on("/half", [](const FixtureRequest&, FixtureResponder& out) {
    out.begin(200);
    out.write("some");
    out.stall();
  });
  HttpClientRequest request;
  request.url = server.url("/half");
  request.first_byte_timeout_ms = 5000;
  request.idle_timeout_ms = 150;
  const std::string message = error_message_of(request);
  EXPECT_NE(message.find("stalled: no data for 150 ms after 4 bytes"), std::string::npos) << message;
}

TEST(HttpClient, TotalTimeout) {
  FixtureHttpServer server;
  server.on("/slow", [](const FixtureRequest&, FixtureResponder& out) {
    out.begin(200);
    while (out.write("x") && out.sleep_ms(20)) {
    }
  });
  HttpClientRequest request;
  request.url = server.url("/slow");
  request.total_timeout_ms = 200;
  const std::string message = error_message_of(request);
  EXPECT_NE(message.find("did not finish within 200 ms"), std::string::npos) << message;
}

TEST(HttpClient, DropMidBodyReportsBytesReceived) {
  const lv::test::TempDir dir;
  const auto file = dir / "blob.bin";
  std::ofstream(file, std::ios::binary) << pattern_bytes(200000);
  FixtureHttpServer server;
  server.on("/blob", [&](const FixtureRequest&, FixtureResponder& out) {
    out.drop_after_body_bytes(1234);
    out.send_file(file);
  });
  HttpClientRequest request;
  request.url = server.url("/blob");
  const std::string message = error_message_of(request);
  EXPECT_NE(message.find("connection to 127.0.0.1:" + std::to_string(server.port()) +
                         " closed mid-response after 1234 bytes"),
            std::string::npos)
      << message;
  try {
    http_request(request);
    FAIL() << "expected an HttpError";
  } catch (const HttpError& error) {
    EXPECT_EQ(error.failure(), HttpFailure::broken);
    EXPECT_EQ(error.body_bytes_received(), 1234U);
  }
}

TEST(HttpClient, RangeRequestReturnsTheTail) {
  const lv::test::TempDir dir;
  const auto file = dir / "blob.bin";
  const std::string content = pattern_bytes(300000);
  std::ofstream(file, std::ios::binary) << content;
  FixtureHttpServer server;
  server.on("/blob", [&](const FixtureRequest&, FixtureResponder& out) { out.send_file(file); });
  HttpClientRequest request;
  request.url = server.url("/blob");
  request.range_start = 100000;
  std::uint64_t last_received = 0;
  std::uint64_t last_total = 0;
  request.on_progress = [&](std::uint64_t received, std::uint64_t total) {
    EXPECT_GE(received, last_received);
    last_received = received;
    last_total = total;
  };
  const auto response = http_request(request);
  EXPECT_EQ(response.status, 206);
  EXPECT_EQ(response.header("content-range"), "bytes 100000-299999/300000");
  EXPECT_EQ(response.body, content.substr(100000));
  EXPECT_EQ(last_received, 200000U);
  EXPECT_EQ(last_total, 200000U);
  ASSERT_EQ(server.requests().size(), 1U);
  EXPECT_EQ(server.requests()[0].header("range"), "bytes=100000-");

  request.range_start = 300000;  // past the end
  EXPECT_EQ(http_request(request).status, 416);
}

TEST(HttpClient, HeadReturnsHeadersOnly) {
  FixtureHttpServer server;
  server.on("/h", [](const FixtureRequest&, FixtureResponder& out) { out.send(200, "body-not-sent"); });
  HttpClientRequest request;
  request.method = "HEAD";
  request.url = server.url("/h");
  const auto response = http_request(request);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.header("content-length"), "13");
  EXPECT_TRUE(response.body.empty());
}

TEST(HttpClient, ExceptionsFromCallbacksPropagate) {
  FixtureHttpServer server;
  server.on("/x", [](const FixtureRequest&, FixtureResponder& out) { out.send(200, "data"); });
  HttpClientRequest request;
  request.url = server.url("/x");
  request.on_body = [](std::string_view) -> bool { throw std::runtime_error("consumer failed"); };
  EXPECT_THROW(http_request(request), std::runtime_error);
}

TEST(HttpClient, InvalidUrlIsAClearError) {
  HttpClientRequest request;
  request.url = "not a url";
  EXPECT_NE(error_message_of(request).find("invalid URL"), std::string::npos);
}

TEST(HttpClient, UrlEncode) {
  EXPECT_EQ(url_encode("a b&c=d/é~"), "a%20b%26c%3Dd%2F%C3%A9~");
  EXPECT_EQ(url_encode("Safe-_.~09"), "Safe-_.~09");
}

}  // namespace
}  // namespace lv::net
