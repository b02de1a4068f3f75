// Writes the random-weight test GGUF with tests/llm/make_tiny_gguf.py (python3-gguf), for llm tests and benches.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "support/test_paths.h"

namespace lv::test {

// Writes `dir`/`name` and returns its path. `extra_args` go to the script (e.g. "--embd 256 --layers 4").
inline std::filesystem::path make_tiny_gguf(const std::filesystem::path& dir, const std::string& name = "tiny.gguf",
                                            const std::string& extra_args = "") {
  const auto out = dir / name;
  const auto script = source_dir() / "tests" / "llm" / "make_tiny_gguf.py";
  const std::string command = "/usr/bin/python3 '" + script.string() + "' '" + out.string() + "' " + extra_args;
  if (std::system(command.c_str()) != 0 || !std::filesystem::exists(out)) {
    throw std::runtime_error("could not generate the test model with: " + command +
                             " (needs /usr/bin/python3 with python3-gguf)");
  }
  return out;
}

}  // namespace lv::test
