// What the Wyoming server offers: services (asr, tts, handle, wake), their per-connection handlers, and the
// writer a handler answers through.
#pragma once

#include <memory>

#include <nlohmann/json.hpp>

#include "wyoming/wyoming_event.h"

namespace lv::wyoming {

// Sends events to one client; thread-safe (any thread), queued, one write in flight, order kept.
// write() after the connection closed is a no-op (returns false).
class EventWriter {
 public:
  virtual ~EventWriter() = default;
  virtual bool write(Event event) = 0;
};
using EventWriterPtr = std::shared_ptr<EventWriter>;

// One service's state on one connection. on_event is called on the connection's strand, in order; it must not
// block (engine work goes to the session runtime's pools or the service's own executor). Return true when the
// event was this handler's (the connection offers each event to its handlers in order until one takes it;
// an event nobody takes is ignored, as the protocol says).
class ServiceHandler {
 public:
  virtual ~ServiceHandler() = default;
  virtual bool on_event(const Event& event) = 0;
  virtual void close() {}  // the connection is closing: cancel work; write nothing after this returns
};

// A service the server offers (asr, tts, handle, wake). Lives as long as the server.
class WyomingService {
 public:
  virtual ~WyomingService() = default;
  // Adds this service's part to the `info` event's data (e.g. data["tts"] = [ {program...} ]), and flags such as
  // supports_*_streaming. Must be fast (answered within 1 s of `describe`).
  virtual void describe(nlohmann::json& info_data) const = 0;
  virtual std::unique_ptr<ServiceHandler> open(EventWriterPtr writer) = 0;
};
using WyomingServicePtr = std::shared_ptr<WyomingService>;

}  // namespace lv::wyoming
