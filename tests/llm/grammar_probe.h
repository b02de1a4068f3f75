// Checks whether a GBNF grammar accepts a text, byte by byte, with llama.cpp's own grammar sampler.
#pragma once

#include <llama.h>

#include <cmath>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "llm/llama_model.h"

namespace lv::test {

// The tiny test model's vocabulary puts the 256 byte tokens right after its 5 special tokens.
inline constexpr int kFirstByteToken = 5;
inline constexpr int kEndOfTurnToken = 4;

// True when `grammar` accepts exactly `text` (every byte allowed in turn, and the end allowed after it).
inline bool grammar_accepts(const llm::LlamaModel& model, const std::string& grammar, std::string_view text) {
  struct Free {
    void operator()(llama_sampler* sampler) const { llama_sampler_free(sampler); }
  };
  std::unique_ptr<llama_sampler, Free> sampler(llama_sampler_init_grammar(model.vocab(), grammar.c_str(), "root"));
  if (!sampler) {
    return false;
  }
  const int vocab_size = llama_vocab_n_tokens(model.vocab());
  auto allowed = [&](llama_token token) {
    std::vector<llama_token_data> data;
    for (llama_token id = 0; id < vocab_size; ++id) {
      data.push_back({id, 0.0F, 0.0F});
    }
    llama_token_data_array array{data.data(), data.size(), -1, false};
    llama_sampler_apply(sampler.get(), &array);
    return std::isfinite(data[static_cast<std::size_t>(token)].logit);
  };
  for (const char c : text) {
    const llama_token token = kFirstByteToken + static_cast<unsigned char>(c);
    if (!allowed(token)) {
      return false;
    }
    llama_sampler_accept(sampler.get(), token);
  }
  return allowed(kEndOfTurnToken);
}

}  // namespace lv::test
