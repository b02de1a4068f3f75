#include "wyoming/wyoming_event.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "util/error.h"

namespace lv::wyoming {
namespace {

using nlohmann::json;

std::vector<Event> decode_all(EventDecoder& decoder) {
  std::vector<Event> events;
  while (auto event = decoder.next()) {
    events.push_back(std::move(*event));
  }
  return events;
}

std::string error_of(const std::string& bytes, DecoderLimits limits = {}) {
  EventDecoder decoder(limits);
  try {
    decoder.feed(bytes);
    decode_all(decoder);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(WyomingEventTest, EncodesTheHeaderThenTheDataSectionThenThePayload) {
  const Event event{"audio-chunk", json{{"rate", 16000}}, {1, 2, 3}};
  const std::string wire = encode(event);
  const auto newline = wire.find('\n');
  ASSERT_NE(newline, std::string::npos);
  const json header = json::parse(wire.substr(0, newline));
  EXPECT_EQ(header["type"], "audio-chunk");
  EXPECT_TRUE(header.contains("version"));
  EXPECT_FALSE(header.contains("data"));  // the reference writer puts data in its own section
  const std::string data_text = R"({"rate":16000})";
  EXPECT_EQ(header["data_length"], data_text.size());
  EXPECT_EQ(header["payload_length"], 3);
  EXPECT_EQ(wire.substr(newline + 1), data_text + std::string("\x01\x02\x03", 3));
}

TEST(WyomingEventTest, AnEventWithoutDataOrPayloadIsJustTheHeaderLine) {
  const std::string wire = encode(Event{"describe", json::object(), {}});
  EXPECT_EQ(wire.back(), '\n');
  EXPECT_EQ(wire.find('\n'), wire.size() - 1);
  const json header = json::parse(wire);
  EXPECT_FALSE(header.contains("data_length"));
  EXPECT_FALSE(header.contains("payload_length"));
}

TEST(WyomingEventTest, EncodedEventsDecodeToTheSameEvents) {
  const Event a{"transcript", json{{"text", "héllo"}, {"language", "en"}}, {}};
  const Event b{"audio-chunk", json{{"rate", 22050}, {"width", 2}, {"channels", 1}},
                std::vector<std::uint8_t>(1000, 7)};
  EventDecoder decoder;
  decoder.feed(encode(a) + encode(b));
  const auto events = decode_all(decoder);
  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(events[0].type, "transcript");
  EXPECT_EQ(events[0].data, a.data);
  EXPECT_TRUE(events[0].payload.empty());
  EXPECT_EQ(events[1].data, b.data);
  EXPECT_EQ(events[1].payload, b.payload);
  EXPECT_EQ(decoder.buffered_bytes(), 0U);
}

TEST(WyomingEventTest, InlineDataInTheHeaderIsRead) {
  EventDecoder decoder;
  decoder.feed("{\"type\":\"transcribe\",\"data\":{\"language\":\"en\"}}\n");
  const auto event = decoder.next();
  ASSERT_TRUE(event);
  EXPECT_EQ(event->type, "transcribe");
  EXPECT_EQ(event->data["language"], "en");
}

TEST(WyomingEventTest, TheDataSectionIsMergedOverInlineData) {
  const std::string section = R"({"language":"de","name":"x"})";
  EventDecoder decoder;
  decoder.feed("{\"type\":\"transcribe\",\"data\":{\"language\":\"en\",\"context\":{\"a\":1}},\"data_length\":" +
               std::to_string(section.size()) + "}\n" + section);
  const auto event = decoder.next();
  ASSERT_TRUE(event);
  EXPECT_EQ(event->data["language"], "de");
  EXPECT_EQ(event->data["name"], "x");
  EXPECT_EQ(event->data["context"]["a"], 1);
}

TEST(WyomingEventTest, NullDataAndLengthsMeanNone) {
  EventDecoder decoder;
  decoder.feed(R"({"type":"ping","data":null,"data_length":null,"payload_length":null})"
               "\n");
  const auto event = decoder.next();
  ASSERT_TRUE(event);
  EXPECT_TRUE(event->data.is_object());
  EXPECT_TRUE(event->data.empty());
}

TEST(WyomingEventTest, BytesFedOneAtATimeGiveTheSameEvents) {
  std::vector<std::uint8_t> payload(300);
  for (std::size_t i = 0; i < payload.size(); ++i) {
    payload[i] = static_cast<std::uint8_t>(i);
  }
  payload[10] = '\n';  // a newline inside the payload is payload, not a header end
  const Event a{"audio-chunk", json{{"rate", 16000}, {"width", 2}, {"channels", 1}}, payload};
  const Event b{"audio-stop", json::object(), {}};
  const std::string wire = encode(a) + encode(b) + encode(a);
  EventDecoder decoder;
  std::vector<Event> events;
  for (const char byte : wire) {
    decoder.feed(std::string_view(&byte, 1));
    while (auto event = decoder.next()) {
      events.push_back(std::move(*event));
    }
  }
  ASSERT_EQ(events.size(), 3U);
  EXPECT_EQ(events[0].payload, payload);
  EXPECT_EQ(events[1].type, "audio-stop");
  EXPECT_EQ(events[2].data, a.data);
  EXPECT_EQ(events[2].payload, payload);
}

TEST(WyomingEventTest, EverySplitOfTheStreamGivesTheSameEvents) {
  const std::string section = R"({"text":"split anywhere"})";
  const std::string wire = "{\"type\":\"transcript\",\"data_length\":" + std::to_string(section.size()) +
                           ",\"payload_length\":4}\n" + section + "abcd";
  for (std::size_t at = 0; at <= wire.size(); ++at) {
    EventDecoder decoder;
    decoder.feed(wire.substr(0, at));
    auto early = decoder.next();
    decoder.feed(wire.substr(at));
    auto event = early ? std::move(early) : decoder.next();
    ASSERT_TRUE(event) << "split at " << at;
    EXPECT_EQ(event->data["text"], "split anywhere");
    EXPECT_EQ(std::string(event->payload.begin(), event->payload.end()), "abcd");
  }
}

TEST(WyomingEventTest, AnIncompleteEventIsNotReturned) {
  EventDecoder decoder;
  decoder.feed("{\"type\":\"audio-chunk\",\"payload_length\":10}\n12345");
  EXPECT_FALSE(decoder.next());
  decoder.feed("67890");
  EXPECT_TRUE(decoder.next());
}

TEST(WyomingEventTest, AHeaderWithoutNewlineOverTheLimitFailsAsSoonAsItIsFed) {
  EventDecoder decoder(DecoderLimits{100, 1000, 1000});
  decoder.feed(std::string(100, ' '));
  EXPECT_FALSE(decoder.next());
  try {
    decoder.feed(" ");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("Wyoming header over 100 bytes"), std::string::npos) << e.what();
  }
  // Unusable afterwards.
  EXPECT_THROW(decoder.next(), Error);
  EXPECT_THROW(decoder.feed("\n"), Error);
}

TEST(WyomingEventTest, TheDefaultHeaderLimitIs64KiB) {
  const std::string message = error_of(std::string(64 * 1024 + 1, 'x'));
  EXPECT_NE(message.find("Wyoming header over 64 KiB"), std::string::npos) << message;
}

TEST(WyomingEventTest, OversizeDataOrPayloadLengthsFailBeforeTheBytesArrive) {
  const std::string data = error_of("{\"type\":\"x\",\"data_length\":2000}\n", DecoderLimits{100, 1000, 1000});
  EXPECT_NE(data.find("data_length 2000 over the limit"), std::string::npos) << data;
  const std::string payload = error_of("{\"type\":\"audio-chunk\",\"payload_length\":9999999}\n");
  EXPECT_NE(payload.find("payload_length 9999999 over the limit of 4 MiB"), std::string::npos) << payload;
}

TEST(WyomingEventTest, NegativeHugeAndNonNumericLengthsAreRejected) {
  EXPECT_NE(error_of("{\"type\":\"x\",\"payload_length\":-1}\n").find("negative"), std::string::npos);
  EXPECT_NE(error_of("{\"type\":\"x\",\"data_length\":-5}\n").find("negative"), std::string::npos);
  EXPECT_NE(error_of("{\"type\":\"x\",\"payload_length\":18446744073709551615}\n").find("over the limit"),
            std::string::npos);
  EXPECT_NE(error_of("{\"type\":\"x\",\"payload_length\":1e30}\n").find("not a whole number"), std::string::npos);
  EXPECT_NE(error_of("{\"type\":\"x\",\"payload_length\":2.5}\n").find("not a whole number"), std::string::npos);
  EXPECT_NE(error_of("{\"type\":\"x\",\"payload_length\":\"10\"}\n").find("not a whole number"), std::string::npos);
}

TEST(WyomingEventTest, AHeaderThatIsNotJsonNamesTheProblem) {
  const std::string message = error_of("GET / HTTP/1.1\r\n");
  EXPECT_NE(message.find("Wyoming header is not JSON: GET / HTTP/1.1"), std::string::npos) << message;
  EXPECT_NE(error_of("[1,2]\n").find("not a JSON object"), std::string::npos);
}

TEST(WyomingEventTest, AHeaderWithoutTypeIsRejected) {
  EXPECT_NE(error_of("{\"data\":{}}\n").find("no \"type\""), std::string::npos);
  EXPECT_NE(error_of("{\"type\":7}\n").find("no \"type\""), std::string::npos);
  EXPECT_NE(error_of("{\"type\":\"\"}\n").find("no \"type\""), std::string::npos);
}

TEST(WyomingEventTest, DataThatIsNotAnObjectIsRejected) {
  EXPECT_NE(error_of("{\"type\":\"x\",\"data\":[1]}\n").find("not a JSON object"), std::string::npos);
  EXPECT_NE(error_of("{\"type\":\"x\",\"data_length\":3}\nabc").find("not a JSON object"), std::string::npos);
  EXPECT_NE(error_of("{\"type\":\"x\",\"data_length\":3}\n[1]").find("not a JSON object"), std::string::npos);
}

TEST(WyomingEventTest, TextThatIsNotUtf8IsEncodedWithReplacementCharacters) {
  const Event event{"transcript", json{{"text", std::string("a\xff") + "b"}}, {}};
  EventDecoder decoder;
  decoder.feed(encode(event));
  const auto decoded = decoder.next();
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->data["text"],
            "a\xEF\xBF\xBD"
            "b");
}

}  // namespace
}  // namespace lv::wyoming
