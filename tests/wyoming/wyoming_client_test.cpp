// The blocking Wyoming client: server URIs, connecting (TCP and Unix sockets) and the errors a user sees.
#include "wyoming/wyoming_client.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <string>

#include "support/test_paths.h"
#include "util/error.h"
#include "util/unique_fd.h"
#include "wyoming/python_wyoming_server.h"

namespace lv::wyoming {
namespace {

// A loopback port nothing listens on: bound once to learn a free number, then closed.
int closed_port() {
  util::UniqueFd fd(::socket(AF_INET, SOCK_STREAM, 0));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof(address));
  socklen_t length = sizeof(address);
  ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&address), &length);
  return ntohs(address.sin_port);
}

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& e) {
    return e.full_message();
  }
  return "(no error)";
}

Event describe() {
  Event event;
  event.type = "describe";
  return event;
}

TEST(WyomingClientTest, ParsesTcpAndUnixUris) {
  const auto tcp = parse_server_address("tcp://localhost:10300");
  EXPECT_EQ(tcp.host, "localhost");
  EXPECT_EQ(tcp.port, 10300);
  EXPECT_FALSE(tcp.is_unix());
  EXPECT_EQ(tcp.uri(), "tcp://localhost:10300");

  const auto v6 = parse_server_address("tcp://[::1]:10200");
  EXPECT_EQ(v6.host, "::1");
  EXPECT_EQ(v6.uri(), "tcp://[::1]:10200");

  const auto unix_socket = parse_server_address("unix:///run/piper.sock");
  EXPECT_TRUE(unix_socket.is_unix());
  EXPECT_EQ(unix_socket.socket_path, "/run/piper.sock");
  EXPECT_EQ(unix_socket.uri(), "unix:///run/piper.sock");
}

TEST(WyomingClientTest, RejectsMalformedUrisNamingBothForms) {
  for (const char* bad : {"http://host:1", "tcp://host", "tcp://:10300", "tcp://host:0", "tcp://host:x", "unix://"}) {
    const std::string message = error_of([&] { parse_server_address(bad); });
    EXPECT_NE(message.find(bad), std::string::npos) << message;
  }
  EXPECT_NE(error_of([] { parse_server_address("udp://h:1"); }).find("tcp://HOST:PORT"), std::string::npos);
}

TEST(WyomingClientTest, EngineSpecsNameTcpOrUnixServers) {
  EXPECT_EQ(parse_engine_server("//127.0.0.1:10300").uri(), "tcp://127.0.0.1:10300");
  EXPECT_EQ(parse_engine_server("///run/whisper.sock").uri(), "unix:///run/whisper.sock");
  EXPECT_NE(error_of([] { parse_engine_server("127.0.0.1:10300"); }).find("wyoming://HOST:PORT"), std::string::npos);
}

TEST(WyomingClientTest, RefusedConnectionNamesTheServerAndWhatToStart) {
  ClientOptions options;
  options.server_kind = "wyoming-piper";
  const std::string uri = "tcp://127.0.0.1:" + std::to_string(closed_port());
  const std::string message = error_of([&] { WyomingClient client(parse_server_address(uri), options); });
  EXPECT_NE(message.find("cannot connect to Wyoming server " + uri), std::string::npos) << message;
  EXPECT_NE(message.find("is wyoming-piper running at " + uri), std::string::npos) << message;
}

TEST(WyomingClientTest, MissingUnixSocketIsAConnectError) {
  const std::string message =
      error_of([] { WyomingClient client(parse_server_address("unix:///nonexistent/wyoming.sock")); });
  EXPECT_NE(message.find("cannot connect to Wyoming server unix:///nonexistent/wyoming.sock"), std::string::npos)
      << message;
}

TEST(WyomingClientTest, TalksToAPythonWyomingServerOverTcpAndUnixSockets) {
  test::PythonWyomingServer tcp_server({"--mode", "asr"});
  ASSERT_TRUE(tcp_server.ready()) << tcp_server.output();
  WyomingClient tcp(parse_server_address(tcp_server.tcp_uri()));
  tcp.write(describe());
  const auto info = tcp.read(10000, {}, "info");
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->type, "info");
  EXPECT_EQ(info->data["version"], "test");

  test::TempDir dir;
  const std::string socket_uri = "unix://" + (dir / "wyoming.sock").string();
  test::PythonWyomingServer unix_server({"--mode", "asr", "--uri", socket_uri});
  ASSERT_TRUE(unix_server.ready()) << unix_server.output();
  WyomingClient local(parse_server_address(socket_uri));
  local.write(describe());
  EXPECT_EQ(local.read(10000, {}, "info")->type, "info");
}

TEST(WyomingClientTest, ServerThatNeverAnswersIsATimeoutAndAStopEndsTheWaitEarly) {
  test::PythonWyomingServer server({"--mode", "silent"});
  ASSERT_TRUE(server.ready()) << server.output();
  WyomingClient client(parse_server_address(server.tcp_uri()));
  client.write(describe());
  const std::string message = error_of([&] { client.read(200, {}, "info"); });
  EXPECT_NE(message.find("did not send info within 200 ms"), std::string::npos) << message;

  std::stop_source stop;
  stop.request_stop();
  EXPECT_FALSE(client.read(60000, stop.get_token(), "info").has_value());
}

TEST(WyomingClientTest, ReadReadyReturnsOnlyWhatAlreadyArrived) {
  test::PythonWyomingServer server({"--mode", "silent"});
  ASSERT_TRUE(server.ready()) << server.output();
  WyomingClient client(parse_server_address(server.tcp_uri()));
  EXPECT_FALSE(client.read_ready().has_value());
}

}  // namespace
}  // namespace lv::wyoming
