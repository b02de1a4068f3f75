#include "session/session_connection.h"

#include <mutex>
#include <utility>
#include <variant>

namespace lv::session {

struct SessionConnection::State {
  std::mutex mutex;
  ConnectionSinks sinks;
  SessionAnnouncement view;
  bool greeted = false;

  // Sends the view as it is now; the first announcement is the greeting. Called with `mutex` held, so that
  // announcements leave in the order the changes happened.
  void announce_locked() {
    view.first = !greeted;
    greeted = true;
    if (sinks.announce) {
      sinks.announce(view);
    }
  }

  void on_event(const SessionEvent& event) {
    if (const auto* started = std::get_if<SessionStarted>(&event)) {
      const std::lock_guard lock(mutex);
      view.id = started->session_id;
      view.engines = started->engines;
      view.degraded = started->degraded;
      announce_locked();
      return;
    }
    if (sinks.events) {
      sinks.events(event);
    }
  }
};

SessionConnection::SessionConnection(SessionFactory factory, std::string connection_id, ConnectionSinks sinks)
    : factory_(std::move(factory)), connection_id_(std::move(connection_id)), state_(std::make_shared<State>()) {
  state_->sinks = std::move(sinks);
}

SessionConnection::~SessionConnection() { close(); }

bool SessionConnection::open() {
  if (session() != nullptr) {
    return true;
  }
  const std::lock_guard lock(state_->mutex);
  state_->view.id = connection_id_;
  state_->view.degraded = {factory_ ? "engines are still loading; try again in a moment"
                                    : "voice sessions are not available in this program"};
  state_->announce_locked();
  return false;
}

VoiceSession* SessionConnection::session() {
  if (session_) {
    return session_.get();
  }
  if (!factory_) {
    return nullptr;
  }
  std::weak_ptr<State> state = state_;
  session_ = factory_(connection_id_, [state](const SessionEvent& event) {
    if (const auto alive = state.lock()) {
      alive->on_event(event);
    }
  });
  if (!session_) {
    return nullptr;
  }
  {
    const std::lock_guard lock(state_->mutex);
    state_->view.options = session_->options();  // what the greeting, sent by start(), shows
  }
  session_->start();
  return session_.get();
}

void SessionConnection::update(const SessionUpdate& update) {
  auto* current = session();
  if (current == nullptr) {
    return;
  }
  current->update(update);
  const std::lock_guard lock(state_->mutex);
  state_->view.options = current->options();
  state_->view.first = false;
  if (state_->sinks.announce) {
    state_->sinks.announce(state_->view);
  }
}

SessionOptions SessionConnection::options() const {
  const std::lock_guard lock(state_->mutex);
  return state_->view.options;
}

void SessionConnection::close() {
  if (session_) {
    session_->close();
    session_.reset();
  }
}

}  // namespace lv::session
