#include "session/session_runtime.h"

#include <utility>

#include "session/stream_slots.h"
#include "session/task_pool.h"
#include "session/timer_queue.h"
#include "util/error.h"

namespace lv::session {

// Members are destroyed in reverse order: the timers go first (nothing new is scheduled), then the engine
// pools (their last tasks may still post session logic), and the session pool last.
struct SessionRuntime::Impl {
  std::shared_ptr<metrics::Registry> metrics;
  TaskPoolPtr session_pool;
  TaskPoolPtr tts_pool;
  TaskPoolPtr llm_pool;
  TaskPoolPtr context_pool;
  TaskPoolPtr stt_pool;
  std::unique_ptr<StreamSlots> stt_stream_slots;
  std::unique_ptr<TimerQueue> timers;
};

namespace {

void check_threads(int threads, const char* name) {
  if (threads < 1 || threads > 256) {
    throw Error(std::string("session runtime option ") + name + " is " + std::to_string(threads),
                "use a thread count from 1 to 256");
  }
}

}  // namespace

SessionRuntime::SessionRuntime(RuntimeOptions options, std::shared_ptr<metrics::Registry> metrics)
    : impl_(std::make_unique<Impl>()) {
  check_threads(options.session_threads, "session_threads");
  check_threads(options.stt_threads, "stt_threads");
  check_threads(options.llm_threads, "llm_threads");
  check_threads(options.tts_threads, "tts_threads");
  check_threads(options.context_threads, "context_threads");
  impl_->metrics = std::move(metrics);
  impl_->session_pool = std::make_unique<TaskPool>("session", options.session_threads);
  impl_->tts_pool = std::make_unique<TaskPool>("tts", options.tts_threads);
  impl_->llm_pool = std::make_unique<TaskPool>("llm", options.llm_threads);
  impl_->context_pool = std::make_unique<TaskPool>("context", options.context_threads);
  impl_->stt_pool = std::make_unique<TaskPool>("stt", options.stt_threads);
  impl_->stt_stream_slots = std::make_unique<StreamSlots>(options.stt_threads);
  impl_->timers = std::make_unique<TimerQueue>();
}

SessionRuntime::~SessionRuntime() {
  // Sessions left open still have work that hops between pools (a session task queues engine work, which
  // posts session logic again): let it all settle before any pool goes away, so nothing reaches a dead pool.
  impl_->timers->stop();
  for (bool settled = false; !settled;) {
    settled = true;
    for (TaskPool* pool : {impl_->session_pool.get(), impl_->stt_pool.get(), impl_->context_pool.get(),
                           impl_->llm_pool.get(), impl_->tts_pool.get()}) {
      if (!pool->idle()) {
        settled = false;
        pool->wait_idle(50);
      }
    }
  }
}

metrics::Registry* SessionRuntime::metrics() const { return impl_->metrics.get(); }
TaskPool& SessionRuntime::session_pool() const { return *impl_->session_pool; }
TaskPool& SessionRuntime::stt_pool() const { return *impl_->stt_pool; }
StreamSlots& SessionRuntime::stt_stream_slots() const { return *impl_->stt_stream_slots; }
TaskPool& SessionRuntime::llm_pool() const { return *impl_->llm_pool; }
TaskPool& SessionRuntime::tts_pool() const { return *impl_->tts_pool; }
TaskPool& SessionRuntime::context_pool() const { return *impl_->context_pool; }
TimerQueue& SessionRuntime::timers() const { return *impl_->timers; }

}  // namespace lv::session
