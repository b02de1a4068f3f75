#include "kb/kb_store.h"

#include <gtest/gtest.h>

#include "support/test_paths.h"

namespace lv::kb {
namespace {

StoredDocument make_document(const std::string& path, const std::string& hash) {
  StoredDocument document;
  document.path = path;
  document.content_hash = hash;
  document.mtime_ns = 123;
  document.size_bytes = 456;
  document.format = "markdown";
  return document;
}

std::vector<StoredChunk> make_chunks(int count) {
  std::vector<StoredChunk> chunks;
  for (int i = 0; i < count; ++i) {
    chunks.push_back({0, 0, i, "Heading " + std::to_string(i), "text " + std::to_string(i), i * 10, i * 10 + 9});
  }
  return chunks;
}

TEST(KbStoreTest, StoresDocumentsChunksAndEmbeddingsAcrossReopening) {
  const test::TempDir dir;
  std::int64_t id = 0;
  {
    KbStore store(dir / "sub" / "kb.sqlite3");
    auto document = make_document("a.md", "h1");
    auto chunks = make_chunks(3);
    store.replace_document(document, chunks, {{1, 0}, {0, 1}, {0.5F, 0.5F}}, "model-x");
    id = document.id;
    EXPECT_GT(id, 0);
    EXPECT_EQ(document.chunk_count, 3);
    EXPECT_EQ(chunks[2].document_id, id);
    EXPECT_GT(chunks[2].id, chunks[1].id);
  }
  KbStore store(dir / "sub" / "kb.sqlite3");
  const auto documents = store.documents();
  ASSERT_EQ(documents.size(), 1U);
  EXPECT_EQ(documents[0].path, "a.md");
  EXPECT_EQ(documents[0].content_hash, "h1");
  EXPECT_EQ(documents[0].mtime_ns, 123);
  EXPECT_EQ(documents[0].chunk_count, 3);
  const auto chunks = store.chunks_of(id);
  ASSERT_EQ(chunks.size(), 3U);
  EXPECT_EQ(chunks[1].heading, "Heading 1");
  EXPECT_EQ(chunks[1].char_end, 19);
  const auto vectors = store.embeddings("model-x");
  ASSERT_EQ(vectors.size(), 3U);
  EXPECT_EQ(vectors[2].vector, (std::vector<float>{0.5F, 0.5F}));
  EXPECT_TRUE(store.embeddings("model-y").empty());
  EXPECT_EQ(store.chunks_without_embedding("model-y").size(), 3U);
  EXPECT_TRUE(store.chunks_without_embedding("model-x").empty());
}

TEST(KbStoreTest, ReplacingADocumentReplacesItsChunksAndVectors) {
  const test::TempDir dir;
  KbStore store(dir / "kb.sqlite3");
  auto first = make_document("a.md", "h1");
  auto chunks = make_chunks(4);
  store.replace_document(first, chunks, {{1}, {2}, {3}, {4}}, "m");
  auto second = make_document("a.md", "h2");
  auto fewer = make_chunks(1);
  store.replace_document(second, fewer, {}, "m");
  EXPECT_EQ(second.id, first.id) << "same path, same document";
  EXPECT_EQ(store.chunks().size(), 1U);
  EXPECT_TRUE(store.embeddings("m").empty()) << "vectors of replaced chunks go with them";
  EXPECT_EQ(store.document(first.id)->content_hash, "h2");
  store.put_embeddings({{fewer[0].id, {9}}, {999999, {1}}}, "m");
  EXPECT_EQ(store.embeddings("m").size(), 1U) << "vectors for unknown chunks are ignored";
}

TEST(KbStoreTest, RemovesDocumentsWithTheirChunksAndDropsOtherModels) {
  const test::TempDir dir;
  KbStore store(dir / "kb.sqlite3");
  auto a = make_document("a.md", "h");
  auto b = make_document("b.md", "h");
  auto a_chunks = make_chunks(2);
  auto b_chunks = make_chunks(2);
  store.replace_document(a, a_chunks, {{1}, {1}}, "old");
  store.replace_document(b, b_chunks, {{1}, {1}}, "new");
  store.touch_document(a.id, 999);
  EXPECT_EQ(store.document(a.id)->mtime_ns, 999);
  store.remove_document(a.id);
  EXPECT_FALSE(store.document(a.id).has_value());
  EXPECT_EQ(store.chunks().size(), 2U);
  store.drop_embeddings_except("old");
  EXPECT_TRUE(store.embeddings("new").empty());
}

}  // namespace
}  // namespace lv::kb
