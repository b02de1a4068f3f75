// get_time and get_date: the current time and date in the configured time zone.
#pragma once

#include "tools/local_time.h"
#include "tools/time_zone.h"
#include "tools/tool.h"

namespace lv::tools {

// {"time":"17:05","spoken":"5:05 PM","iso":"2026-12-03T17:05:09+01:00","time_zone":"Europe/Paris",
//  "utc_offset":"+01:00"}
class GetTimeTool final : public Tool {
 public:
  GetTimeTool(TimeZone zone, WallClock clock) : zone_(std::move(zone)), clock_(std::move(clock)) {}
  std::string name() const override { return "get_time"; }
  std::string description() const override;
  nlohmann::json parameters() const override;

 protected:
  ToolResult run(const nlohmann::json& arguments, std::stop_token stop) const override;

 private:
  TimeZone zone_;
  WallClock clock_;
};

// {"date":"2026-12-03","weekday":"Thursday","spoken":"Thursday, December 3, 2026","time_zone":"Europe/Paris"}
class GetDateTool final : public Tool {
 public:
  GetDateTool(TimeZone zone, WallClock clock) : zone_(std::move(zone)), clock_(std::move(clock)) {}
  std::string name() const override { return "get_date"; }
  std::string description() const override;
  nlohmann::json parameters() const override;

 protected:
  ToolResult run(const nlohmann::json& arguments, std::stop_token stop) const override;

 private:
  TimeZone zone_;
  WallClock clock_;
};

}  // namespace lv::tools
