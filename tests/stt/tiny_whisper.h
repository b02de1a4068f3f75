// Writes the random-weight whisper model with tests/stt/make_tiny_whisper.py (python3 + numpy).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "support/test_paths.h"

namespace lv::test {

inline void make_tiny_whisper_model(const std::filesystem::path& out) {
  const auto script = source_dir() / "tests" / "stt" / "make_tiny_whisper.py";
  // Debian's interpreter: it has python3-numpy (scripts/setup), whatever else is first on PATH.
  const std::string command = "/usr/bin/python3 '" + script.string() + "' '" + out.string() + "'";
  if (std::system(command.c_str()) != 0 || !std::filesystem::exists(out)) {
    throw std::runtime_error("could not write the tiny whisper model: " + command +
                             " (needs /usr/bin/python3 with python3-numpy)");
  }
}

}  // namespace lv::test
