#include "config/key_suggest.h"

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "config/config.h"

namespace lv::config {
namespace {

constexpr std::string_view kEnvPrefix = "LOCALVOICE_";

char fold(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// How far apart two names may be and still count as a typo: short names tolerate less.
std::size_t tolerance(std::string_view name) { return std::clamp<std::size_t>(name.size() / 4, 1, 3); }

struct Candidate {
  std::string_view name;  // what is suggested
  std::string_view leaf;  // the part after the section ("port" for "server.port")
};

// Best candidate by distance of the whole name, or of the leaf alone (one extra edit, so that a key given
// without its section, "port", still finds "server.port").
std::optional<std::string> closest(std::string_view unknown, std::string_view unknown_leaf,
                                   const std::vector<Candidate>& candidates) {
  std::size_t best = std::numeric_limits<std::size_t>::max();
  std::string_view best_name;
  for (const Candidate& candidate : candidates) {
    const std::size_t whole = edit_distance(unknown, candidate.name);
    const std::size_t leaf = edit_distance(unknown_leaf, candidate.leaf) + 1;
    const std::size_t score = std::min(whole, leaf);
    if (score < best) {
      best = score;
      best_name = candidate.name;
    }
  }
  if (best_name.empty() || best > tolerance(unknown)) {
    return std::nullopt;
  }
  return std::string(best_name);
}

std::string_view after_last_dot(std::string_view key) {
  const auto dot = key.rfind('.');
  return dot == std::string_view::npos ? key : key.substr(dot + 1);
}

// "LOCALVOICE_SERVER_IO_THREADS" -> "IO_THREADS", given the key "server.io_threads".
std::string_view env_leaf(const KeyInfo& info) {
  const auto dot = info.key.find('.');
  const std::size_t section_size = dot == std::string_view::npos ? 0 : dot + 1;
  return info.env.substr(std::min(info.env.size(), kEnvPrefix.size() + section_size));
}

}  // namespace

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Optimal string alignment: Levenshtein plus transposition of adjacent characters.
  const std::size_t rows = a.size() + 1;
  const std::size_t cols = b.size() + 1;
  std::vector<std::size_t> d(rows * cols);
  const auto at = [cols](std::size_t i, std::size_t j) { return i * cols + j; };
  for (std::size_t i = 0; i < rows; ++i) d[at(i, 0)] = i;
  for (std::size_t j = 0; j < cols; ++j) d[at(0, j)] = j;
  for (std::size_t i = 1; i < rows; ++i) {
    for (std::size_t j = 1; j < cols; ++j) {
      const std::size_t cost = fold(a[i - 1]) == fold(b[j - 1]) ? 0 : 1;
      std::size_t best = std::min({d[at(i - 1, j)] + 1, d[at(i, j - 1)] + 1, d[at(i - 1, j - 1)] + cost});
      if (i > 1 && j > 1 && fold(a[i - 1]) == fold(b[j - 2]) && fold(a[i - 2]) == fold(b[j - 1])) {
        best = std::min(best, d[at(i - 2, j - 2)] + 1);
      }
      d[at(i, j)] = best;
    }
  }
  return d[at(rows - 1, cols - 1)];
}

std::optional<std::string> suggest_key(std::string_view unknown) {
  std::vector<Candidate> candidates;
  for (const KeyInfo& info : keys()) {
    candidates.push_back({info.key, after_last_dot(info.key)});
  }
  return closest(unknown, after_last_dot(unknown), candidates);
}

std::optional<std::string> suggest_env(std::string_view unknown) {
  std::vector<Candidate> candidates;
  for (const KeyInfo& info : keys()) {
    candidates.push_back({info.env, env_leaf(info)});
  }
  candidates.push_back({"LOCALVOICE_CONFIG", "CONFIG"});
  const std::string_view leaf =
      unknown.substr(0, kEnvPrefix.size()) == kEnvPrefix ? unknown.substr(kEnvPrefix.size()) : unknown;
  return closest(unknown, leaf, candidates);
}

std::optional<std::string> suggest_section(std::string_view unknown) {
  std::vector<Candidate> candidates;
  for (const KeyInfo& info : keys()) {
    const std::string_view section = info.key.substr(0, info.key.find('.'));
    if (std::none_of(candidates.begin(), candidates.end(),
                     [section](const Candidate& c) { return c.name == section; })) {
      candidates.push_back({section, section});
    }
  }
  return closest(unknown, unknown, candidates);
}

std::string unknown_key_fix(std::string_view unknown) {
  if (const auto suggestion = suggest_key(unknown)) {
    return "did you mean '" + *suggestion + "'?";
  }
  return "see docs/configuration.md for the list of settings";
}

std::string unknown_env_fix(std::string_view unknown) {
  if (const auto suggestion = suggest_env(unknown)) {
    return "did you mean " + *suggestion + "?";
  }
  return "unset it, or see docs/configuration.md for the LOCALVOICE_* variables";
}

}  // namespace lv::config
