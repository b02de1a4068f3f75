// The error type for failures a user can act on: what went wrong, and what to do next.
#pragma once

#include <stdexcept>
#include <string>

namespace lv {

// Thrown for failures caused by input, configuration or the environment (not programming errors).
// `what()` names the problem; `fix()` says what the user can do about it (may be empty).
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& problem, std::string fix = {});

  const std::string& fix() const noexcept { return fix_; }
  // "problem (fix)" on one line, for logs and terminals.
  std::string full_message() const;

 private:
  std::string fix_;
};

}  // namespace lv
