// A /v1/realtime test client: sends a recording as 20 ms LVA1 frames in real time and collects the events
// (with arrival times) and reply audio frames the server sends back.
#pragma once

#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "audio/audio_buffer.h"
#include "audio/pcm.h"
#include "audio/resampler.h"

namespace lv::test {

struct ReceivedEvent {
  double at_ms = 0;
  nlohmann::json event;  // for audio frames: {"type": "audio", "turn_id", "seq", "samples"}
};

class RealtimeClient {
 public:
  explicit RealtimeClient(std::uint16_t port, const std::string& path = "/v1/realtime") : ws_(io_) {
    auto& socket = boost::beast::get_lowest_layer(ws_).socket();
    socket.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
    ws_.handshake("127.0.0.1:" + std::to_string(port), path);
    start_ = std::chrono::steady_clock::now();
    read_next();
    io_thread_ = std::thread([this] { io_.run(); });
  }
  ~RealtimeClient() {
    boost::asio::post(io_, [this] {
      boost::system::error_code ignored;
      boost::beast::get_lowest_layer(ws_).socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
      boost::beast::get_lowest_layer(ws_).socket().close(ignored);
    });
    work_.reset();
    io_thread_.join();
  }
  RealtimeClient(const RealtimeClient&) = delete;
  RealtimeClient& operator=(const RealtimeClient&) = delete;

  void send(const nlohmann::json& event) { enqueue(false, event.dump()); }

  // Sends `audio` (resampled to 16 kHz) as 20 ms frames, paced in real time.
  void stream(const audio::AudioBuffer& audio) {
    const auto pcm = audio::float_to_pcm16(audio::to_mono(audio, 16000).samples);
    const auto begin = std::chrono::steady_clock::now();
    for (std::size_t offset = 0, frame = 0; offset < pcm.size(); offset += 320, ++frame) {
      std::this_thread::sleep_until(begin + std::chrono::milliseconds(20 * frame));
      const std::size_t count = std::min<std::size_t>(320, pcm.size() - offset);
      std::string data = "LVA1";
      for (const std::uint32_t v : {0U, seq_++, static_cast<std::uint32_t>(frame * 20)}) {
        for (int shift = 0; shift < 32; shift += 8) {
          data.push_back(static_cast<char>((v >> shift) & 0xFFU));
        }
      }
      for (std::size_t i = 0; i < count; ++i) {
        const auto bits = static_cast<std::uint16_t>(pcm[offset + i]);
        data.push_back(static_cast<char>(bits & 0xFFU));
        data.push_back(static_cast<char>(bits >> 8U));
      }
      enqueue(true, std::move(data));
    }
  }

  // Waits until an event satisfies `predicate`; returns it (null JSON on timeout).
  nlohmann::json wait_for(const std::function<bool(const nlohmann::json&)>& predicate,
                          std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      {
        const std::lock_guard lock(mutex_);
        for (const auto& received : events_) {
          if (predicate(received.event)) {
            return received.event;
          }
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return nullptr;
  }
  nlohmann::json wait_for_type(const std::string& type, std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
    return wait_for([&](const nlohmann::json& e) { return e["type"] == type; }, timeout);
  }

  std::vector<ReceivedEvent> events() const {
    const std::lock_guard lock(mutex_);
    return events_;
  }
  std::size_t audio_frames() const {
    const std::lock_guard lock(mutex_);
    return audio_frames_;
  }
  bool closed() const {
    const std::lock_guard lock(mutex_);
    return closed_;
  }

 private:
  // All socket work happens on the client's one I/O thread: one read and one write in flight.
  void enqueue(bool binary, std::string data) {
    boost::asio::post(io_, [this, binary, data = std::move(data)]() mutable {
      outbox_.emplace_back(binary, std::move(data));
      if (outbox_.size() == 1) {
        write_next();
      }
    });
  }
  void write_next() {
    ws_.binary(outbox_.front().first);
    ws_.async_write(boost::asio::buffer(outbox_.front().second), [this](boost::system::error_code error, std::size_t) {
      outbox_.pop_front();
      if (!error && !outbox_.empty()) {
        write_next();
      }
    });
  }
  void read_next() {
    ws_.async_read(buffer_, [this](boost::system::error_code error, std::size_t) {
      const std::lock_guard lock(mutex_);
      if (error) {
        closed_ = true;
        return;
      }
      const double at_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_).count();
      if (ws_.got_binary()) {
        ++audio_frames_;
      } else {
        events_.push_back(
            {at_ms, nlohmann::json::parse(boost::beast::buffers_to_string(buffer_.data()), nullptr, false)});
      }
      buffer_.consume(buffer_.size());
      read_next();
    });
  }

  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_ = boost::asio::make_work_guard(io_);
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer buffer_;
  std::deque<std::pair<bool, std::string>> outbox_;
  mutable std::mutex mutex_;
  std::vector<ReceivedEvent> events_;
  std::size_t audio_frames_ = 0;
  bool closed_ = false;
  std::uint32_t seq_ = 1;
  std::chrono::steady_clock::time_point start_;
  std::thread io_thread_;
};

}  // namespace lv::test
