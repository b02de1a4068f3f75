// The /v1/realtime WebSocket endpoint: the wire protocol (docs/protocol.md) of a transport-agnostic
// session::SessionConnection.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "api/realtime_broadcast.h"
#include "server/router.h"
#include "session/session_factory.h"

namespace lv::api {

struct RealtimeLimits {
  int max_messages_per_second = 400;  // 20 ms audio frames are 50/s; far beyond that is flooding
};

struct RealtimeContext {
  session::SessionFactory make_session;  // empty: the endpoint only validates events (no engines in this program)
  RealtimeLimits limits;
  std::shared_ptr<RealtimeBroadcast> broadcast;  // optional: every connection joins it when it opens
};

// Registers the endpoint. Malformed JSON, unknown events, wrong-type fields and bad audio frames get an error
// event and the connection stays up; only flooding beyond the limits closes it (policy violation, 1008).
void add_realtime_endpoint(server::Router& router, const RealtimeContext& context);
void add_realtime_endpoint(server::Router& router, RealtimeLimits limits = {});

}  // namespace lv::api
