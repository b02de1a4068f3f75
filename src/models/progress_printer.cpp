#include "models/progress_printer.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <ostream>

namespace lv::models {
namespace {

constexpr int kBarWidth = 30;

std::string human_bytes(double bytes) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  int unit = 0;
  while (bytes >= 1000 && unit < 4) {
    bytes /= 1000;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof(text), unit == 0 ? "%.0f %s" : "%.1f %s", bytes, units[unit]);
  return text;
}

std::string human_duration(double seconds) {
  if (seconds < 0) {
    return "--:--";
  }
  const auto total = static_cast<long>(std::lround(seconds));
  char text[32];
  if (total >= 3600) {
    std::snprintf(text, sizeof(text), "%ld:%02ld:%02ld", total / 3600, (total / 60) % 60, total % 60);
  } else {
    std::snprintf(text, sizeof(text), "%02ld:%02ld", total / 60, total % 60);
  }
  return text;
}

}  // namespace

std::string progress_json(const PullProgress& progress) {
  nlohmann::json line{{"event", progress.done ? "pulled" : "progress"},
                      {"model", progress.model},
                      {"file", progress.file},
                      {"have_bytes", progress.have_bytes},
                      {"total_bytes", progress.total_bytes},
                      {"bytes_per_s", std::round(progress.bytes_per_s)}};
  if (progress.eta_s >= 0) {
    line["eta_s"] = std::round(progress.eta_s * 10) / 10;
  }
  return line.dump();
}

PullProgressFn progress_printer(std::ostream& out, bool terminal) {
  if (!terminal) {
    return [&out](const PullProgress& progress) { out << progress_json(progress) << "\n" << std::flush; };
  }
  return [&out](const PullProgress& progress) {
    const double fraction =
        progress.total_bytes > 0
            ? std::min(1.0, static_cast<double>(progress.have_bytes) / static_cast<double>(progress.total_bytes))
            : 0.0;
    const int filled = static_cast<int>(fraction * kBarWidth);
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.resize(kBarWidth, '.');
    out << "\r" << progress.model << " " << progress.file << " [" << bar << "] " << static_cast<int>(fraction * 100)
        << "% " << human_bytes(static_cast<double>(progress.have_bytes));
    if (progress.total_bytes > 0) {
      out << "/" << human_bytes(static_cast<double>(progress.total_bytes));
    }
    out << " " << human_bytes(progress.bytes_per_s) << "/s ETA " << human_duration(progress.eta_s) << "   ";
    if (progress.done) {
      out << "\n";
    }
    out << std::flush;
  };
}

std::map<std::string, std::string> store_environment() {
  std::map<std::string, std::string> env;
  for (const char* key : {"HF_ENDPOINT", "HF_TOKEN", "HF_HUB_OFFLINE", "HF_HUB_CACHE", "HF_HOME", "XDG_CACHE_HOME",
                          "HOME", "NPM_CONFIG_REGISTRY", "npm_config_registry"}) {
    if (const char* value = std::getenv(key)) {
      env[key] = value;
    }
  }
  return env;
}

}  // namespace lv::models
