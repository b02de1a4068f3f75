// A GoogleTest suite base that makes the random-weight test GGUF once, in a temporary folder, for all its tests.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>

#include "llm/tiny_model.h"
#include "support/test_paths.h"

namespace lv::test {

class TinyModelSuite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    model_ = new std::filesystem::path(make_tiny_gguf(dir_->path()));
  }
  static void TearDownTestSuite() {
    delete model_;
    model_ = nullptr;
    delete dir_;
    dir_ = nullptr;
  }

  static inline TempDir* dir_ = nullptr;                  // the suite's scratch folder (holds the model)
  static inline std::filesystem::path* model_ = nullptr;  // the model file
};

}  // namespace lv::test
