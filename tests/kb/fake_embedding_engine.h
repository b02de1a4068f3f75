// A deterministic embedding engine for tests: hashed bag of words, counting every call and text.
#pragma once

#include <atomic>
#include <cmath>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "embed/embedding_engine.h"
#include "kb/tokenizer.h"

namespace lv::test {

class CountingEmbeddingEngine : public embed::EmbeddingEngine {
 public:
  explicit CountingEmbeddingEngine(std::string model = "fake-bow-64") : model_(std::move(model)) {}

  embed::EmbeddingCapabilities capabilities() const override { return {kDimensions, 0, true}; }
  std::string model_name() const override { return model_; }
  std::vector<std::vector<float>> embed(const std::vector<std::string>& texts, std::stop_token /*stop*/) override {
    ++calls;
    texts_embedded += static_cast<int>(texts.size());
    std::vector<std::vector<float>> out;
    for (const auto& text : texts) {
      std::vector<float> vector(kDimensions, 0.0F);
      for (const auto& term : kb::tokenize(text)) vector[std::hash<std::string>{}(term) % kDimensions] += 1.0F;
      double norm = 0;
      for (const float v : vector) norm += static_cast<double>(v) * v;
      if (norm > 0) {
        for (float& v : vector) v = static_cast<float>(v / std::sqrt(norm));
      } else {
        vector[0] = 1.0F;
      }
      out.push_back(std::move(vector));
    }
    return out;
  }

  static constexpr int kDimensions = 64;
  std::atomic<int> calls{0};
  std::atomic<int> texts_embedded{0};

 private:
  std::string model_;
};

}  // namespace lv::test
