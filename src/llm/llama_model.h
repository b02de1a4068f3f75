// A llama.cpp model loaded once and shared by every conversation, plus its tokenizer and chat template.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "llm/llm_types.h"

struct llama_model;
struct llama_vocab;

namespace lv::llm {

using LlamaToken = int;  // llama_token

struct LlamaModelOptions {
  // A built-in template name ("chatml", "llama3", ...) or a template text; empty uses the model's own.
  std::string chat_template;
};

class LlamaModel {
 public:
  // Loads the model; throws lv::Error when the file is bad or the model has no usable chat template.
  static std::shared_ptr<const LlamaModel> load(const std::filesystem::path& path, LlamaModelOptions options = {});

  LlamaModel(const LlamaModel&) = delete;
  LlamaModel& operator=(const LlamaModel&) = delete;
  ~LlamaModel();

  llama_model* get() const { return model_.get(); }
  const llama_vocab* vocab() const { return vocab_; }
  const std::filesystem::path& path() const { return path_; }
  int train_context_tokens() const;

  // The conversation in the model's chat format, ending with the assistant's turn opener.
  std::string format_chat(const std::vector<ChatMessage>& messages) const;
  // Tokenizes prompt text (special tokens such as <|im_start|> are parsed).
  std::vector<LlamaToken> tokenize(std::string_view text) const;
  // The bytes a generated token stands for (control tokens render as nothing).
  std::string token_bytes(LlamaToken token) const;
  bool is_end_of_generation(LlamaToken token) const;

 private:
  struct ModelDeleter {
    void operator()(llama_model* model) const;
  };
  LlamaModel() = default;

  std::filesystem::path path_;
  std::unique_ptr<llama_model, ModelDeleter> model_;
  const llama_vocab* vocab_ = nullptr;
  std::string template_;  // a template text or built-in name accepted by llama_chat_apply_template
};

using LlamaModelPtr = std::shared_ptr<const LlamaModel>;

}  // namespace lv::llm
