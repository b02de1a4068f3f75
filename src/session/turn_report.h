// What happens with a finished turn's numbers: Prometheus histograms, one "turn complete" log line, and the
// history record.
#pragma once

#include <cstdint>
#include <string>

#include "history/history_recorder.h"
#include "metrics/registry.h"
#include "session/session_events.h"

namespace lv::session {

// Adds the turn to the latency histograms (seconds) and localvoice_turns_total{status}.
void observe_turn(metrics::Registry& registry, const TurnMetrics& metrics, ReplyStatus status);

// Logs "turn complete" with every metric as a field.
void log_turn(const std::string& session_id, const TurnMetrics& metrics, ReplyStatus status);

history::TurnRecord turn_record(const std::string& session_id, const TurnMetrics& metrics, ReplyStatus status,
                                std::int64_t started_at_ms, const std::string& user_text,
                                const std::string& assistant_text);

}  // namespace lv::session
