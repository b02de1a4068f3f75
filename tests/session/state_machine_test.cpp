#include "session/state_machine.h"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

namespace lv::session {
namespace {

enum class Door { closed, open, locked };
enum class Push { open, close, lock, unlock };

std::string_view name(Door door) {
  switch (door) {
    case Door::closed:
      return "closed";
    case Door::open:
      return "open";
    case Door::locked:
      return "locked";
  }
  return "?";
}

std::string_view name(Push push) {
  switch (push) {
    case Push::open:
      return "open";
    case Push::close:
      return "close";
    case Push::lock:
      return "lock";
    case Push::unlock:
      return "unlock";
  }
  return "?";
}

constexpr std::array<Transition<Door, Push>, 4> kDoor{{
    {Door::closed, Push::open, Door::open},
    {Door::open, Push::close, Door::closed},
    {Door::closed, Push::lock, Door::locked},
    {Door::locked, Push::unlock, Door::closed},
}};

TEST(StateMachine, TakesTheTransitionTheTableNames) {
  StateMachine<Door, Push> door("door", kDoor, Door::closed);
  EXPECT_TRUE(door.fire(Push::open));
  EXPECT_EQ(door.state(), Door::open);
  EXPECT_TRUE(door.fire(Push::close));
  EXPECT_TRUE(door.fire(Push::lock));
  EXPECT_TRUE(door.in(Door::locked));
}

TEST(StateMachine, IgnoresAnEventThatIsIllegalInTheCurrentState) {
  StateMachine<Door, Push> door("door", kDoor, Door::locked);
  EXPECT_FALSE(door.allows(Push::open));
  EXPECT_FALSE(door.fire(Push::open));
  EXPECT_EQ(door.state(), Door::locked);
  EXPECT_TRUE(door.fire(Push::unlock));
  EXPECT_EQ(door.state(), Door::closed);
}

TEST(StateMachine, TellsTheObserverEveryTransitionTaken) {
  std::vector<std::string> seen;
  StateMachine<Door, Push> door("door", kDoor, Door::closed,
                                [&](std::string_view machine, const Transition<Door, Push>& step) {
                                  seen.push_back(std::string(machine) + ":" + std::string(name(step.from)) + "-" +
                                                 std::string(name(step.event)) + "->" + std::string(name(step.to)));
                                });
  door.fire(Push::open);
  door.fire(Push::lock);  // illegal while open: not reported
  door.fire(Push::close);
  EXPECT_EQ(seen, (std::vector<std::string>{"door:closed-open->open", "door:open-close->closed"}));
}

}  // namespace
}  // namespace lv::session
