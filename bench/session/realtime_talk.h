// One client's conversation over /v1/realtime: streams a recording in real time and collects each turn's
// metrics (the server's turn.metrics events) and any input the server says it dropped.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "audio/audio_buffer.h"

namespace lv::bench {

// One finished turn as the server measured it (milliseconds; -1 when a stage did not run).
struct TurnSample {
  double end_to_end_ms = -1;  // end of user speech -> first reply audio frame
  double end_of_turn_silence_ms = -1;
  double stt_ms = -1;  // end of user speech -> final transcript
  double llm_first_token_ms = -1;
  double first_sentence_ms = -1;
  double tts_first_audio_ms = -1;
  double reply_audio_ms = 0;  // 0: the reply had nothing speakable (the tiny model's text often has not)
  bool interrupted = false;

  // How long the transcript took after the end-of-turn silence had passed (0 when it was ready by then).
  double stt_wait_ms() const;
  // End to end less the end-of-turn silence: what the pipeline adds once the turn is taken.
  double after_silence_ms() const;
};

struct TalkResult {
  std::vector<TurnSample> turns;         // turns with a reply (end_to_end_ms >= 0)
  std::size_t overflow_errors = 0;       // "input_overflow": the server dropped input audio
  std::vector<std::string> errors;       // every other error code the server sent
  bool closed_early = false;             // the server closed the connection (e.g. "client too slow")
  std::size_t reply_audio_frames = 0;    // binary frames received
  std::vector<std::string> transcripts;  // final transcripts, in order (to tell why a turn is missing)
};

// Connects, waits for session.created, streams `audio` as 20 ms frames in real time, then waits until
// `expected_turns` turns have reported metrics (at most `max_wait` after the audio ended).
TalkResult talk(std::uint16_t port, const audio::AudioBuffer& audio, std::size_t expected_turns,
                std::chrono::milliseconds max_wait = std::chrono::seconds(30));

// The p-th quantile (0..1, nearest rank) of `values`; -1 when empty.
double percentile(std::vector<double> values, double p);

// One metric of each turn, skipping turns where it is -1.
std::vector<double> metric_of(const std::vector<TurnSample>& turns, double (*metric)(const TurnSample&));

}  // namespace lv::bench
