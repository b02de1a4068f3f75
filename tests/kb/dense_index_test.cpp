#include "kb/dense_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "support/test_paths.h"
#include "util/error.h"

namespace lv::kb {
namespace {

std::vector<float> random_vector(std::mt19937& rng, int dimensions) {
  std::normal_distribution<float> normal;
  std::vector<float> vector(static_cast<std::size_t>(dimensions));
  for (float& value : vector) {
    value = normal(rng);
  }
  return vector;
}

double cosine(const std::vector<float>& a, const std::vector<float>& b) {
  double dot = 0;
  double na = 0;
  double nb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    dot += static_cast<double>(a[i]) * b[i];
    na += static_cast<double>(a[i]) * a[i];
    nb += static_cast<double>(b[i]) * b[i];
  }
  return dot / std::sqrt(na * nb);
}

// The ids of `vectors` ranked by cosine similarity to `query` by brute force: what the index must return.
std::vector<std::int64_t> brute_force(const std::vector<std::vector<float>>& vectors, const std::vector<float>& query,
                                      std::size_t k) {
  std::vector<std::pair<double, std::int64_t>> scored;
  for (std::size_t i = 0; i < vectors.size(); ++i) {
    scored.emplace_back(cosine(vectors[i], query), static_cast<std::int64_t>(i) * 10);
  }
  std::sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<std::int64_t> ids;
  for (std::size_t i = 0; i < k && i < scored.size(); ++i) {
    ids.push_back(scored[i].second);
  }
  return ids;
}

std::vector<std::int64_t> ids_of(const std::vector<DenseHit>& hits) {
  std::vector<std::int64_t> ids;
  for (const auto& hit : hits) {
    ids.push_back(hit.id);
  }
  return ids;
}

std::string error_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const Error& e) {
    return e.full_message();
  }
  return "(no error)";
}

TEST(DenseIndexTest, FindsTheSameNeighboursAsBruteForce) {
  std::mt19937 rng(1);
  DenseIndex index(24);
  std::vector<std::vector<float>> vectors;
  for (int i = 0; i < 300; ++i) {
    vectors.push_back(random_vector(rng, 24));
    index.add(static_cast<std::int64_t>(i) * 10, vectors.back());  // ids need not be positions
  }
  EXPECT_EQ(index.size(), 300U);
  EXPECT_EQ(index.dimensions(), 24);
  for (int q = 0; q < 20; ++q) {
    const auto query = random_vector(rng, 24);
    const auto hits = index.search(query, 10);
    ASSERT_EQ(hits.size(), 10U);
    EXPECT_EQ(ids_of(hits), brute_force(vectors, query, 10));
    for (std::size_t i = 0; i < hits.size(); ++i) {
      // Scores are cosine similarities even though the vectors were not normalized by the caller.
      EXPECT_NEAR(hits[i].score, cosine(vectors[static_cast<std::size_t>(hits[i].id / 10)], query), 1e-5);
      if (i > 0) {
        EXPECT_GE(hits[i - 1].score, hits[i].score);
      }
    }
  }
}

TEST(DenseIndexTest, AVectorIsItsOwnBestMatch) {
  DenseIndex index(3);
  index.add(7, std::vector<float>{1, 0, 0});
  index.add(8, std::vector<float>{0, 2, 0});
  index.add(9, std::vector<float>{1, 1, 0});
  const auto hits = index.search(std::vector<float>{0, 5, 0}, 3);
  ASSERT_EQ(hits.size(), 3U);
  EXPECT_EQ(hits[0].id, 8);
  EXPECT_NEAR(hits[0].score, 1.0F, 1e-6);
  EXPECT_EQ(hits[1].id, 9);
  EXPECT_NEAR(hits[1].score, std::sqrt(0.5F), 1e-6);
  EXPECT_EQ(hits[2].id, 7);
  EXPECT_NEAR(hits[2].score, 0.0F, 1e-6);
  EXPECT_EQ(index.vector(8), (std::vector<float>{0, 1, 0}));  // stored normalized
  EXPECT_TRUE(index.vector(42).empty());
}

TEST(DenseIndexTest, AskingForMoreThanThereIsReturnsWhatThereIs) {
  DenseIndex index(2);
  EXPECT_TRUE(index.search(std::vector<float>{1, 0}, 5).empty());
  index.add(1, std::vector<float>{1, 0});
  index.add(2, std::vector<float>{0, 1});
  EXPECT_EQ(index.search(std::vector<float>{1, 0}, 100).size(), 2U);
  EXPECT_TRUE(index.search(std::vector<float>{1, 0}, 0).empty());
}

TEST(DenseIndexTest, EqualScoresComeInIdOrder) {
  DenseIndex index(2);
  for (const std::int64_t id : {50, 3, 41, 7, 12}) {
    index.add(id, std::vector<float>{1, 1});
  }
  index.add(99, std::vector<float>{-1, 0});
  const auto hits = index.search(std::vector<float>{1, 1}, 6);
  EXPECT_EQ(ids_of(hits), (std::vector<std::int64_t>{3, 7, 12, 41, 50, 99}));
}

TEST(DenseIndexTest, AddingAnIdAgainReplacesItsVector) {
  DenseIndex index(2);
  index.add(1, std::vector<float>{1, 0});
  index.add(2, std::vector<float>{0, 1});
  index.add(1, std::vector<float>{0, 3});
  EXPECT_EQ(index.size(), 2U);
  const auto hits = index.search(std::vector<float>{0, 1}, 2);
  EXPECT_NEAR(hits[0].score, 1.0F, 1e-6);
  EXPECT_NEAR(hits[1].score, 1.0F, 1e-6);
  EXPECT_EQ(index.vector(1), (std::vector<float>{0, 1}));
}

TEST(DenseIndexTest, RemovedIdsAreNeverFoundAgain) {
  std::mt19937 rng(2);
  DenseIndex index(8);
  std::vector<std::vector<float>> vectors;
  for (int i = 0; i < 50; ++i) {
    vectors.push_back(random_vector(rng, 8));
    index.add(i, vectors.back());
  }
  EXPECT_TRUE(index.remove(10));
  EXPECT_FALSE(index.remove(10));
  EXPECT_FALSE(index.remove(1000));
  EXPECT_EQ(index.remove_batch(std::vector<std::int64_t>{11, 12, 12, 999}), 2U);
  EXPECT_EQ(index.size(), 47U);
  EXPECT_FALSE(index.contains(11));
  EXPECT_TRUE(index.contains(13));
  for (const int removed : {10, 11, 12}) {
    const auto hits = index.search(vectors[static_cast<std::size_t>(removed)], 50);
    EXPECT_EQ(hits.size(), 47U);
    for (const auto& hit : hits) {
      EXPECT_NE(hit.id, removed);
    }
  }
  // The others still map to their own vectors after the index compacted.
  for (const int kept : {0, 13, 49}) {
    const auto hits = index.search(vectors[static_cast<std::size_t>(kept)], 1);
    EXPECT_EQ(hits[0].id, kept);
    EXPECT_NEAR(hits[0].score, 1.0F, 1e-5);
  }
  index.clear();
  EXPECT_EQ(index.size(), 0U);
  EXPECT_TRUE(index.search(vectors[0], 3).empty());
}

TEST(DenseIndexTest, BadVectorsAreRefusedWithoutChangingTheIndex) {
  DenseIndex index(3);
  index.add(1, std::vector<float>{1, 0, 0});
  const std::string wrong_length = error_of([&] { index.add(2, std::vector<float>{1, 0}); });
  EXPECT_NE(wrong_length.find("2 values"), std::string::npos) << wrong_length;
  EXPECT_NE(wrong_length.find("3-dimensional"), std::string::npos) << wrong_length;
  EXPECT_THROW(index.add(2, std::vector<float>{0, 0, 0}), Error);
  EXPECT_THROW(index.add(2, std::vector<float>{std::numeric_limits<float>::quiet_NaN(), 1, 0}), Error);
  EXPECT_THROW(index.add(2, std::vector<float>{std::numeric_limits<float>::infinity(), 1, 0}), Error);
  // One bad row in a batch: none of it goes in.
  EXPECT_THROW(index.add_batch(std::vector<std::int64_t>{3, 4}, std::vector<float>{1, 0, 0, 0, 0, 0}), Error);
  EXPECT_THROW(index.add_batch(std::vector<std::int64_t>{3, 4}, std::vector<float>{1, 0, 0}), Error);
  EXPECT_EQ(index.size(), 1U);
  EXPECT_THROW(index.search(std::vector<float>{1, 0}, 1), Error);
  EXPECT_THROW(index.search(std::vector<float>{0, 0, 0}, 1), Error);
  EXPECT_THROW(DenseIndex(0), Error);
}

TEST(DenseIndexTest, BatchAddKeepsTheLastRowOfARepeatedId) {
  DenseIndex index(2);
  index.add_batch(std::vector<std::int64_t>{1, 2, 1}, std::vector<float>{1, 0, 0, 1, -1, 0});
  EXPECT_EQ(index.size(), 2U);
  EXPECT_EQ(index.vector(1), (std::vector<float>{-1, 0}));
}

TEST(DenseIndexTest, RebuildingFromStoredVectorsGivesTheSameAnswers) {
  std::mt19937 rng(3);
  const int dimensions = 16;
  DenseIndex live(dimensions);
  std::vector<std::int64_t> ids;
  std::vector<float> stored;  // what a store would keep: id and vector rows
  for (int i = 0; i < 200; ++i) {
    const auto vector = random_vector(rng, dimensions);
    live.add(1000 + i, vector);
    ids.push_back(1000 + i);
    stored.insert(stored.end(), vector.begin(), vector.end());
  }
  live.remove(1005);
  ids.erase(ids.begin() + 5);
  stored.erase(stored.begin() + 5 * dimensions, stored.begin() + 6 * dimensions);

  DenseIndex rebuilt(dimensions);
  rebuilt.add(1, random_vector(rng, dimensions));  // replaced wholesale by rebuild()
  rebuilt.rebuild(ids, stored);
  EXPECT_EQ(rebuilt.size(), live.size());
  EXPECT_FALSE(rebuilt.contains(1));
  for (int q = 0; q < 10; ++q) {
    const auto query = random_vector(rng, dimensions);
    const auto a = live.search(query, 8);
    const auto b = rebuilt.search(query, 8);
    EXPECT_EQ(ids_of(a), ids_of(b));
  }
}

TEST(DenseIndexTest, SavesAndLoadsAFile) {
  test::TempDir dir;
  std::mt19937 rng(4);
  DenseIndex index(12);
  for (int i = 0; i < 40; ++i) {
    index.add(i * 3, random_vector(rng, 12));
  }
  index.remove(9);
  index.save(dir / "dense.index");
  EXPECT_FALSE(std::filesystem::exists(dir / "dense.index.tmp"));
  const auto loaded = DenseIndex::load(dir / "dense.index");
  EXPECT_EQ(loaded->dimensions(), 12);
  EXPECT_EQ(loaded->size(), 39U);
  EXPECT_FALSE(loaded->contains(9));
  EXPECT_EQ(loaded->vector(30), index.vector(30));
  const auto query = random_vector(rng, 12);
  EXPECT_EQ(ids_of(loaded->search(query, 5)), ids_of(index.search(query, 5)));
  // An empty index round-trips too.
  DenseIndex empty(5);
  empty.save(dir / "empty.index");
  EXPECT_EQ(DenseIndex::load(dir / "empty.index")->size(), 0U);
  EXPECT_EQ(DenseIndex::load(dir / "empty.index")->dimensions(), 5);
  // Still a working index: it takes changes.
  loaded->add(1000, query);
  EXPECT_EQ(loaded->search(query, 1)[0].id, 1000);
}

TEST(DenseIndexTest, LoadingAMissingOrDamagedFileIsAnError) {
  test::TempDir dir;
  const std::string missing = error_of([&] { DenseIndex::load(dir / "none.index"); });
  EXPECT_NE(missing.find("rebuild"), std::string::npos) << missing;
  std::ofstream(dir / "junk.index") << "definitely not an index";
  const std::string junk = error_of([&] { DenseIndex::load(dir / "junk.index"); });
  EXPECT_NE(junk.find("junk.index"), std::string::npos) << junk;
  // A truncated real index.
  DenseIndex index(4);
  index.add(1, std::vector<float>{1, 2, 3, 4});
  index.save(dir / "cut.index");
  std::filesystem::resize_file(dir / "cut.index", std::filesystem::file_size(dir / "cut.index") / 2);
  EXPECT_THROW(DenseIndex::load(dir / "cut.index"), Error);
  // One flipped bit inside the vectors.
  index.save(dir / "flipped.index");
  {
    std::fstream file(dir / "flipped.index", std::ios::in | std::ios::out | std::ios::binary);
    file.seekg(-3, std::ios::end);
    const char byte = static_cast<char>(file.get());
    file.seekp(-3, std::ios::end);
    file.put(static_cast<char>(byte ^ 0x10));
  }
  const std::string flipped = error_of([&] { DenseIndex::load(dir / "flipped.index"); });
  EXPECT_NE(flipped.find("checksum"), std::string::npos) << flipped;
  const std::string unwritable = error_of([&] { index.save(dir / "no-such-dir" / "x.index"); });
  EXPECT_NE(unwritable.find("writable"), std::string::npos) << unwritable;
}

TEST(DenseIndexTest, SearchesRunWhileTheIndexChanges) {
  std::mt19937 rng(5);
  DenseIndex index(16);
  std::vector<std::vector<float>> anchors;
  for (int i = 0; i < 20; ++i) {
    anchors.push_back(random_vector(rng, 16));
    index.add(i, anchors.back());
  }
  std::atomic<bool> done{false};
  std::atomic<int> wrong{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&, t] {
      std::size_t round = static_cast<std::size_t>(t);
      while (!done.load()) {
        // The anchors never change, so each must keep finding itself whatever the writer does.
        const auto& anchor = anchors[round++ % anchors.size()];
        const auto hits = index.search(anchor, 1);
        if (hits.empty() || hits[0].score < 0.9999F) {
          ++wrong;
        }
      }
    });
  }
  std::mt19937 writer_rng(6);
  for (int i = 0; i < 300; ++i) {
    const std::int64_t id = 100 + i % 40;
    index.add(id, random_vector(writer_rng, 16));
    if (i % 3 == 0) {
      index.remove(100 + (i * 7) % 40);
    }
  }
  done = true;
  for (auto& reader : readers) {
    reader.join();
  }
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace lv::kb
