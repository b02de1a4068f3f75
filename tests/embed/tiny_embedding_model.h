// Writes a random-weight test embedding GGUF with tests/embed/make_tiny_embedding_gguf.py (python3-gguf).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "support/test_paths.h"

namespace lv::test {

// Writes `dir`/`name` and returns its path. `extra_args` go to the script (e.g. "--pooling cls --embd 64").
inline std::filesystem::path make_tiny_embedding_gguf(const std::filesystem::path& dir,
                                                      const std::string& name = "tiny-embed.gguf",
                                                      const std::string& extra_args = "") {
  const auto out = dir / name;
  const auto script = source_dir() / "tests" / "embed" / "make_tiny_embedding_gguf.py";
  const std::string command = "/usr/bin/python3 '" + script.string() + "' '" + out.string() + "' " + extra_args;
  if (std::system(command.c_str()) != 0 || !std::filesystem::exists(out)) {
    throw std::runtime_error("could not generate the test embedding model with: " + command +
                             " (needs /usr/bin/python3 with python3-gguf)");
  }
  return out;
}

}  // namespace lv::test
