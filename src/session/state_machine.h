// A table-driven state machine: named states and events, one transition table; an event the table does not
// allow in the current state is logged and ignored.
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "util/log.h"

namespace lv::session {

template <typename State, typename Event>
struct Transition {
  State from;
  Event event;
  State to;
};

// Called after every transition taken (tests record which ones ran; the session may log them).
template <typename State, typename Event>
using TransitionObserver = std::function<void(std::string_view machine, const Transition<State, Event>&)>;

// `State` and `Event` are enums with `std::string_view name(State)` / `name(Event)` found by argument-dependent
// lookup; the table is a static array that outlives the machine.
template <typename State, typename Event>
class StateMachine {
 public:
  using Table = std::span<const Transition<State, Event>>;
  using Observer = TransitionObserver<State, Event>;

  StateMachine(std::string_view machine_name, Table table, State initial, Observer observer = {})
      : name_(machine_name), table_(table), state_(initial), observer_(std::move(observer)) {}

  State state() const { return state_; }
  bool in(State state) const { return state_ == state; }
  std::string_view machine_name() const { return name_; }
  Table table() const { return table_; }

  // Whether the table has a transition for `event` in the current state.
  bool allows(Event event) const { return find(event) != nullptr; }

  // Takes the transition for `event` and returns true; false (and the state stays) when the event is illegal in
  // the current state.
  bool fire(Event event) {
    const Transition<State, Event>* transition = find(event);
    if (transition == nullptr) {
      if (log::enabled(log::Level::debug)) {
        log::debug("event ignored in this state", {{"machine", std::string(name_)},
                                                   {"state", std::string(name(state_))},
                                                   {"event", std::string(name(event))}});
      }
      return false;
    }
    state_ = transition->to;
    if (observer_) {
      observer_(name_, *transition);
    }
    return true;
  }

 private:
  const Transition<State, Event>* find(Event event) const {
    for (const auto& transition : table_) {
      if (transition.from == state_ && transition.event == event) {
        return &transition;
      }
    }
    return nullptr;
  }

  std::string_view name_;
  Table table_;
  State state_;
  Observer observer_;
};

}  // namespace lv::session
