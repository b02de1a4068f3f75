#include "wyoming/wyoming_event.h"

#include <algorithm>
#include <string>
#include <utility>

#include "util/error.h"

namespace lv::wyoming {
namespace {

using nlohmann::json;

constexpr std::size_t kKiB = 1024;
constexpr std::size_t kMiB = kKiB * kKiB;
// How much of a bad header an error message quotes.
constexpr std::size_t kQuotedBytes = 80;

std::string dump(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string size_text(std::size_t bytes) {
  if (bytes >= kMiB && bytes % kMiB == 0) {
    return std::to_string(bytes / kMiB) + " MiB";
  }
  if (bytes >= kKiB && bytes % kKiB == 0) {
    return std::to_string(bytes / kKiB) + " KiB";
  }
  return std::to_string(bytes) + " bytes";
}

std::string excerpt(std::string_view text) {
  std::string out(text.substr(0, kQuotedBytes));
  if (text.size() > kQuotedBytes) {
    out += "...";
  }
  return out;
}

const char* const kFix =
    "the client must send Wyoming events: a JSON header line, then data_length bytes of JSON, "
    "then payload_length bytes";

// A length field of the header: absent or null is 0; anything but a whole number from 0 to `limit` throws.
std::size_t length_field(const json& header, const char* name, std::size_t limit) {
  const auto found = header.find(name);
  if (found == header.end() || found->is_null()) {
    return 0;
  }
  if (found->is_number_unsigned()) {
    const auto value = found->get<std::uint64_t>();
    if (value > limit) {
      throw Error(std::string(name) + " " + std::to_string(value) + " over the limit of " + size_text(limit),
                  "send smaller events (split audio into chunks of at most " + size_text(limit) + ")");
    }
    return static_cast<std::size_t>(value);
  }
  if (found->is_number_integer()) {
    throw Error(std::string(name) + " " + dump(*found) + " is negative", kFix);
  }
  throw Error(std::string(name) + " " + excerpt(dump(*found)) + " is not a whole number of bytes", kFix);
}

}  // namespace

std::string encode(const Event& event) {
  json header = json::object();
  header["type"] = event.type;
  header["version"] = kProtocolVersion;
  std::string data_text;
  if (event.data.is_object() && !event.data.empty()) {
    data_text = dump(event.data);
    header["data_length"] = data_text.size();
  }
  if (!event.payload.empty()) {
    header["payload_length"] = event.payload.size();
  }
  std::string out = dump(header);
  out.reserve(out.size() + 1 + data_text.size() + event.payload.size());
  out += '\n';
  out += data_text;
  out.append(event.payload.begin(), event.payload.end());
  return out;
}

EventDecoder::EventDecoder(DecoderLimits limits) : limits_(limits) {}

void EventDecoder::check_usable() const {
  if (failed_) {
    throw Error("the Wyoming stream is unusable after an earlier error", "close the connection");
  }
}

void EventDecoder::feed(std::string_view bytes) {
  check_usable();
  compact();
  buffer_.append(bytes);
  if (stage_ == Stage::header && buffer_.find('\n', read_pos_ + scanned_) == std::string::npos &&
      buffer_.size() - read_pos_ > limits_.max_header_bytes) {
    failed_ = true;
    throw Error("Wyoming header over " + size_text(limits_.max_header_bytes) + " (no newline within the limit)", kFix);
  }
}

void EventDecoder::compact() {
  // Drops consumed bytes once they are most of the buffer, so long streams do not grow it.
  if (read_pos_ > 0 && read_pos_ * 2 >= buffer_.size()) {
    buffer_.erase(0, read_pos_);
    read_pos_ = 0;
  }
}

bool EventDecoder::take_header() {
  const std::size_t newline = buffer_.find('\n', read_pos_ + scanned_);
  if (newline == std::string::npos) {
    scanned_ = buffer_.size() - read_pos_;
    if (scanned_ > limits_.max_header_bytes) {
      throw Error("Wyoming header over " + size_text(limits_.max_header_bytes) + " (no newline within the limit)",
                  kFix);
    }
    return false;
  }
  const std::string_view line(buffer_.data() + read_pos_, newline - read_pos_);
  if (line.size() > limits_.max_header_bytes) {
    throw Error("Wyoming header over " + size_text(limits_.max_header_bytes), kFix);
  }
  json header = json::parse(line, nullptr, false);
  if (header.is_discarded()) {
    throw Error("Wyoming header is not JSON: " + excerpt(line), kFix);
  }
  if (!header.is_object()) {
    throw Error("Wyoming header is not a JSON object: " + excerpt(line), kFix);
  }
  const auto type = header.find("type");
  if (type == header.end() || !type->is_string() || type->get_ref<const std::string&>().empty()) {
    throw Error("Wyoming header has no \"type\": " + excerpt(line), kFix);
  }
  Event event;
  event.type = type->get<std::string>();
  if (const auto data = header.find("data"); data != header.end() && !data->is_null()) {
    if (!data->is_object()) {
      throw Error("Wyoming header \"data\" is not a JSON object: " + excerpt(line), kFix);
    }
    event.data = std::move(*data);
  }
  data_length_ = length_field(header, "data_length", limits_.max_data_bytes);
  payload_length_ = length_field(header, "payload_length", limits_.max_payload_bytes);
  pending_ = std::move(event);
  read_pos_ = newline + 1;
  scanned_ = 0;
  stage_ = Stage::data;
  return true;
}

bool EventDecoder::take_data() {
  if (buffer_.size() - read_pos_ < data_length_) {
    return false;
  }
  if (data_length_ > 0) {
    const std::string_view text(buffer_.data() + read_pos_, data_length_);
    json section = json::parse(text, nullptr, false);
    if (section.is_discarded() || !section.is_object()) {
      throw Error("Wyoming data of a \"" + pending_.type + "\" event is not a JSON object: " + excerpt(text), kFix);
    }
    // The separate section wins over the header's inline "data", key by key.
    pending_.data.update(section);
    read_pos_ += data_length_;
  }
  stage_ = Stage::payload;
  return true;
}

bool EventDecoder::take_payload() {
  if (buffer_.size() - read_pos_ < payload_length_) {
    return false;
  }
  const auto begin = buffer_.begin() + static_cast<std::ptrdiff_t>(read_pos_);
  pending_.payload.assign(begin, begin + static_cast<std::ptrdiff_t>(payload_length_));
  read_pos_ += payload_length_;
  stage_ = Stage::header;
  return true;
}

std::optional<Event> EventDecoder::next() {
  check_usable();
  try {
    if (stage_ == Stage::header && !take_header()) {
      return std::nullopt;
    }
    if (stage_ == Stage::data && !take_data()) {
      return std::nullopt;
    }
    if (stage_ == Stage::payload && !take_payload()) {
      return std::nullopt;
    }
  } catch (...) {
    failed_ = true;
    throw;
  }
  Event event = std::move(pending_);
  pending_ = Event{};
  return event;
}

}  // namespace lv::wyoming
