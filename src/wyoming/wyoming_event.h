// Wyoming protocol events: the event type, its encoding, and an incremental decoder with size limits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace lv::wyoming {

// The protocol version written in each header (readers ignore it; this is the feature level implemented:
// transcript streaming arrived in 1.7).
inline constexpr std::string_view kProtocolVersion = "1.7.0";

struct Event {
  std::string type;                                // "describe", "audio-chunk", ...
  nlohmann::json data = nlohmann::json::object();  // header "data" merged with the separate data section
  std::vector<std::uint8_t> payload;               // binary payload (PCM for audio-chunk)
};

// One event on the wire: a header line {"type","version","data_length","payload_length"} + "\n", then the data
// JSON (data_length bytes, omitted when data is empty), then the payload. Text that is not valid UTF-8 is
// written with replacement characters.
std::string encode(const Event& event);

struct DecoderLimits {
  std::size_t max_header_bytes = 64 * 1024;
  std::size_t max_data_bytes = 1024 * 1024;
  std::size_t max_payload_bytes = 4 * 1024 * 1024;
};

// Incremental: feed any split of the byte stream, take whole events. Throws lv::Error (message names the
// problem: "Wyoming header over 64 KiB", "Wyoming header is not JSON: ...", "payload_length 9999999 over the
// limit ...") on malformed or oversize input; after a throw the decoder is unusable (the connection closes).
class EventDecoder {
 public:
  explicit EventDecoder(DecoderLimits limits = {});
  // Appends bytes; checks what can be checked at once (a header line over the limit throws here).
  void feed(std::string_view bytes);
  // The next whole event, or nullopt until more bytes arrive.
  std::optional<Event> next();
  // Bytes fed but not yet returned as part of an event.
  std::size_t buffered_bytes() const { return buffer_.size() - read_pos_; }

 private:
  enum class Stage { header, data, payload };
  bool take_header();
  bool take_data();
  bool take_payload();
  void check_usable() const;
  void compact();

  DecoderLimits limits_;
  std::string buffer_;
  std::size_t read_pos_ = 0;
  std::size_t scanned_ = 0;  // header bytes already searched for the newline
  Stage stage_ = Stage::header;
  Event pending_;
  std::size_t data_length_ = 0;
  std::size_t payload_length_ = 0;
  bool failed_ = false;
};

}  // namespace lv::wyoming
