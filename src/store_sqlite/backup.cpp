#include "store_sqlite/backup.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <memory>
#include <system_error>
#include <thread>

namespace planetude::store::sqlite {

namespace fs = std::filesystem;

namespace {

struct CloseDb {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using DbHandle = std::unique_ptr<sqlite3, CloseDb>;

DbHandle open(const std::string& path, int flags, const char* role) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  DbHandle db(raw);
  if (rc != SQLITE_OK)
    throw BackupError(std::string("cannot open the ") + role + " " + path + ": " +
                      (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, 5000);
  return db;
}

std::string single_text(sqlite3* db, const char* sql) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK)
    throw BackupError(std::string("cannot check the copy: ") + sqlite3_errmsg(db));
  std::string out;
  if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
    out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  return out;
}

// Copies every page in one step, so the copy is one snapshot of the source. A writer holding the
// database in a way that blocks readers (only possible outside WAL mode) is waited for, boundedly.
void copy_pages(sqlite3* source, sqlite3* target) {
  sqlite3_backup* backup = sqlite3_backup_init(target, "main", source, "main");
  if (!backup) throw BackupError(std::string("cannot start the backup: ") + sqlite3_errmsg(target));
  int rc = SQLITE_OK;
  for (int attempt = 0; attempt < 100; ++attempt) {
    rc = sqlite3_backup_step(backup, -1);
    if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  int finish = sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) throw BackupError(std::string("the backup did not complete: ") + sqlite3_errstr(rc));
  if (finish != SQLITE_OK) throw BackupError(std::string("the backup did not complete: ") + sqlite3_errmsg(target));
}

void flush_to_disk(const fs::path& path, bool directory) {
  int fd = ::open(path.c_str(), directory ? (O_RDONLY | O_DIRECTORY) : O_RDONLY);
  if (fd < 0)
    throw BackupError("cannot flush " + path.string() +
                      " to disk: " + std::error_code(errno, std::generic_category()).message());
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0)
    throw BackupError("cannot flush " + path.string() +
                      " to disk: " + std::error_code(errno, std::generic_category()).message());
}

// Removes the temporary name of the copy (and SQLite's side files) whatever way the backup ends.
class PartialFile {
 public:
  explicit PartialFile(fs::path path) : path_(std::move(path)) {}
  ~PartialFile() {
    std::error_code ec;
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) fs::remove(path_.string() + suffix, ec);
  }
  PartialFile(const PartialFile&) = delete;
  PartialFile& operator=(const PartialFile&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

}  // namespace

BackupResult backup_database(const std::string& source_path, const std::string& target_path) {
  const fs::path target = fs::absolute(target_path);
  std::error_code ec;
  if (fs::exists(fs::symlink_status(target, ec)))
    throw BackupError(target.string() + " already exists: give a new file name (nothing was overwritten)");
  if (!fs::is_directory(target.parent_path(), ec))
    throw BackupError("the folder " + target.parent_path().string() + " does not exist");
  if (!fs::exists(source_path, ec)) throw BackupError("there is no database at " + source_path);

  DbHandle source = open(source_path, SQLITE_OPEN_READONLY, "database");
  PartialFile partial(target.string() + ".partial-" + std::to_string(::getpid()));
  BackupResult result;
  {
    DbHandle copy = open(partial.path().string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, "copy");
    copy_pages(source.get(), copy.get());
    if (std::string check = single_text(copy.get(), "PRAGMA integrity_check"); check != "ok")
      throw BackupError("the copy failed its integrity check: " + check);
    // A copy in WAL mode (as the source is) folds everything into its main file on close.
    result.pages = std::stoll(single_text(copy.get(), "PRAGMA page_count"));
    std::string has_migrations =
        single_text(copy.get(), "SELECT count(*) FROM sqlite_master WHERE name = 'schema_migrations'");
    if (has_migrations == "1")
      result.schema_version =
          std::stoi(single_text(copy.get(), "SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
  }
  result.bytes = static_cast<std::int64_t>(fs::file_size(partial.path()));
  flush_to_disk(partial.path(), false);
  // link() fails when the target appeared meanwhile, where rename() would replace it; rename() is
  // for file systems without hard links. The partial name is removed on the way out.
  if (::link(partial.path().c_str(), target.c_str()) != 0) {
    if (errno == EEXIST)
      throw BackupError(target.string() + " already exists: give a new file name (nothing was overwritten)");
    std::error_code rename_ec;
    fs::rename(partial.path(), target, rename_ec);
    if (rename_ec) throw BackupError("cannot create " + target.string() + ": " + rename_ec.message());
  }
  flush_to_disk(target.parent_path(), true);
  return result;
}

}  // namespace planetude::store::sqlite
