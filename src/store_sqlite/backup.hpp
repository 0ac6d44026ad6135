// `planetude backup PATH`: a consistent copy of a live SQLite database, made with SQLite's online
// backup API while the server keeps serving (in WAL mode, the copy reads one snapshot and writers
// are not blocked). The copy is written beside PATH under a temporary name, checked
// (PRAGMA integrity_check), flushed to disk and only then renamed to PATH: PATH is either absent
// or a whole, checked database that `planetude` can serve from (DATABASE_URL=sqlite:PATH).
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>

namespace planetude::store::sqlite {

// Refused or failed; the message says what to fix. Nothing is left at the target path.
class BackupError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct BackupResult {
  std::int64_t pages = 0;
  std::int64_t bytes = 0;
  int schema_version = 0;  // the highest migration applied to the copy (0 for a database without any)
};

// Copies the database at `source_path` to `target_path`, which must not exist yet.
BackupResult backup_database(const std::string& source_path, const std::string& target_path);

}  // namespace planetude::store::sqlite
