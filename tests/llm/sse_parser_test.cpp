#include "llm/sse_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lv::llm {
namespace {

std::vector<SseEvent> parse_in_pieces(const std::string& stream, const std::vector<std::size_t>& cuts) {
  SseParser parser;
  std::vector<SseEvent> events;
  std::size_t start = 0;
  for (std::size_t cut : cuts) {
    parser.feed(std::string_view(stream).substr(start, cut - start), [&](const SseEvent& e) { events.push_back(e); });
    start = cut;
  }
  parser.feed(std::string_view(stream).substr(start), [&](const SseEvent& e) { events.push_back(e); });
  return events;
}

const std::string kStream =
    ": keep-alive comment\r\n"
    "data: {\"choices\":[{\"delta\":{\"content\":\"h\xC3\xA9\"}}]}\r\n"
    "\r\n"
    "event: update\n"
    "id: 7\n"
    "data: line one\n"
    "data:line two\n"
    "\n"
    "data: {\"error\":{\"message\":\"boom\"}}\r\r"
    "data: {\"usage\":{\"prompt_tokens\":3}}\n\n"
    "data: [DONE]\n\n";

void expect_expected_events(const std::vector<SseEvent>& events, const std::string& context) {
  ASSERT_EQ(events.size(), 5U) << context;
  EXPECT_EQ(events[0].event, "message");
  EXPECT_EQ(events[0].data, "{\"choices\":[{\"delta\":{\"content\":\"h\xC3\xA9\"}}]}") << context;
  EXPECT_EQ(events[1].event, "update");
  EXPECT_EQ(events[1].id, "7");
  EXPECT_EQ(events[1].data, "line one\nline two") << context;
  EXPECT_EQ(events[2].data, "{\"error\":{\"message\":\"boom\"}}") << context;
  EXPECT_EQ(events[3].data, "{\"usage\":{\"prompt_tokens\":3}}") << context;
  EXPECT_EQ(events[4].data, "[DONE]") << context;
}

TEST(SseParser, WholeStreamAtOnce) { expect_expected_events(parse_in_pieces(kStream, {}), "whole"); }

TEST(SseParser, SplitAtEveryByteBoundary) {
  for (std::size_t cut = 0; cut <= kStream.size(); ++cut) {
    expect_expected_events(parse_in_pieces(kStream, {cut}), "cut at " + std::to_string(cut));
  }
}

TEST(SseParser, SplitAtEveryPairOfBoundaries) {
  for (std::size_t a = 0; a <= kStream.size(); a += 3) {
    for (std::size_t b = a; b <= kStream.size(); b += 5) {
      expect_expected_events(parse_in_pieces(kStream, {a, b}), "cuts " + std::to_string(a) + "," + std::to_string(b));
    }
  }
}

TEST(SseParser, OneByteAtATime) {
  std::vector<std::size_t> cuts;
  for (std::size_t i = 1; i < kStream.size(); ++i) {
    cuts.push_back(i);
  }
  expect_expected_events(parse_in_pieces(kStream, cuts), "bytewise");
}

TEST(SseParser, EventWithoutBlankLineIsNotDispatchedYet) {
  SseParser parser;
  int count = 0;
  parser.feed("data: partial\n", [&](const SseEvent&) { ++count; });
  EXPECT_EQ(count, 0);
  EXPECT_TRUE(parser.has_partial_event());
  parser.feed("\n", [&](const SseEvent&) { ++count; });
  EXPECT_EQ(count, 1);
  EXPECT_FALSE(parser.has_partial_event());
}

TEST(SseParser, BlankLinesAndCommentsAloneDispatchNothing) {
  SseParser parser;
  int count = 0;
  parser.feed("\n\n: ping\n\n\r\n", [&](const SseEvent&) { ++count; });
  EXPECT_EQ(count, 0);
}

TEST(SseParser, EmptyDataFieldStillMakesAnEvent) {
  SseParser parser;
  std::vector<SseEvent> events;
  parser.feed("data\n\n", [&](const SseEvent& e) { events.push_back(e); });
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].data, "");
}

}  // namespace
}  // namespace lv::llm
