// One client's voice session over any transport: made when the engines allow, greeted with what it is, and
// re-announced after each change. The transport only encodes what this hands it.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "session/session_events.h"
#include "session/session_factory.h"
#include "session/session_options.h"
#include "session/voice_session.h"

namespace lv::session {

// What a client is told about its session: first when it connects (created), then after each change.
struct SessionAnnouncement {
  bool first = true;  // the greeting (the realtime protocol's session.created; session.updated after)
  std::string id;
  std::vector<EngineNote> engines;
  std::vector<std::string> degraded;  // one line per missing engine, or why there is no session at all
  SessionOptions options;
};

// Where a connection's output goes. Both may be called from the session's threads and the transport's;
// calls are serialised, announcements in the order they happened.
struct ConnectionSinks {
  std::function<void(const SessionAnnouncement&)> announce;
  EventSink events;  // every session event but SessionStarted (which becomes an announcement)
};

class SessionConnection {
 public:
  // `factory` may be empty: a program without engines, which greets and says so.
  SessionConnection(SessionFactory factory, std::string connection_id, ConnectionSinks sinks);
  ~SessionConnection();  // closes the session
  SessionConnection(const SessionConnection&) = delete;
  SessionConnection& operator=(const SessionConnection&) = delete;

  // Makes and starts the session, or greets without one, saying why (the engines still load, or this
  // program has none). Returns whether there is a session.
  bool open();
  // The session, made now if the engines allow it since open(); nullptr when there still is none.
  VoiceSession* session();
  // Whether sessions can be made at all (false: this program has no engines).
  bool offers_sessions() const { return static_cast<bool>(factory_); }
  // Applies a change (throws lv::Error naming a bad field, changing nothing) and announces the result.
  void update(const SessionUpdate& update);
  // The options of the session (its defaults before there is one).
  SessionOptions options() const;
  // Closes the session; nothing is sent after this returns. Idempotent.
  void close();

 private:
  struct State;

  SessionFactory factory_;
  std::string connection_id_;
  std::shared_ptr<State> state_;  // shared with the session's event sink, which may outlive a call
  VoiceSessionPtr session_;
};

}  // namespace lv::session
