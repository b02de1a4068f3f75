#include "llm/text_stream.h"

#include <algorithm>
#include <cstddef>
#include <utility>

namespace lv::llm {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

struct SequenceRule {
  std::size_t length = 0;       // total bytes; 0 when the lead byte is invalid
  unsigned char second_lo = 0;  // allowed range of the second byte (excludes overlongs and surrogates)
  unsigned char second_hi = 0;
};

SequenceRule rule_for(unsigned char lead) {
  if (lead < 0x80) return {1, 0, 0};
  if (lead >= 0xC2 && lead <= 0xDF) return {2, 0x80, 0xBF};
  if (lead == 0xE0) return {3, 0xA0, 0xBF};
  if (lead == 0xED) return {3, 0x80, 0x9F};
  if (lead >= 0xE1 && lead <= 0xEF) return {3, 0x80, 0xBF};
  if (lead == 0xF0) return {4, 0x90, 0xBF};
  if (lead >= 0xF1 && lead <= 0xF3) return {4, 0x80, 0xBF};
  if (lead == 0xF4) return {4, 0x80, 0x8F};
  return {};
}

enum class Scan { complete, incomplete, invalid };

// Checks the sequence starting at text[0]; `valid_bytes` is how many bytes of it are well-formed.
Scan scan_sequence(std::string_view text, std::size_t& valid_bytes) {
  const auto lead = static_cast<unsigned char>(text[0]);
  const SequenceRule rule = rule_for(lead);
  valid_bytes = 1;
  if (rule.length == 0) {
    valid_bytes = 0;
    return Scan::invalid;
  }
  for (std::size_t k = 1; k < rule.length; ++k) {
    if (k >= text.size()) {
      return Scan::incomplete;
    }
    const auto byte = static_cast<unsigned char>(text[k]);
    const unsigned char lo = k == 1 ? rule.second_lo : 0x80;
    const unsigned char hi = k == 1 ? rule.second_hi : 0xBF;
    if (byte < lo || byte > hi) {
      return Scan::invalid;
    }
    valid_bytes = k + 1;
  }
  return Scan::complete;
}

}  // namespace

std::string Utf8Sanitizer::push(std::string_view bytes) {
  pending_.append(bytes);
  std::string out;
  out.reserve(pending_.size());
  std::size_t i = 0;
  while (i < pending_.size()) {
    std::size_t valid = 0;
    const Scan scan = scan_sequence(std::string_view(pending_).substr(i), valid);
    if (scan == Scan::complete) {
      out.append(pending_, i, valid);
      i += valid;
    } else if (scan == Scan::incomplete) {
      break;  // wait for the rest of the character
    } else {
      out.append(kReplacement);
      i += std::max<std::size_t>(valid, 1);
    }
  }
  pending_.erase(0, i);
  return out;
}

std::string Utf8Sanitizer::finish() {
  std::string out = pending_.empty() ? std::string() : std::string(kReplacement);
  pending_.clear();
  return out;
}

bool is_valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t valid = 0;
    if (scan_sequence(text.substr(i), valid) != Scan::complete) {
      return false;
    }
    i += valid;
  }
  return true;
}

StopSequenceFilter::StopSequenceFilter(std::vector<std::string> stop_sequences) {
  for (auto& stop : stop_sequences) {
    if (!stop.empty()) {
      stops_.push_back(std::move(stop));
    }
  }
}

std::string StopSequenceFilter::push(std::string_view text) {
  if (stopped_) {
    return {};
  }
  held_.append(text);
  std::size_t first_match = std::string::npos;
  for (const auto& stop : stops_) {
    first_match = std::min(first_match, held_.find(stop));
  }
  if (first_match != std::string::npos) {
    stopped_ = true;
    std::string out = held_.substr(0, first_match);
    held_.clear();
    return out;
  }
  // Keep the longest tail of held_ that is the start of some stop sequence; the rest is safe to show.
  std::size_t keep = 0;
  for (const auto& stop : stops_) {
    const std::size_t max_len = std::min(stop.size() - 1, held_.size());
    for (std::size_t len = max_len; len > keep; --len) {
      if (held_.compare(held_.size() - len, len, stop, 0, len) == 0) {
        keep = len;
        break;
      }
    }
  }
  std::string out = held_.substr(0, held_.size() - keep);
  held_.erase(0, held_.size() - keep);
  return out;
}

std::string StopSequenceFilter::finish() {
  std::string out = stopped_ ? std::string() : std::move(held_);
  held_.clear();
  return out;
}

std::string DeltaText::push(std::string_view bytes) { return stop_.push(utf8_.push(bytes)); }

std::string DeltaText::finish() {
  std::string out = stop_.push(utf8_.finish());
  out += stop_.finish();
  return out;
}

}  // namespace lv::llm
