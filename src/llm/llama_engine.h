// The `llama:` engine: llama.cpp in-process, with one KV cache per conversation reused across turns.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "llm/llama_model.h"
#include "llm/llm_engine.h"

namespace lv::llm {

struct LlamaEngineOptions {
  std::filesystem::path model_path;
  std::string model_name;     // shown to API clients; the file name when empty
  std::string chat_template;  // empty: the model's own
  int threads = 0;            // 0: hardware threads, at most 8
  int context_tokens = 4096;  // capped at what the model was trained for
  int batch_tokens = 512;
  float default_temperature = 0.8F;
  int max_idle_contexts = 1;  // contexts kept (with their caches) for the next conversation
};

class LlamaEngine : public LlmEngine, public std::enable_shared_from_this<LlamaEngine> {
 public:
  // Loads the model and warms it up (one decode). Throws lv::Error for bad files or templates.
  static std::shared_ptr<LlamaEngine> create(LlamaEngineOptions options);
  ~LlamaEngine() override;

  LlmSessionPtr create_session() override;
  LlmCapabilities capabilities() const override;
  std::string model_name() const override { return name_; }

  const LlamaModel& model() const { return *model_; }

  // A llama_context with what its KV cache holds; handed to one session at a time.
  struct Slot;

 private:
  explicit LlamaEngine(LlamaEngineOptions options);
  std::unique_ptr<Slot> acquire_slot();
  void release_slot(std::unique_ptr<Slot> slot);

  friend class LlamaSession;

  LlamaEngineOptions options_;
  LlamaModelPtr model_;
  std::string name_;
  int context_tokens_ = 0;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Slot>> idle_slots_;
};

}  // namespace lv::llm
