#include "server/http_server.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <fstream>
#include <future>
#include <thread>

#include "api/realtime_endpoint.h"
#include "metrics/registry.h"
#include "server/test_client.h"
#include "support/test_paths.h"
#include "util/error.h"

namespace lv::server {
namespace {

using lv::test::http_call;
using lv::test::http_get;
namespace http = boost::beast::http;

class HttpServerTest : public ::testing::Test {
 protected:
  void start(Router router, HttpServerOptions options = {}) {
    options.port = 0;
    if (options.web_root.empty()) {
      options.web_root = web_.path();
    }
    metrics_ = std::make_shared<metrics::Registry>();
    server_ = std::make_unique<HttpServer>(options, std::move(router), metrics_);
    port_ = server_->start();
  }
  void TearDown() override {
    if (server_) {
      server_->stop();
    }
  }
  void write_file(const std::string& relative, const std::string& content) {
    const auto path = web_.path() / relative;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << content;
  }

  lv::test::TempDir web_;
  metrics::RegistryPtr metrics_;
  std::unique_ptr<HttpServer> server_;
  std::uint16_t port_ = 0;
};

TEST_F(HttpServerTest, RoutesRequestsAndAnswersUnknownPathsWith404Json) {
  Router router;
  router.add("GET", "/hello/{name}", [](const HttpRequest& r) {
    return HttpResponse::text("hi " + r.path_params.at("name") + " " + r.query_param("x").value_or("-"));
  });
  start(std::move(router));
  auto ok = http_get(port_, "/hello/ana?x=1%202");
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "hi ana 1 2");
  EXPECT_FALSE(ok.header("X-Request-Id").empty());

  auto missing = http_get(port_, "/nope");
  EXPECT_EQ(missing.status, 404);
  const auto error = nlohmann::json::parse(missing.body);
  EXPECT_EQ(error["error"]["code"], "not_found");
  EXPECT_NE(error["error"]["message"].get<std::string>().find("/nope"), std::string::npos);

  auto wrong_method = http_call(port_, http::verb::post, "/hello/ana", "x");
  EXPECT_EQ(wrong_method.status, 405);
}

TEST_F(HttpServerTest, HandlerExceptionsBecomeApiShapedErrors) {
  Router router;
  router.add("GET", "/http-error", [](const HttpRequest&) -> HttpResponse {
    throw HttpError(422, "bad thing", "invalid_request_error", "bad");
  });
  router.add("GET", "/user-error",
             [](const HttpRequest&) -> HttpResponse { throw Error("file is broken", "fix it like this"); });
  router.add("GET", "/crash", [](const HttpRequest&) -> HttpResponse { throw std::runtime_error("boom"); });
  start(std::move(router));
  auto a = http_get(port_, "/http-error");
  EXPECT_EQ(a.status, 422);
  EXPECT_EQ(nlohmann::json::parse(a.body)["error"]["message"], "bad thing");
  auto b = http_get(port_, "/user-error");
  EXPECT_EQ(b.status, 400);
  EXPECT_NE(b.body.find("fix it like this"), std::string::npos);
  auto c = http_get(port_, "/crash");
  EXPECT_EQ(c.status, 500);
  EXPECT_EQ(nlohmann::json::parse(c.body)["error"]["type"], "server_error");
  // The server survives all of it.
  EXPECT_EQ(http_get(port_, "/http-error").status, 422);
}

TEST_F(HttpServerTest, WorkerHandlersNeverRunOnIoThreads) {
  std::promise<std::thread::id> io_thread;
  std::promise<std::thread::id> worker_thread;
  Router router;
  router.add(
      "GET", "/io",
      [&](const HttpRequest&) {
        io_thread.set_value(std::this_thread::get_id());
        return HttpResponse::text("io");
      },
      RouteOptions{RunsOn::io_thread, 0});
  router.add("GET", "/work", [&](const HttpRequest&) {
    worker_thread.set_value(std::this_thread::get_id());
    return HttpResponse::text("work");
  });
  HttpServerOptions options;
  options.io_threads = 1;
  start(std::move(router), options);
  EXPECT_EQ(http_get(port_, "/io").status, 200);
  EXPECT_EQ(http_get(port_, "/work").status, 200);
  EXPECT_NE(io_thread.get_future().get(), worker_thread.get_future().get());
}

TEST_F(HttpServerTest, SlowHandlerDoesNotBlockOtherRequests) {
  std::promise<void> release;
  auto released = release.get_future().share();
  Router router;
  router.add("GET", "/slow", [released](const HttpRequest&) {
    released.wait();
    return HttpResponse::text("slow");
  });
  router.add(
      "GET", "/fast", [](const HttpRequest&) { return HttpResponse::text("fast"); },
      RouteOptions{RunsOn::io_thread, 0});
  HttpServerOptions options;
  options.io_threads = 1;
  start(std::move(router), options);
  auto slow = std::async(std::launch::async, [this] { return http_get(port_, "/slow"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(http_get(port_, "/fast").body, "fast");
  release.set_value();
  EXPECT_EQ(slow.get().body, "slow");
}

TEST_F(HttpServerTest, OversizedBodyGets413) {
  Router router;
  router.add(
      "POST", "/upload", [](const HttpRequest& r) { return HttpResponse::text(std::to_string(r.body.size())); },
      RouteOptions{RunsOn::worker, 1000});
  start(std::move(router));
  EXPECT_EQ(http_call(port_, http::verb::post, "/upload", std::string(999, 'a')).body, "999");
  auto big = http_call(port_, http::verb::post, "/upload", std::string(5000, 'a'));
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(nlohmann::json::parse(big.body)["error"]["code"], "request_too_large");
}

TEST_F(HttpServerTest, StreamsChunkedBodies) {
  Router router;
  router.add("GET", "/stream", [](const HttpRequest&) {
    HttpResponse response;
    response.content_type = "text/event-stream";
    response.stream = [](ResponseStream& out) {
      for (int i = 0; i < 200; ++i) {
        if (!out.write("data: " + std::to_string(i) + "\n\n")) {
          return;
        }
      }
    };
    return response;
  });
  start(std::move(router));
  const auto response = http_get(port_, "/stream");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.header("Transfer-Encoding"), "chunked");
  EXPECT_NE(response.body.find("data: 0\n\n"), std::string::npos);
  EXPECT_NE(response.body.find("data: 199\n\n"), std::string::npos);
}

TEST_F(HttpServerTest, MalformedRequestGets400AndServerKeepsServing) {
  start(Router{});
  const std::string reply = lv::test::raw_exchange(port_, "GARBAGE\x01 / HTTP/9\r\n\r\n");
  EXPECT_NE(reply.find("400"), std::string::npos);
  EXPECT_EQ(http_get(port_, "/missing").status, 404);
}

TEST_F(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  Router router;
  router.add("GET", "/n", [](const HttpRequest&) { return HttpResponse::text("n"); });
  start(std::move(router));
  const std::string request = "GET /n HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string reply =
      lv::test::raw_exchange(port_, request + request + "GET /n HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  std::size_t count = 0;
  for (auto pos = reply.find("HTTP/1.1 200"); pos != std::string::npos; pos = reply.find("HTTP/1.1 200", pos + 1)) {
    ++count;
  }
  EXPECT_EQ(count, 3U);
}

TEST_F(HttpServerTest, SecondServerOnTheSamePortFailsWithAClearError) {
  start(Router{});
  HttpServerOptions options;
  options.port = port_;
  HttpServer second(options, Router{}, std::make_shared<metrics::Registry>());
  try {
    second.start();
    FAIL() << "expected the port to be in use";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("already in use"), std::string::npos) << e.what();
    EXPECT_NE(e.fix().find("--port"), std::string::npos);
  }
}

TEST_F(HttpServerTest, BadHostIsAClearError) {
  HttpServerOptions options;
  options.host = "not-an-address";
  HttpServer server(options, Router{}, std::make_shared<metrics::Registry>());
  EXPECT_THROW(server.start(), Error);
}

TEST_F(HttpServerTest, RequestsAreCountedInMetrics) {
  Router router;
  router.add("GET", "/x", [](const HttpRequest&) { return HttpResponse::text("x"); });
  start(std::move(router));
  http_get(port_, "/x");
  http_get(port_, "/x");
  const std::string text = metrics_->render();
  EXPECT_NE(text.find(R"(localvoice_http_requests_total{method="GET",route="/x",status="200"} 2)"), std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(localvoice_http_request_duration_seconds_count{route="/x"} 2)"), std::string::npos);
  EXPECT_NE(text.find("localvoice_build_info"), std::string::npos);
}

class WebSocketTest : public HttpServerTest {
 protected:
  void start_realtime(std::size_t max_message_bytes = 4096, int max_messages_per_second = 400) {
    Router router;
    api::add_realtime_endpoint(router, api::RealtimeLimits{max_messages_per_second});
    HttpServerOptions options;
    options.max_ws_message_bytes = max_message_bytes;
    options.shutdown_grace_ms = 5000;
    start(std::move(router), options);
  }
};

TEST_F(WebSocketTest, AcceptsConnectionsAndGreets) {
  start_realtime();
  lv::test::WsClient client(port_);
  const auto hello = nlohmann::json::parse(client.read());
  EXPECT_EQ(hello["type"], "session.created");
  EXPECT_EQ(server_->active_websockets(), 1U);
}

TEST_F(WebSocketTest, AnswersPings) {
  start_realtime();
  lv::test::WsClient client(port_);
  (void)client.read();
  std::atomic<bool> got_pong{false};
  client.stream().control_callback([&](boost::beast::websocket::frame_type kind, boost::beast::string_view payload) {
    if (kind == boost::beast::websocket::frame_type::pong && payload == "p1") {
      got_pong = true;
    }
  });
  client.stream().ping("p1");
  client.send_text(R"({"type":"bogus.event"})");
  (void)client.read();  // the pong arrives before the reply to a later message
  EXPECT_TRUE(got_pong);
}

TEST_F(WebSocketTest, MalformedMessagesGetErrorEventsAndTheConnectionStays) {
  start_realtime();
  lv::test::WsClient client(port_);
  (void)client.read();
  client.send_text("{not json");
  EXPECT_EQ(nlohmann::json::parse(client.read())["error"]["code"], "invalid_json");
  client.send_text(R"([1,2])");
  EXPECT_EQ(nlohmann::json::parse(client.read())["error"]["code"], "invalid_event");
  client.send_text(R"({"type":42})");
  EXPECT_EQ(nlohmann::json::parse(client.read())["error"]["code"], "invalid_event");
  client.send_text(R"({"type":"no.such.event","event_id":"e1"})");
  const auto unknown = nlohmann::json::parse(client.read());
  EXPECT_EQ(unknown["error"]["code"], "unknown_event");
  EXPECT_EQ(unknown["error"]["event_id"], "e1");
}

TEST_F(WebSocketTest, OversizedMessageClosesWith1009) {
  start_realtime(1024);
  lv::test::WsClient client(port_);
  (void)client.read();
  client.send_text(std::string(4096, 'x'));
  EXPECT_EQ(client.read_until_closed(), 1009);
}

TEST_F(WebSocketTest, FloodingClosesWithPolicyViolation) {
  start_realtime(4096, 20);
  lv::test::WsClient client(port_);
  (void)client.read();
  for (int i = 0; i < 40; ++i) {
    client.send_text("{}");
  }
  EXPECT_EQ(client.read_until_closed(), 1008);
}

TEST_F(WebSocketTest, GracefulShutdownClosesOpenSessionsWithGoingAway) {
  start_realtime();
  lv::test::WsClient client(port_);
  (void)client.read();
  auto closed = std::async(std::launch::async, [&client] { return client.read_until_closed(); });
  const auto started = std::chrono::steady_clock::now();
  server_->stop();
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(closed.get(), 1001);
  EXPECT_LT(took, std::chrono::seconds(5));
  EXPECT_THROW(http_get(port_, "/health"), boost::system::system_error);
}

}  // namespace
}  // namespace lv::server
