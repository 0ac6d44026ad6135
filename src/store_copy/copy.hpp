// `planetude copy --from sqlite:PATH --to postgres://...`: moves a SQLite database (a laptop's) to
// an empty PostgreSQL database, every id kept. The only code that sees both databases.
//
// The source is opened read-only and read in one snapshot; it must be at the schema version this
// binary knows. The target is migrated, must hold no data, and is filled in one transaction (its
// tables locked against writers), so a failure leaves it empty. After the commit, the rows of
// each table are counted on both sides.
#pragma once
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace planetude::store::copy {

// Refused or failed; the message says what to fix and never holds the target's password.
class CopyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct TableCount {
  std::string table;
  std::int64_t rows = 0;
};

struct CopyResult {
  std::vector<TableCount> tables;  // in the order they were copied
  int schema_version = 0;          // the source's
};

// The file of a `sqlite:PATH` (or sqlite:///abs/path) source; nullopt when it is not one.
std::optional<std::string> sqlite_path(const std::string& from);

// "" when `to` is a postgres:// or postgresql:// URL or libpq settings that parse; otherwise the
// problem in one line, without the password.
std::string target_problem(const std::string& to);

// Copies the SQLite database at `source_path` to the PostgreSQL database `conninfo`.
CopyResult copy_sqlite_to_postgres(const std::string& source_path, const std::string& conninfo);

}  // namespace planetude::store::copy
