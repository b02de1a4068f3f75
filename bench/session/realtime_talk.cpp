#include "realtime_talk.h"

#include <algorithm>
#include <cmath>
#include <thread>

#include "server/realtime_client.h"

namespace lv::bench {

namespace {

using nlohmann::json;

double number_or(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_number() ? it->get<double>() : -1.0;
}

TurnSample sample_of(const json& metrics) {
  TurnSample sample;
  sample.end_to_end_ms = number_or(metrics, "end_to_end_ms");
  sample.end_of_turn_silence_ms = number_or(metrics, "end_of_turn_silence_ms");
  sample.stt_ms = number_or(metrics, "stt_ms");
  sample.llm_first_token_ms = number_or(metrics, "llm_first_token_ms");
  sample.first_sentence_ms = number_or(metrics, "first_sentence_ms");
  sample.tts_first_audio_ms = number_or(metrics, "tts_first_audio_ms");
  sample.reply_audio_ms = std::max(0.0, number_or(metrics, "reply_audio_ms"));
  sample.interrupted = metrics.value("interrupted", false);
  return sample;
}

std::size_t metrics_count(const test::RealtimeClient& client) {
  const auto events = client.events();
  return static_cast<std::size_t>(std::count_if(events.begin(), events.end(), [](const test::ReceivedEvent& e) {
    return e.event.is_object() && e.event.value("type", "") == "turn.metrics";
  }));
}

}  // namespace

double TurnSample::stt_wait_ms() const {
  if (stt_ms < 0 || end_of_turn_silence_ms < 0) {
    return -1;
  }
  return std::max(0.0, stt_ms - end_of_turn_silence_ms);
}

double TurnSample::after_silence_ms() const {
  if (end_to_end_ms < 0 || end_of_turn_silence_ms < 0) {
    return -1;
  }
  return std::max(0.0, end_to_end_ms - end_of_turn_silence_ms);
}

TalkResult talk(std::uint16_t port, const audio::AudioBuffer& audio, std::size_t expected_turns,
                std::chrono::milliseconds max_wait) {
  test::RealtimeClient client(port);
  TalkResult result;
  if (client.wait_for_type("session.created", std::chrono::seconds(10)).is_null()) {
    result.errors.emplace_back("no session.created");
    return result;
  }
  client.stream(audio);
  const auto deadline = std::chrono::steady_clock::now() + max_wait;
  while (metrics_count(client) < expected_turns && !client.closed() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  for (const auto& received : client.events()) {
    const auto& event = received.event;
    if (!event.is_object()) {
      continue;
    }
    const std::string type = event.value("type", "");
    if (type == "conversation.item.input_audio_transcription.completed") {
      result.transcripts.push_back(event.value("transcript", ""));
    } else if (type == "turn.metrics" && event.contains("metrics")) {
      result.turns.push_back(sample_of(event["metrics"]));
    } else if (type == "error") {
      const std::string code = event.contains("error") ? event["error"].value("code", "") : "";
      if (code == "input_overflow") {
        ++result.overflow_errors;
      } else {
        result.errors.push_back(code);
      }
    }
  }
  result.closed_early = client.closed();
  result.reply_audio_frames = client.audio_frames();
  return result;
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) {
    return -1;
  }
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(values.size())));
  return values[std::clamp<std::size_t>(rank, 1, values.size()) - 1];
}

std::vector<double> metric_of(const std::vector<TurnSample>& turns, double (*metric)(const TurnSample&)) {
  std::vector<double> values;
  for (const auto& turn : turns) {
    if (const double value = metric(turn); value >= 0) {
      values.push_back(value);
    }
  }
  return values;
}

}  // namespace lv::bench
