// The process-wide llama.cpp/ggml set-up shared by every engine that runs GGUF models in-process.
#pragma once

namespace lv::models {

// Loads the ggml CPU backends and routes llama.cpp's own logging to ours (debug level). Idempotent.
void init_llama_backend();

}  // namespace lv::models
