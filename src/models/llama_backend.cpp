#include "models/llama_backend.h"

#include <llama.h>

#include <mutex>
#include <string_view>

#include "util/log.h"

namespace lv::models {
namespace {

void forward_llama_log(ggml_log_level level, const char* text, void* /*user_data*/) {
  if (text == nullptr || level == GGML_LOG_LEVEL_NONE || !log::enabled(log::Level::debug)) {
    return;
  }
  std::string_view line(text);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) {
    line.remove_suffix(1);
  }
  if (!line.empty()) {
    log::debug("llama.cpp", {{"text", line}});
  }
}

}  // namespace

void init_llama_backend() {
  // Both are process-wide in llama.cpp; doing them once keeps repeated loads cheap and race-free.
  static std::once_flag once;
  std::call_once(once, [] {
    llama_log_set(forward_llama_log, nullptr);
    ggml_log_set(forward_llama_log, nullptr);
    ggml_backend_load_all();
    llama_backend_init();
  });
}

}  // namespace lv::models
