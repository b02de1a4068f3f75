#include "util/error.h"

#include <utility>

namespace lv {

Error::Error(const std::string& problem, std::string fix) : std::runtime_error(problem), fix_(std::move(fix)) {}

std::string Error::full_message() const {
  if (fix_.empty()) {
    return what();
  }
  return std::string(what()) + " (" + fix_ + ")";
}

}  // namespace lv
