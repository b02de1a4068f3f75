#include "llm/llama_model.h"

#include <llama.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <system_error>
#include <utility>

#include "models/gguf_file.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/log.h"

namespace lv::llm {
namespace {

std::string builtin_template_names() {
  std::array<const char*, 128> names{};
  const int count = llama_chat_builtin_templates(names.data(), names.size());
  std::string out;
  for (int i = 0; i < std::min<int>(count, static_cast<int>(names.size())); ++i) {
    out += (i == 0 ? "" : ", ");
    out += names[static_cast<std::size_t>(i)];
  }
  return out;
}

}  // namespace

void LlamaModel::ModelDeleter::operator()(llama_model* model) const { llama_model_free(model); }

LlamaModel::~LlamaModel() = default;

LlamaModelPtr LlamaModel::load(const std::filesystem::path& path, LlamaModelOptions options) {
  models::check_gguf_file(path);
  const auto started = std::chrono::steady_clock::now();
  llama_model_params params = llama_model_default_params();
  std::shared_ptr<LlamaModel> model(new LlamaModel());
  model->path_ = path;
  model->model_.reset(llama_model_load_from_file(path.c_str(), params));
  if (!model->model_) {
    throw Error("llama.cpp could not load " + path.string() + " (unsupported architecture or damaged file)",
                "run with --log-level debug to see llama.cpp's reason; try a model supported by llama.cpp " +
                    std::string(llama_version()));
  }
  model->vocab_ = llama_model_get_vocab(model->model_.get());

  if (!options.chat_template.empty()) {
    model->template_ = std::move(options.chat_template);
  } else if (const char* own = llama_model_chat_template(model->model_.get(), nullptr); own != nullptr) {
    model->template_ = own;
  } else {
    throw Error("model " + path.filename().string() + " has no chat template",
                "name one in the engine URL, e.g. llama:" + path.string() +
                    "?template=chatml (built-in: " + builtin_template_names() + ")");
  }
  // Rendering a sample conversation proves llama.cpp understands the template before the first request.
  const llama_chat_message probe{"user", "hi"};
  std::array<char, 256> buffer{};
  if (llama_chat_apply_template(model->template_.c_str(), &probe, 1, true, buffer.data(),
                                static_cast<std::int32_t>(buffer.size())) < 0) {
    throw Error(
        "chat template of " + path.filename().string() + " is not supported by llama.cpp",
        "name a built-in one in the engine URL with ?template=NAME (built-in: " + builtin_template_names() + ")");
  }
  const double load_ms = util::ms_since(started);
  log::info("llm model loaded", {{"path", path.string()}, {"load_ms", load_ms}});
  return model;
}

int LlamaModel::train_context_tokens() const { return llama_model_n_ctx_train(model_.get()); }

std::string LlamaModel::format_chat(const std::vector<ChatMessage>& messages) const {
  std::vector<llama_chat_message> chat;
  chat.reserve(messages.size());
  std::size_t text_bytes = 0;
  for (const auto& message : messages) {
    chat.push_back({role_name(message.role).data(), message.content.c_str()});
    text_bytes += message.content.size();
  }
  std::string out(2 * text_bytes + 256, '\0');
  for (int attempt = 0; attempt < 2; ++attempt) {
    const std::int32_t needed = llama_chat_apply_template(template_.c_str(), chat.data(), chat.size(), true, out.data(),
                                                          static_cast<std::int32_t>(out.size()));
    if (needed < 0) {
      throw Error("the chat template could not format this conversation", "try another ?template=NAME");
    }
    if (static_cast<std::size_t>(needed) <= out.size()) {
      out.resize(static_cast<std::size_t>(needed));
      return out;
    }
    out.resize(static_cast<std::size_t>(needed));
  }
  return out;
}

std::vector<LlamaToken> LlamaModel::tokenize(std::string_view text) const {
  std::vector<llama_token> tokens(text.size() + 8);
  std::int32_t count = llama_tokenize(vocab_, text.data(), static_cast<std::int32_t>(text.size()), tokens.data(),
                                      static_cast<std::int32_t>(tokens.size()), true, true);
  if (count < 0) {
    tokens.resize(static_cast<std::size_t>(-count));
    count = llama_tokenize(vocab_, text.data(), static_cast<std::int32_t>(text.size()), tokens.data(),
                           static_cast<std::int32_t>(tokens.size()), true, true);
  }
  if (count < 0) {
    throw Error("the prompt could not be tokenized", "shorten the conversation");
  }
  tokens.resize(static_cast<std::size_t>(count));
  return tokens;
}

std::string LlamaModel::token_bytes(LlamaToken token) const {
  std::array<char, 128> buffer{};
  std::int32_t count =
      llama_token_to_piece(vocab_, token, buffer.data(), static_cast<std::int32_t>(buffer.size()), 0, false);
  if (count < 0) {
    std::string big(static_cast<std::size_t>(-count), '\0');
    count = llama_token_to_piece(vocab_, token, big.data(), static_cast<std::int32_t>(big.size()), 0, false);
    return count < 0 ? std::string() : big.substr(0, static_cast<std::size_t>(count));
  }
  return std::string(buffer.data(), static_cast<std::size_t>(count));
}

bool LlamaModel::is_end_of_generation(LlamaToken token) const { return llama_vocab_is_eog(vocab_, token); }

}  // namespace lv::llm
