// The history database's tables, versioned with PRAGMA user_version and upgraded by ordered migrations.
#pragma once

#include <span>
#include <string_view>

namespace lv::sqlite {
class Database;
}  // namespace lv::sqlite

namespace lv::history {

// One upgrade step: the SQL that takes a database from version - 1 to `version`.
struct Migration {
  int version = 0;
  std::string_view sql;
};

// The steps from an empty file (version 0) to the current schema, oldest first.
std::span<const Migration> history_migrations();
int current_schema_version();

// Applies, in one transaction, every step newer than the file's user_version, then records the new version.
// A failing step leaves the file as it was. Throws lv::Error when the file is newer than the last step
// (written by a newer LocalVoice).
void migrate(sqlite::Database& db, std::span<const Migration> migrations);

}  // namespace lv::history
