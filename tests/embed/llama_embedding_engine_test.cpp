#include "embed/llama_embedding_engine.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "embed/tiny_embedding_model.h"
#include "embed/vector_math.h"
#include "support/test_paths.h"
#include "util/error.h"

namespace lv::embed {
namespace {

constexpr int kTinyDimensions = 32;   // the script's default --embd
constexpr int kTinyTrainedCtx = 256;  // the script's default --ctx

class LlamaEmbeddingEngineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<test::TempDir>();
    model_path_ = test::make_tiny_embedding_gguf(dir_->path());
  }
  static void TearDownTestSuite() { dir_.reset(); }

  static LlamaEmbeddingEnginePtr engine(LlamaEmbeddingOptions options = {}) {
    if (options.model_path.empty()) {
      options.model_path = model_path_;
    }
    options.threads = 1;
    return LlamaEmbeddingEngine::create(options);
  }

  static inline std::unique_ptr<test::TempDir> dir_;
  static inline std::filesystem::path model_path_;
};

// Equal up to float rounding: batches of different shapes take different matrix kernels in ggml, which
// round differently (about 1e-4 here), while two different texts differ by far more.
::testing::AssertionResult nearly_equal(const std::vector<float>& a, const std::vector<float>& b, float tolerance) {
  if (a.size() != b.size()) {
    return ::testing::AssertionFailure() << "sizes " << a.size() << " and " << b.size();
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::fabs(a[i] - b[i]) > tolerance) {
      return ::testing::AssertionFailure() << "element " << i << ": " << a[i] << " vs " << b[i];
    }
  }
  if (tolerance > 0 && dot_product(a, b) < 0.99999) {
    return ::testing::AssertionFailure() << "cosine similarity " << dot_product(a, b);
  }
  return ::testing::AssertionSuccess();
}

constexpr float kRounding = 2e-3F;

std::string words(int count, const std::string& tail = "") {
  std::string text;
  for (int i = 0; i < count; ++i) {
    text += (i % 3 == 0) ? "the cat " : (i % 3 == 1 ? "sat on " : "a mat ");
  }
  return text + tail;
}

const std::vector<std::string> kTexts = {"hello world", "the cat sat on the mat", "a dog", "Ünïcödé 世界 😀",
                                         "the",         "is the dog on a mat?"};

TEST_F(LlamaEmbeddingEngineTest, ReportsTheModelsShape) {
  const auto embedder = engine();
  const auto caps = embedder->capabilities();
  EXPECT_EQ(caps.dimensions, kTinyDimensions);
  EXPECT_EQ(caps.max_input_tokens, kTinyTrainedCtx);  // asked for 512, capped at what the model was trained for
  EXPECT_TRUE(caps.normalized);
  EXPECT_EQ(embedder->model_name(), "tiny-embed");
  EXPECT_EQ(embedder->pooling(), Pooling::mean);  // the model declares none

  LlamaEmbeddingOptions named;
  named.model_name = "tiny-catalog-name";
  named.context_tokens = 64;
  const auto other = engine(named);
  EXPECT_EQ(other->model_name(), "tiny-catalog-name");
  EXPECT_EQ(other->capabilities().max_input_tokens, 64);
}

TEST_F(LlamaEmbeddingEngineTest, VectorsHaveUnitLengthAndTellTextsApart) {
  const auto vectors = engine()->embed(kTexts);
  ASSERT_EQ(vectors.size(), kTexts.size());
  for (const auto& vector : vectors) {
    ASSERT_EQ(vector.size(), static_cast<std::size_t>(kTinyDimensions));
    EXPECT_NEAR(l2_norm(vector), 1.0, 1e-5);
    for (const float value : vector) {
      EXPECT_TRUE(std::isfinite(value));
    }
  }
  for (std::size_t i = 0; i < vectors.size(); ++i) {
    for (std::size_t j = i + 1; j < vectors.size(); ++j) {
      EXPECT_LT(dot_product(vectors[i], vectors[j]), 0.9999) << kTexts[i] << " / " << kTexts[j];
    }
  }
}

TEST_F(LlamaEmbeddingEngineTest, SameTextGivesTheSameVectorEveryTime) {
  const auto embedder = engine();
  const auto first = embedder->embed({"the cat sat on the mat"});
  embedder->embed({"something else entirely", "and more"});
  const auto again = embedder->embed({"the cat sat on the mat"});
  EXPECT_EQ(first, again);
  // A second engine on the same file agrees too: nothing depends on the process's history.
  EXPECT_TRUE(nearly_equal(engine()->embed({"the cat sat on the mat"})[0], first[0], 1e-6F));
}

TEST_F(LlamaEmbeddingEngineTest, BatchedResultsEqualOneByOne) {
  const auto embedder = engine();
  const auto batched = embedder->embed(kTexts);
  for (std::size_t i = 0; i < kTexts.size(); ++i) {
    const auto single = embedder->embed({kTexts[i]});
    EXPECT_TRUE(nearly_equal(batched[i], single[0], kRounding)) << kTexts[i];
  }
  // Small batches (two texts or 40 tokens per decode) split the same call over several decodes.
  LlamaEmbeddingOptions small;
  small.max_batch_texts = 2;
  small.batch_tokens = 40;
  small.context_tokens = 40;
  const auto small_engine = engine(small);
  for (const auto& text : kTexts) {
    ASSERT_LT(small_engine->tokenize(text).size(), 40U) << "the test text would be truncated: " << text;
  }
  const auto split = small_engine->embed(kTexts);
  for (std::size_t i = 0; i < kTexts.size(); ++i) {
    EXPECT_TRUE(nearly_equal(split[i], batched[i], kRounding)) << kTexts[i];
  }
}

TEST_F(LlamaEmbeddingEngineTest, ConcurrentCallersGetTheirOwnResults) {
  const auto embedder = engine();
  std::vector<std::vector<float>> expected;
  for (const auto& text : kTexts) {
    expected.push_back(embedder->embed({text})[0]);
  }
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 10; ++round) {
        const std::size_t i = static_cast<std::size_t>(t + round) % kTexts.size();
        const std::size_t j = (i + 1) % kTexts.size();
        const auto got = embedder->embed({kTexts[i], kTexts[j]});
        if (!nearly_equal(got[0], expected[i], kRounding) || !nearly_equal(got[1], expected[j], kRounding)) {
          ++mismatches;
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(mismatches.load(), 0);
}

TEST_F(LlamaEmbeddingEngineTest, LongTextsAreTruncatedToTheContext) {
  LlamaEmbeddingOptions options;
  options.context_tokens = 48;
  const auto embedder = engine(options);
  const std::string long_a = words(300, " and then the dog");
  const std::string long_b = words(300, " but never a world");
  EXPECT_EQ(embedder->tokenize(long_a).size(), 48U);
  EXPECT_LT(embedder->tokenize("hello").size(), 48U);
  const auto result = embedder->embed_counted({long_a, long_b});
  EXPECT_EQ(result.input_tokens, 96);
  // Only the first 48 tokens count, and those are the same in both texts.
  EXPECT_TRUE(nearly_equal(result.vectors[0], result.vectors[1], 1e-6F));
  EXPECT_NEAR(l2_norm(result.vectors[0]), 1.0, 1e-5);
}

TEST_F(LlamaEmbeddingEngineTest, CountsTheTokensItRead) {
  const auto embedder = engine();
  int expected = 0;
  for (const auto& text : kTexts) {
    expected += static_cast<int>(embedder->tokenize(text).size());
  }
  EXPECT_EQ(embedder->embed_counted(kTexts).input_tokens, expected);
}

TEST_F(LlamaEmbeddingEngineTest, PoolingFollowsTheModelUnlessTheUrlSaysOtherwise) {
  // First-token pooling on a causal model sees only the leading <s>, which attends to nothing else: every
  // text then gets the same vector. That this happens proves the pooling choice reaches llama.cpp.
  const auto cls_model = test::make_tiny_embedding_gguf(dir_->path(), "cls.gguf", "--pooling cls");
  LlamaEmbeddingOptions declared;
  declared.model_path = cls_model;
  const auto cls = engine(declared);
  EXPECT_EQ(cls->pooling(), Pooling::cls);
  const auto same = cls->embed({"hello world", "the dog sat"});
  EXPECT_TRUE(nearly_equal(same[0], same[1], 1e-6F));

  LlamaEmbeddingOptions overridden = declared;
  overridden.pooling = Pooling::mean;
  const auto mean = engine(overridden);
  EXPECT_EQ(mean->pooling(), Pooling::mean);
  const auto differ = mean->embed({"hello world", "the dog sat"});
  EXPECT_LT(dot_product(differ[0], differ[1]), 0.9999);

  LlamaEmbeddingOptions last;
  last.pooling = Pooling::last;
  const auto last_engine = engine(last);
  EXPECT_EQ(last_engine->pooling(), Pooling::last);
  EXPECT_FALSE(nearly_equal(last_engine->embed({"hello world"})[0], mean->embed({"hello world"})[0], 1e-3F));
}

// all-MiniLM-L6-v2 and bge-small are BERT encoders: non-causal attention, [CLS] ... [SEP], mean pooling
// declared by the model. A tiny one takes the same path through llama.cpp.
TEST_F(LlamaEmbeddingEngineTest, BertEncodersWorkLikeTheRealEmbeddingModels) {
  constexpr int kCls = 2;  // token ids in make_tiny_embedding_gguf.py --arch bert
  constexpr int kSep = 3;
  LlamaEmbeddingOptions options;
  options.model_path = test::make_tiny_embedding_gguf(dir_->path(), "bert.gguf", "--arch bert");
  options.context_tokens = 16;
  const auto bert = engine(options);
  EXPECT_EQ(bert->pooling(), Pooling::mean);  // declared by the model
  EXPECT_EQ(bert->capabilities().dimensions, kTinyDimensions);
  const auto tokens = bert->tokenize("hello world");
  ASSERT_EQ(tokens.size(), 4U);
  EXPECT_EQ(tokens.front(), kCls);
  EXPECT_EQ(tokens.back(), kSep);
  // Truncation keeps the closing [SEP] the model was trained with.
  const auto long_tokens = bert->tokenize(words(40));
  ASSERT_EQ(long_tokens.size(), 16U);
  EXPECT_EQ(long_tokens.front(), kCls);
  EXPECT_EQ(long_tokens.back(), kSep);

  const std::vector<std::string> texts = {"hello world", "the cat sat on the mat", "where is the wifi router?",
                                          words(40)};
  const auto batched = bert->embed(texts);
  for (std::size_t i = 0; i < texts.size(); ++i) {
    EXPECT_NEAR(l2_norm(batched[i]), 1.0, 1e-5);
    EXPECT_TRUE(nearly_equal(batched[i], bert->embed({texts[i]})[0], kRounding)) << texts[i];
  }
  // Attention is bidirectional: the first token's output depends on what follows, unlike a causal model's.
  options.pooling = Pooling::cls;
  const auto cls = engine(options)->embed({"hello world", "the dog sat"});
  EXPECT_LT(dot_product(cls[0], cls[1]), 0.9999);
}

TEST_F(LlamaEmbeddingEngineTest, RejectsRerankingModels) {
  LlamaEmbeddingOptions options;
  options.model_path = test::make_tiny_embedding_gguf(dir_->path(), "rank.gguf", "--pooling rank");
  try {
    engine(options);
    FAIL() << "a reranking model was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("reranking"), std::string::npos) << e.what();
    EXPECT_NE(e.fix().find("embedding model"), std::string::npos);
  }
}

TEST_F(LlamaEmbeddingEngineTest, BadModelFilesGiveErrorsWithFixes) {
  LlamaEmbeddingOptions missing;
  missing.model_path = dir_->path() / "no-such-model.gguf";
  try {
    engine(missing);
    FAIL() << "a missing file was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no-such-model.gguf"), std::string::npos);
    EXPECT_NE(e.fix().find("engines.embeddings"), std::string::npos);
  }
  LlamaEmbeddingOptions not_gguf;
  not_gguf.model_path = dir_->path() / "notes.gguf";
  std::ofstream(not_gguf.model_path) << "these are not model weights";
  EXPECT_THROW(engine(not_gguf), Error);
}

TEST_F(LlamaEmbeddingEngineTest, CopesWithOddInput) {
  const auto embedder = engine();
  EXPECT_TRUE(embedder->embed({}).empty());
  const auto vectors = embedder->embed({std::string("bad \xff\xfe utf-8 \xc3"), "", "<s></s> special text"});
  ASSERT_EQ(vectors.size(), 3U);
  for (const auto& vector : vectors) {
    EXPECT_NEAR(l2_norm(vector), 1.0, 1e-5);
  }
}

TEST_F(LlamaEmbeddingEngineTest, StopsWhenCancelled) {
  const auto embedder = engine();
  std::stop_source stop;
  stop.request_stop();
  try {
    embedder->embed({"hello world"}, stop.get_token());
    FAIL() << "a cancelled call returned";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "cancelled");
  }
  // The engine is still usable afterwards.
  EXPECT_EQ(embedder->embed({"hello world"}).size(), 1U);
}

}  // namespace
}  // namespace lv::embed
