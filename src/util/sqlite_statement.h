// A prepared SQLite statement (RAII over sqlite3_stmt*): bind, step, read columns; errors become lv::Error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3_stmt;

namespace lv::sqlite {

class Database;

// Raw bytes bound as a BLOB (SQLite copies them when bound).
struct Blob {
  const void* data = nullptr;
  std::size_t size_bytes = 0;
};

class Statement {
 public:
  Statement(Database& db, std::string_view sql);

  // Resets the statement and clears its bindings when created and again when it goes away, so a cached
  // statement never keeps a read transaction open (which would stop WAL checkpoints) or stale values.
  class Use {
   public:
    explicit Use(Statement& statement);
    ~Use();
    Use(const Use&) = delete;
    Use& operator=(const Use&) = delete;

   private:
    Statement& statement_;
  };
  [[nodiscard]] Use use() { return Use(*this); }

  // Parameters are numbered from 1, as in SQL "?".
  void bind(int index, std::int64_t value);
  void bind(int index, double value);
  void bind(int index, std::string_view text);
  // Binds raw bytes as a BLOB (copied, like text).
  void bind_blob(int index, const void* data, std::size_t size_bytes);
  void bind_null(int index);
  // Binds NULL when the value is empty.
  void bind(int index, const std::optional<std::int64_t>& value);
  void bind(int index, Blob blob) { bind_blob(index, blob.data, blob.size_bytes); }
  // Binds `values` to parameters 1, 2, ... in order (a row's columns in one call).
  template <typename... Values>
  void bind_all(const Values&... values) {
    int index = 0;
    (bind(++index, values), ...);
  }

  // Steps once: true when a row is available, false when done.
  bool step();
  // Steps until done (for statements that return no rows).
  void run();

  // Columns are numbered from 0.
  bool is_null(int column) const;
  std::int64_t column_int(int column) const;
  double column_double(int column) const;
  std::string column_text(int column) const;
  // The BLOB's bytes; empty for NULL or an empty BLOB.
  std::string_view column_blob(int column) const;

 private:
  void reset();
  struct Finalizer {
    void operator()(sqlite3_stmt* statement) const;
  };
  Database* db_;
  std::unique_ptr<sqlite3_stmt, Finalizer> statement_;
};

}  // namespace lv::sqlite
