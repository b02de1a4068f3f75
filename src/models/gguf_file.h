// Validating a GGUF model file (llama.cpp's format) before llama.cpp is handed it.
#pragma once

#include <filesystem>

namespace lv::models {

// Checks that `path` is a complete GGUF file before llama.cpp sees it. Throws lv::Error for a missing or
// unreadable file, a file that is not GGUF, or a truncated one (each naming the file and what to do).
// Loads the llama.cpp backends first (init_llama_backend), since gguf reports problems through its logger.
void check_gguf_file(const std::filesystem::path& path);

}  // namespace lv::models
