// The /v1/realtime WebSocket endpoint: JSON events in and out (the voice session plugs in here).
#pragma once

#include "server/router.h"

namespace lv::api {

struct RealtimeLimits {
  int max_messages_per_second = 400;  // 20 ms audio frames are 50/s; far beyond that is flooding
};

// Registers the endpoint. Malformed JSON, unknown events and wrong-type fields get an error event and the
// connection stays up; only flooding beyond the limits closes it (policy violation, 1008).
void add_realtime_endpoint(server::Router& router, RealtimeLimits limits = {});

}  // namespace lv::api
