// Executors shared by every session: engine work queues here, never on I/O threads.
#pragma once

#include <memory>

#include "metrics/registry.h"

namespace lv::session {

class StreamSlots;
class TaskPool;
class TimerQueue;

struct RuntimeOptions {
  int session_threads = 2;  // turn-taking and VAD of all sessions
  int stt_threads = 2;
  int llm_threads = 2;
  int tts_threads = 2;
  int context_threads = 1;  // knowledge-base retrieval, kept off the LLM threads so it never waits behind a reply
};

// Owns the thread pools. Destroying it waits for queued work to finish; close sessions first.
class SessionRuntime {
 public:
  explicit SessionRuntime(RuntimeOptions options = {}, std::shared_ptr<metrics::Registry> metrics = nullptr);
  ~SessionRuntime();
  SessionRuntime(const SessionRuntime&) = delete;
  SessionRuntime& operator=(const SessionRuntime&) = delete;

  // Implementation-defined accessors for the pools (see session_runtime.cpp) are added by the session module.
  metrics::Registry* metrics() const;

  TaskPool& session_pool() const;
  TaskPool& stt_pool() const;
  TaskPool& llm_pool() const;
  TaskPool& tts_pool() const;
  TaskPool& context_pool() const;
  TimerQueue& timers() const;
  // Streaming STT decoders open at once across sessions (as many as stt threads).
  StreamSlots& stt_stream_slots() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lv::session
