// A stop source tied to a parent stop token: work of one turn (or one request) can be stopped on its own, and
// stops with everything else when the session closes.
#pragma once

#include <memory>
#include <stop_token>

namespace lv::session {

// A stop source that also stops when its parent (the session's) does.
class StopLink {
 public:
  explicit StopLink(const std::stop_token& parent) : callback_(parent, Stopper{&source_}) {}
  std::stop_token token() const { return source_.get_token(); }
  void request_stop() { source_.request_stop(); }

 private:
  struct Stopper {
    std::stop_source* source;
    void operator()() const { source->request_stop(); }
  };
  std::stop_source source_;
  std::stop_callback<Stopper> callback_;  // after source_: may run at once
};
using StopLinkPtr = std::shared_ptr<StopLink>;

}  // namespace lv::session
