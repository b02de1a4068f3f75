#include "models/model_store.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "models/file_hash.h"
#include "models/tgz_writer.h"
#include "net/fixture_http_server.h"
#include "support/test_paths.h"
#include "util/error.h"

namespace lv::models {
namespace {

using Json = nlohmann::json;
using lv::test::FixtureHttpServer;
using lv::test::FixtureRequest;
using lv::test::FixtureResponder;

constexpr std::size_t kFileBytes = 400000;

std::string pattern_bytes(std::size_t count, unsigned seed = 1) {
  std::string out(count, '\0');
  for (std::size_t i = 0; i < count; ++i) {
    out[i] = static_cast<char>((i * 31 + seed * 7 + i / 997) & 0xFF);
  }
  return out;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string sha256_of(std::string_view data) {
  Hasher hasher;
  hasher.update(data);
  return hasher.finish().sha256;
}

// A port on 127.0.0.1 with nothing listening.
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

Json hf_file(const std::string& name, std::uint64_t size, const Json& sha256) {
  return Json{{"name", name},
              {"size_bytes", size},
              {"sha256", sha256},
              {"source", {{"huggingface", {{"repo", "org/repo"}, {"revision", "main"}, {"path", "sub/" + name}}}}}};
}

Json model_entry(const std::string& name, const Json& files, bool verified) {
  return Json{{"name", name},     {"role", "stt"},     {"description", "test model"},
              {"license", "MIT"}, {"ram_bytes", 1000}, {"verified", verified},
              {"files", files}};
}

// A Hugging Face look-alike on 127.0.0.1 serving the files of a test catalog, with a models dir and HOME.
class StoreFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    content_ = pattern_bytes(kFileBytes);
    std::filesystem::create_directories(dir_ / "server" / "sub");
    std::ofstream(dir_ / "server" / "sub" / "model.bin", std::ios::binary) << content_;
    std::ofstream(dir_ / "server" / "sub" / "unverified.bin", std::ios::binary) << pattern_bytes(5000, 2);
    server_.on("/org/repo/resolve/main/*",
               [this](const FixtureRequest& request, FixtureResponder& out) { serve(request, out); });
    models_ = Json::array(
        {model_entry("whisper:test", Json::array({hf_file("model.bin", kFileBytes, sha256_of(content_))}), true),
         model_entry("whisper:unverified", Json::array({hf_file("unverified.bin", 5000, nullptr)}), false)});
  }

  // Serves files from dir/server; tests override behaviour through `handler_`.
  void serve(const FixtureRequest& request, FixtureResponder& out) {
    if (handler_ && handler_(request, out)) {
      return;
    }
    const std::string prefix = "/org/repo/resolve/main/";
    out.send_file(dir_ / "server" / request.path.substr(prefix.size()));
  }

  ModelStore make_store(std::map<std::string, std::string> extra_env = {}, std::filesystem::path models_dir = {}) {
    const Json catalog{
        {"schema_version", 1},
        {"models", models_},
        {"profiles",
         {{"small", {{"description", ""}, {"ram_bytes", 1}, {"models", {"whisper:test", "whisper:unverified"}}}}}}};
    StoreOptions options;
    options.models_dir = models_dir.empty() ? dir_ / "models" : models_dir;
    options.env = {{"HF_ENDPOINT", server_.url()}, {"HOME", (dir_ / "home").string()}};
    for (auto& [key, value] : extra_env) {
      options.env[key] = value;
    }
    options.first_byte_timeout_ms = 500;
    options.idle_timeout_ms = 1000;
    return ModelStore(parse_catalog(catalog.dump(), "test catalog"), options);
  }

  std::size_t file_requests(const std::string& name) const {
    return server_.request_count("/org/repo/resolve/main/sub/" + name);
  }

  lv::test::TempDir dir_;
  FixtureHttpServer server_;
  std::string content_;
  Json models_;
  std::function<bool(const FixtureRequest&, FixtureResponder&)> handler_;
};

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const lv::Error& error) {
    return error.full_message();
  }
  return "(no error)";
}

TEST_F(StoreFixture, PullDownloadsVerifiesAndInstalls) {
  ModelStore store = make_store();
  EXPECT_FALSE(store.status("whisper:test").installed);
  std::vector<PullProgress> updates;
  const PullResult result = store.pull("whisper:test", [&](const PullProgress& p) { updates.push_back(p); });
  EXPECT_TRUE(result.downloaded);
  EXPECT_EQ(result.bytes_transferred, kFileBytes);
  EXPECT_TRUE(result.warnings.empty());
  const auto path = dir_ / "models" / "whisper" / "test" / "model.bin";
  EXPECT_EQ(store.resolve("whisper:test"), path);
  EXPECT_EQ(store.install_path("whisper:test"), path);
  EXPECT_EQ(read_file(path), content_);
  EXPECT_FALSE(std::filesystem::exists(path.string() + ".part"));
  const ModelStatus status = store.status("whisper:test");
  EXPECT_TRUE(status.installed);
  EXPECT_EQ(status.location, Location::models_dir);
  EXPECT_EQ(status.size_on_disk_bytes, kFileBytes);
  ASSERT_FALSE(updates.empty());
  EXPECT_TRUE(updates.back().done);
  EXPECT_EQ(updates.back().have_bytes, kFileBytes);
  EXPECT_EQ(file_requests("model.bin"), 1U);

  const PullResult again = store.pull("whisper:test");  // installed: nothing to do
  EXPECT_FALSE(again.downloaded);
  EXPECT_EQ(file_requests("model.bin"), 1U);
}

TEST_F(StoreFixture, ResumesWithRangeAfterTheServerDropsTheConnection) {
  std::atomic<int> calls{0};
  handler_ = [&](const FixtureRequest&, FixtureResponder& out) {
    if (calls++ == 0) {
      out.drop_after_body_bytes(kFileBytes / 3);
    }
    return false;
  };
  ModelStore store = make_store();
  const PullResult result = store.pull("whisper:test");
  EXPECT_TRUE(result.resumed);
  EXPECT_EQ(result.requests, 2);
  const auto requests = server_.requests();
  ASSERT_EQ(requests.size(), 2U);
  EXPECT_FALSE(requests[0].header("range").has_value());
  EXPECT_EQ(requests[1].header("range"), "bytes=" + std::to_string(kFileBytes / 3) + "-");
  EXPECT_LT(server_.body_bytes_sent(), 2 * kFileBytes);
  EXPECT_EQ(server_.body_bytes_sent(), kFileBytes);
  EXPECT_EQ(read_file(store.resolve("whisper:test")), content_);
}

TEST_F(StoreFixture, ACancelledPullKeepsThePartAndTheNextPullRehashesAndResumesIt) {
  ModelStore store = make_store();
  const auto part = dir_ / "models" / "whisper" / "test" / "model.bin.part";
  std::atomic<bool> cancel{false};
  handler_ = [&](const FixtureRequest& request, FixtureResponder& out) {
    if (request.header("range")) {
      return false;
    }
    out.begin(200, {}, lv::test::Framing::content_length, kFileBytes);
    out.write(std::string_view(content_).substr(0, 100000));
    while (!cancel && out.sleep_ms(5)) {
    }
    return true;
  };
  // Cancel once the first 100000 bytes are on disk (the server then sends nothing more).
  const auto cancelled = [&] {
    std::error_code ignored;
    cancel = cancel || std::filesystem::file_size(part, ignored) >= 100000;
    return cancel.load();
  };
  const std::string message = error_of([&] { store.pull("whisper:test", {}, cancelled); });
  EXPECT_NE(message.find("cancelled"), std::string::npos) << message;
  ASSERT_TRUE(std::filesystem::exists(part));
  EXPECT_EQ(std::filesystem::file_size(part), 100000U);

  handler_ = nullptr;
  const PullResult result = store.pull("whisper:test");
  EXPECT_TRUE(result.resumed);
  EXPECT_EQ(result.bytes_transferred, kFileBytes - 100000);
  EXPECT_EQ(server_.requests().back().header("range"), "bytes=100000-");
  EXPECT_EQ(read_file(store.resolve("whisper:test")), content_);
}

TEST_F(StoreFixture, ChecksumMismatchDeletesTheFile) {
  models_[0]["files"][0]["sha256"] = std::string(64, 'a');
  ModelStore store = make_store();
  const std::string message = error_of([&] { store.pull("whisper:test"); });
  EXPECT_NE(message.find("checksum mismatch for whisper:test"), std::string::npos) << message;
  EXPECT_NE(message.find("the downloaded file was deleted"), std::string::npos) << message;
  EXPECT_NE(message.find(sha256_of(content_)), std::string::npos) << message;
  const auto directory = dir_ / "models" / "whisper" / "test";
  EXPECT_FALSE(std::filesystem::exists(directory / "model.bin"));
  EXPECT_FALSE(std::filesystem::exists(directory / "model.bin.part"));
  EXPECT_FALSE(store.status("whisper:test").installed);
}

TEST_F(StoreFixture, NotFoundNamesTheUrl) {
  models_[0]["files"][0]["source"]["huggingface"]["path"] = "sub/gone.bin";
  ModelStore store = make_store();
  const std::string message = error_of([&] { store.pull("whisper:test"); });
  EXPECT_NE(message.find("HTTP 404"), std::string::npos) << message;
  EXPECT_NE(message.find(server_.url("/org/repo/resolve/main/sub/gone.bin")), std::string::npos) << message;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "models" / "whisper" / "test" / "model.bin.part"));
}

TEST_F(StoreFixture, UnauthorizedExplainsHfTokenAndSendsTheToken) {
  handler_ = [](const FixtureRequest& request, FixtureResponder& out) {
    if (request.header("authorization") != "Bearer secret-token") {
      out.send(401, "Access to model org/repo is restricted");
      return true;
    }
    return false;
  };
  const std::string message = error_of([&] { make_store().pull("whisper:test"); });
  EXPECT_NE(message.find("HTTP 401"), std::string::npos) << message;
  EXPECT_NE(message.find("HF_TOKEN"), std::string::npos) << message;
  EXPECT_NE(message.find("accept the model's license"), std::string::npos) << message;

  ModelStore with_token = make_store({{"HF_TOKEN", "secret-token"}});
  EXPECT_TRUE(with_token.pull("whisper:test").downloaded);
}

TEST_F(StoreFixture, StalledServerHitsTheTimeout) {
  handler_ = [](const FixtureRequest&, FixtureResponder& out) {
    out.stall();
    return true;
  };
  ModelStore store = make_store();
  const std::string message = error_of([&] { store.pull("whisper:test"); });
  EXPECT_NE(message.find("cannot download whisper:test: no response from 127.0.0.1"), std::string::npos) << message;
}

TEST_F(StoreFixture, ConcurrentPullsDownloadOnce) {
  handler_ = [this](const FixtureRequest&, FixtureResponder& out) {
    out.begin(200, {}, lv::test::Framing::content_length, kFileBytes);
    for (std::size_t at = 0; at < kFileBytes; at += 50000) {
      out.write(std::string_view(content_).substr(at, 50000));
      out.sleep_ms(10);
    }
    return true;
  };
  ModelStore first = make_store();
  ModelStore second = make_store();
  PullResult a;
  PullResult b;
  std::thread one([&] { a = first.pull("whisper:test"); });
  std::thread two([&] { b = second.pull("whisper:test"); });
  one.join();
  two.join();
  EXPECT_EQ(file_requests("model.bin"), 1U);
  EXPECT_NE(a.downloaded, b.downloaded) << "exactly one of the two pulls downloads";
  EXPECT_EQ(read_file(first.resolve("whisper:test")), content_);
}

TEST_F(StoreFixture, OfflineModeNeverDownloads) {
  ModelStore store = make_store({{"HF_HUB_OFFLINE", "1"}});
  const std::string message = error_of([&] { store.pull("whisper:test"); });
  EXPECT_NE(message.find("HF_HUB_OFFLINE=1 forbids downloading"), std::string::npos) << message;
  EXPECT_NE(message.find("cp model.bin " + store.install_path("whisper:test").string()), std::string::npos) << message;
  EXPECT_EQ(server_.request_count(), 0U);
}

TEST_F(StoreFixture, UnreachableEndpointSaysOfflineAndHowToCopyByHand) {
  ModelStore store = make_store({{"HF_ENDPOINT", "http://127.0.0.1:" + std::to_string(closed_port())}});
  const auto started = std::chrono::steady_clock::now();
  const std::string message = error_of([&] { store.pull("whisper:test"); });
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(15));
  EXPECT_NE(message.find("the machine appears to be offline"), std::string::npos) << message;
  EXPECT_NE(message.find("localvoice models path whisper:test"), std::string::npos) << message;
}

TEST_F(StoreFixture, NotEnoughDiskSpaceIsCheckedFirst) {
  models_[0]["files"][0]["size_bytes"] = std::uint64_t{1} << 60;
  ModelStore store = make_store();
  const std::string message = error_of([&] { store.pull("whisper:test"); });
  EXPECT_NE(message.find("not enough disk space for whisper:test"), std::string::npos) << message;
  EXPECT_EQ(server_.request_count(), 0U);
}

// Runs `pull` against a file system that fills up mid-download: a tiny tmpfs when we may mount one, else a
// child process whose file size limit (RLIMIT_FSIZE) plays the full disk.
TEST_F(StoreFixture, DiskFullLeavesNoPartialFile) {
  models_[0]["files"][0]["size_bytes"] = 1000;  // an approximate size that lets the download start
  const auto small = dir_ / "small";
  std::filesystem::create_directories(small);
  if (::mount("tmpfs", small.c_str(), "tmpfs", 0, "size=128k") == 0) {
    std::string message;
    {
      ModelStore store = make_store({}, small / "models");
      message = error_of([&] { store.pull("whisper:test"); });
    }
    const bool part_left = std::filesystem::exists(small / "models" / "whisper" / "test" / "model.bin.part");
    ::umount(small.c_str());
    EXPECT_NE(message.find("the disk is full"), std::string::npos) << message;
    EXPECT_NE(message.find("the partial file was deleted"), std::string::npos) << message;
    EXPECT_FALSE(part_left);
    return;
  }
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    std::signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{100000, 100000};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    ModelStore store = make_store({}, small / "models");
    const std::string message = error_of([&] { store.pull("whisper:test"); });
    const bool ok = message.find("the disk is full") != std::string::npos &&
                    !std::filesystem::exists(small / "models" / "whisper" / "test" / "model.bin.part");
    ::_exit(ok ? 0 : 1);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

TEST_F(StoreFixture, ResolveNamesThePullCommandWhenNotInstalled) {
  ModelStore store = make_store();
  const std::string message = error_of([&] { store.resolve("whisper:test"); });
  EXPECT_NE(message.find("whisper:test is not installed: run `localvoice models pull whisper:test`"), std::string::npos)
      << message;
  std::ofstream(dir_ / "own.bin") << "weights";
  EXPECT_EQ(store.resolve((dir_ / "own.bin").string()), dir_ / "own.bin");
  EXPECT_NE(error_of([&] { store.resolve((dir_ / "nope.bin").string()); }).find("does not exist"), std::string::npos);
  EXPECT_NE(error_of([&] { store.resolve("whisper:nope"); }).find("unknown model"), std::string::npos);
}

TEST(ModelStoreEmbedded, ResolveMessageForTheRealCatalog) {
  const lv::test::TempDir dir;
  ModelStore store(embedded_catalog(), StoreOptions{dir / "models", {{"HOME", dir.path().string()}}});
  const std::string message = error_of([&] { store.resolve("whisper:base.en"); });
  EXPECT_NE(message.find("whisper:base.en is not installed: run `localvoice models pull whisper:base.en`"),
            std::string::npos)
      << message;
  EXPECT_EQ(store.install_path("piper:en_US-lessac-medium"),
            dir / "models" / "piper" / "en_US-lessac-medium" / "en_US-lessac-medium.onnx");
  EXPECT_EQ(store.download_url(embedded_catalog().get("silero:v5").files[0]),
            "https://registry.npmjs.org/@ricky0123/vad-web/-/vad-web-0.0.31.tgz");
  EXPECT_EQ(store.download_url(embedded_catalog().get("whisper:base.en").files[0]),
            "https://huggingface.co/ggerganov/whisper.cpp/resolve/main/ggml-base.en.bin");
}

TEST_F(StoreFixture, HuggingFaceCacheFilesAreUsedInPlace) {
  const auto repo = dir_ / "home" / ".cache" / "huggingface" / "hub" / "models--org--repo";
  const std::string commit(40, 'c');
  std::filesystem::create_directories(repo / "snapshots" / commit / "sub");
  std::filesystem::create_directories(repo / "refs");
  std::ofstream(repo / "refs" / "main") << commit;
  std::ofstream(repo / "snapshots" / commit / "sub" / "model.bin") << content_;
  ModelStore store = make_store();
  EXPECT_EQ(store.resolve("whisper:test"), repo / "snapshots" / commit / "sub" / "model.bin");
  EXPECT_EQ(store.status("whisper:test").location, Location::hf_cache);
  EXPECT_FALSE(store.pull("whisper:test").downloaded);
  EXPECT_EQ(server_.request_count(), 0U);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "models" / "whisper" / "test" / "model.bin"));

  ModelStore with_hf_home = make_store({{"HF_HOME", (dir_ / "elsewhere").string()}});
  EXPECT_FALSE(with_hf_home.status("whisper:test").installed);
}

TEST_F(StoreFixture, UnverifiedEntriesRecordTheirHashOnFirstUse) {
  ModelStore store = make_store();
  const PullResult result = store.pull("whisper:unverified");
  ASSERT_EQ(result.warnings.size(), 1U);
  EXPECT_NE(result.warnings[0].find("trust on first use"), std::string::npos);
  const auto path = store.resolve("whisper:unverified");
  const std::string recorded = read_file(path.string() + ".sha256");
  EXPECT_EQ(recorded, sha256_of(pattern_bytes(5000, 2)) + "  unverified.bin\n");

  auto results = store.verify({"whisper:unverified"});
  ASSERT_EQ(results.size(), 1U);
  EXPECT_TRUE(results[0].ok) << results[0].detail;
  EXPECT_NE(results[0].detail.find("recorded on first download"), std::string::npos);

  std::ofstream(path, std::ios::binary | std::ios::in | std::ios::out) << "XX";  // corrupt two bytes
  results = store.verify({"whisper:unverified"});
  ASSERT_EQ(results.size(), 1U);
  EXPECT_FALSE(results[0].ok);
  EXPECT_NE(results[0].detail.find("MISMATCH"), std::string::npos);
}

TEST_F(StoreFixture, VerifyDetectsACorruptedVerifiedFile) {
  ModelStore store = make_store();
  store.pull("whisper:test");
  auto results = store.verify();
  ASSERT_EQ(results.size(), 1U);  // only installed models are checked
  EXPECT_TRUE(results[0].ok) << results[0].detail;
  std::ofstream(store.resolve("whisper:test"), std::ios::binary | std::ios::in | std::ios::out) << "corrupt";
  results = store.verify();
  ASSERT_EQ(results.size(), 1U);
  EXPECT_FALSE(results[0].ok);
  EXPECT_NE(results[0].detail.find("MISMATCH with the catalog's sha256"), std::string::npos) << results[0].detail;
}

TEST_F(StoreFixture, Sha1OnlyEntriesAreCheckedAgainstSha1) {
  models_[0]["files"][0]["sha256"] = nullptr;
  Hasher hasher(true);
  hasher.update(content_);
  models_[0]["files"][0]["sha1"] = hasher.finish().sha1;
  ModelStore store = make_store();
  const PullResult result = store.pull("whisper:test");
  EXPECT_TRUE(result.warnings.empty());  // a publisher hash exists: no trust-on-first-use warning
  EXPECT_TRUE(std::filesystem::exists(store.resolve("whisper:test").string() + ".sha256"));

  models_[0]["files"][0]["sha1"] = std::string(40, '0');
  ModelStore wrong = make_store({}, dir_ / "models2");
  EXPECT_NE(error_of([&] { wrong.pull("whisper:test"); }).find("expected sha1 0000"), std::string::npos);
}

TEST_F(StoreFixture, NpmTarballSourcesAreExtracted) {
  const std::string onnx = pattern_bytes(30000, 3);
  lv::test::write_tgz(dir_ / "server" / "pkg.tgz", {{"package/package.json", "{}"}, {"package/dist/vad.onnx", onnx}});
  server_.on("/@scope/vad/-/vad-1.2.3.tgz",
             [this](const FixtureRequest&, FixtureResponder& out) { out.send_file(dir_ / "server" / "pkg.tgz"); });
  models_.push_back(model_entry(
      "silero:test",
      Json::array(
          {Json{{"name", "vad.onnx"},
                {"size_bytes", onnx.size()},
                {"sha256", sha256_of(onnx)},
                {"source", {{"npm", {{"package", "@scope/vad"}, {"version", "1.2.3"}, {"path", "dist/vad.onnx"}}}}}}}),
      true));
  ModelStore store = make_store({{"NPM_CONFIG_REGISTRY", server_.url() + "/"}});
  EXPECT_TRUE(store.pull("silero:test").downloaded);
  EXPECT_EQ(read_file(store.resolve("silero:test")), onnx);
  const auto directory = dir_ / "models" / "silero" / "test";
  EXPECT_FALSE(std::filesystem::exists(directory / "vad-1.2.3.tgz.part"));
  EXPECT_TRUE(store.remove("silero:test"));
  EXPECT_FALSE(std::filesystem::exists(directory));
}

TEST_F(StoreFixture, RemoveAndProfiles) {
  ModelStore store = make_store();
  EXPECT_EQ(store.missing("small"), (std::vector<std::string>{"whisper:test", "whisper:unverified"}));
  const auto results = store.pull_missing("small");
  EXPECT_EQ(results.size(), 2U);
  EXPECT_TRUE(store.missing("small").empty());
  EXPECT_TRUE(store.remove("whisper:test"));
  EXPECT_FALSE(store.remove("whisper:test"));
  EXPECT_FALSE(store.status("whisper:test").installed);
  EXPECT_EQ(store.missing("small"), std::vector<std::string>{"whisper:test"});
  EXPECT_FALSE(std::filesystem::exists(dir_ / "models" / "whisper" / "test"));
}

}  // namespace
}  // namespace lv::models
