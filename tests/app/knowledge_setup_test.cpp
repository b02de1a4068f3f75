// The knowledge base as the configuration describes it.
#include "app/knowledge_setup.h"

#include <gtest/gtest.h>

namespace lv::app {
namespace {

namespace fs = std::filesystem;

TEST(KnowledgeSetupTest, FollowTheConfiguration) {
  config::Config config;
  config.paths.data_dir = "/data";
  config.paths.kb_dir = "/docs";
  config.kb.chunk_words = 120;
  config.kb.chunk_overlap_words = 10;
  config.kb.max_file_bytes = 4096;
  const kb::KnowledgeBaseOptions options = knowledge_base_options(config, nullptr);
  EXPECT_EQ(options.kb_dir, fs::path("/docs"));
  EXPECT_EQ(options.db_path, fs::path("/data/knowledge.sqlite3"));
  EXPECT_EQ(options.chunks.target_words, 120);
  EXPECT_EQ(options.chunks.max_words, 160);
  EXPECT_EQ(options.chunks.overlap_words, 10);
  EXPECT_EQ(options.max_file_bytes, 4096U);
  EXPECT_EQ(options.embeddings, nullptr);
}

}  // namespace
}  // namespace lv::app
