// Contract tests of the storage interfaces (store/store.hpp): what every implementation must do,
// checked through store::Database and store::Repos only, never through SQL. Each suite is run once
// per backend of store_backends(); a backend is a factory that makes a fresh, migrated, empty
// database and cleans up after itself. Adding a backend (PostgreSQL) is one entry in that list.
//
//   class StoreThings : public planetude::testing::StoreContract {};
//   TEST_P(StoreThings, DoesWhatTheCommentSays) { ... }
//   PLANETUDE_STORE_CONTRACT(StoreThings);
#pragma once
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "store/store.hpp"
#include "store_pg/connection.hpp"
#include "store_pg/pg_database.hpp"
#include "store_sqlite/sqlite_database.hpp"

namespace planetude::testing {

// ---- backends -----------------------------------------------------------------------------------

// A fresh database, migrated and empty; whatever it made (a folder, a schema) goes with it.
class ContractDatabase {
 public:
  virtual ~ContractDatabase() = default;
  virtual store::Database& db() = 0;
};

struct StoreBackend {
  std::string name;  // the suffix of the test names: StoreUsers.Remove.../sqlite
  std::function<std::unique_ptr<ContractDatabase>()> make;
};

inline void PrintTo(const StoreBackend& backend, std::ostream* os) { *os << backend.name; }

// SQLite in a new mkdtemp folder, removed with the object.
class SqliteContractDatabase : public ContractDatabase {
 public:
  SqliteContractDatabase() {
    char tmpl[] = "/tmp/planetude-store-contract-XXXXXX";
    if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    try {
      db_ = std::make_unique<store::sqlite::SqliteDatabase>((dir_ / "contract.db").string(), 2);
      db_->migrate();
    } catch (...) {
      db_.reset();
      std::error_code ignored;
      std::filesystem::remove_all(dir_, ignored);
      throw;
    }
  }
  ~SqliteContractDatabase() override {
    db_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  SqliteContractDatabase(const SqliteContractDatabase&) = delete;
  SqliteContractDatabase& operator=(const SqliteContractDatabase&) = delete;

  store::Database& db() override { return *db_; }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<store::sqlite::SqliteDatabase> db_;
};

// The PostgreSQL server the tests started (scripts/pg-test-server.sh, run by ctest's `postgres`
// fixture): libpq settings from $PLANETUDE_TEST_PG_DIR/conninfo, "" when the variable is unset.
inline std::string test_postgres_conninfo() {
  const char* dir = std::getenv("PLANETUDE_TEST_PG_DIR");  // NOLINT(concurrency-mt-unsafe): read before threads
  if (!dir || !*dir) return "";
  std::ifstream in(std::filesystem::path(dir) / "conninfo");
  std::string conninfo;
  if (!std::getline(in, conninfo) || conninfo.empty())
    throw std::runtime_error(std::string("no PostgreSQL settings in ") + dir + "/conninfo");
  return conninfo;
}

// PostgreSQL in a new schema of the test server (its search_path), dropped with the object.
class PgContractDatabase : public ContractDatabase {
 public:
  PgContractDatabase() : admin_(test_postgres_conninfo()) {
    static std::atomic<int> counter{0};
    schema_ = "contract_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    admin_.exec(("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE; CREATE SCHEMA " + schema_).c_str());
    try {
      db_ = std::make_unique<store::pg::PgDatabase>(
          test_postgres_conninfo() + " options='-c search_path=" + schema_ + "'", 2);
      db_->migrate();
    } catch (...) {
      db_.reset();
      admin_.exec(("DROP SCHEMA " + schema_ + " CASCADE").c_str());
      throw;
    }
  }
  ~PgContractDatabase() override {
    db_.reset();
    try {
      admin_.exec(("DROP SCHEMA " + schema_ + " CASCADE").c_str());
    } catch (...) {
      // Left for the server's folder to be removed with it.
    }
  }
  PgContractDatabase(const PgContractDatabase&) = delete;
  PgContractDatabase& operator=(const PgContractDatabase&) = delete;

  store::Database& db() override { return *db_; }

 private:
  store::pg::Connection admin_;
  std::string schema_;
  std::unique_ptr<store::pg::PgDatabase> db_;
};

// Every backend the contract suites run on. The PostgreSQL tests are listed even when no server
// was started (ctest lists the tests at build time) and skipped then: ctest always starts one.
inline std::vector<StoreBackend> store_backends() {
  return {
      {"sqlite", [] { return std::make_unique<SqliteContractDatabase>(); }},
      {"postgres", [] { return std::make_unique<PgContractDatabase>(); }},
  };
}

inline std::string store_backend_name(const ::testing::TestParamInfo<StoreBackend>& info) { return info.param.name; }

// ---- values -------------------------------------------------------------------------------------

constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::int64_t kDay = 24 * kHour;
constexpr std::int64_t kT0 = 1'750'000'000'000;  // 2025-06-15T15:06:40Z, the tests' "now"

// A 24-hex-digit id, distinct for each n and ordered like n.
inline std::string oid(unsigned n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "66%022x", n);
  return buf;
}

inline std::vector<std::string> oids(std::initializer_list<unsigned> ns) {
  std::vector<std::string> out;
  for (unsigned n : ns) out.push_back(oid(n));
  return out;
}

const std::string kAlice = "65a1b2c3d4e5f60718293a4b";
const std::string kBob = "65a1b2c3d4e5f60718293a4c";

inline store::UserRecord user_record(const std::string& id, const std::string& email) {
  store::UserRecord u;
  u.id = id;
  u.email = email;
  u.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$" + id;
  u.name = "Élève " + email.substr(0, email.find('@'));
  u.themes = {"Révisions"};
  u.matieres = {"Maths", "Physique"};
  u.timezone = "Europe/Paris";
  u.created_at = kT0 - 10 * kDay;
  u.updated_at = kT0 - 10 * kDay;
  return u;
}

inline store::SessionRecord session_record(const std::string& id, const std::string& matiere, std::int64_t debut,
                                           std::int64_t fin, std::string statut = "planifie",
                                           std::optional<std::string> notes = std::nullopt) {
  return store::SessionRecord{id, matiere, debut, fin, std::move(statut), std::move(notes)};
}

// A week-long manual planning starting at `date_debut`, with the given sessions.
inline store::PlanningRecord planning_record(const std::string& id, const std::string& user_id, std::int64_t date_debut,
                                             std::vector<store::SessionRecord> sessions = {}) {
  store::PlanningRecord p;
  p.id = id;
  p.user_id = user_id;
  p.titre = "Semaine " + id.substr(id.size() - 4);
  p.periode = "semaine";
  p.date_debut = date_debut;
  p.date_fin = date_debut + 7 * kDay;
  p.source = "manual";
  p.sessions = std::move(sessions);
  p.created_at = kT0;
  p.updated_at = kT0;
  return p;
}

// A free progress entry (no planning, no session).
inline store::ProgressRecord progress_record(const std::string& id, const std::string& user_id, const std::string& date,
                                             std::int64_t created_at, int minutes = 30) {
  store::ProgressRecord e;
  e.id = id;
  e.user_id = user_id;
  e.date = date;
  e.sessions_completees = 0;
  e.temps_etudie = minutes;
  e.created_at = created_at;
  return e;
}

// The entry of a completed planned session.
inline store::ProgressRecord linked_progress_record(const std::string& id, const std::string& user_id,
                                                    const std::string& date, const std::string& planning_id,
                                                    const std::string& session_id, std::int64_t created_at) {
  store::ProgressRecord e = progress_record(id, user_id, date, created_at, 45);
  e.sessions_completees = 1;
  e.notes = "fait";
  e.matiere = "Maths";
  e.planning_id = planning_id;
  e.session_id = session_id;
  return e;
}

inline store::ChatMessageRecord message_record(const std::string& id, const std::string& user_id,
                                               const std::string& role, const std::string& content,
                                               std::int64_t created_at) {
  store::ChatMessageRecord m;
  m.id = id;
  m.user_id = user_id;
  m.role = role;
  m.content = content;
  if (role == "coach") m.source = "fallback";
  m.created_at = created_at;
  return m;
}

inline store::ProposalRecord proposal_record(const std::string& id, const std::string& user_id,
                                             const std::string& message_id, std::int64_t created_at) {
  store::ProposalRecord p;
  p.id = id;
  p.user_id = user_id;
  p.message_id = message_id;
  p.type = "delete_session";
  p.summary = "Supprimer la session de maths de demain";
  p.payload = R"({"planningId":")" + oid(1) + R"(","sessionId":")" + oid(2) + R"("})";
  p.origin = "ai";
  p.status = "pending";
  p.created_at = created_at;
  p.updated_at = created_at;
  return p;
}

// ---- showing records: every field, so that equal text means equal records ----------------------

namespace show_detail {
inline void put(std::ostream& os, const std::string& s) { os << '"' << s << '"'; }
inline void put(std::ostream& os, std::int64_t v) { os << v; }
inline void put(std::ostream& os, int v) { os << v; }
inline void put(std::ostream& os, const std::optional<std::string>& v) {
  if (v) put(os, *v);
  else os << "null";
}
inline void put(std::ostream& os, const std::optional<std::int64_t>& v) {
  if (v) os << *v;
  else os << "null";
}
inline void put(std::ostream& os, const std::vector<std::string>& v) {
  os << '[';
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) os << ',';
    put(os, v[i]);
  }
  os << ']';
}
template <class T>
void field(std::ostream& os, const char* name, const T& value) {
  os << ' ' << name << '=';
  put(os, value);
}
}  // namespace show_detail

inline std::string show(const store::UserRecord& u) {
  using show_detail::field;
  std::ostringstream os;
  os << "User{";
  field(os, "id", u.id);
  field(os, "email", u.email);
  field(os, "password_hash", u.password_hash);
  field(os, "name", u.name);
  field(os, "themes", u.themes);
  field(os, "matieres", u.matieres);
  field(os, "timezone", u.timezone);
  field(os, "created_at", u.created_at);
  field(os, "updated_at", u.updated_at);
  field(os, "tokens_not_before", u.tokens_not_before);
  os << " }";
  return os.str();
}

inline std::string show(const store::TokenRecord& t) {
  using show_detail::field;
  std::ostringstream os;
  os << "Token{";
  field(os, "jti", t.jti);
  field(os, "user_id", t.user_id);
  field(os, "issued_at", t.issued_at);
  field(os, "expires_at", t.expires_at);
  field(os, "revoked_at", t.revoked_at);
  os << " }";
  return os.str();
}

inline std::string show(const store::SessionRecord& s) {
  using show_detail::field;
  std::ostringstream os;
  os << "Session{";
  field(os, "id", s.id);
  field(os, "matiere", s.matiere);
  field(os, "debut", s.debut);
  field(os, "fin", s.fin);
  field(os, "statut", s.statut);
  field(os, "notes", s.notes);
  os << " }";
  return os.str();
}

inline std::string show(const store::PlanningRecord& p) {
  using show_detail::field;
  std::ostringstream os;
  os << "Planning{";
  field(os, "id", p.id);
  field(os, "user_id", p.user_id);
  field(os, "titre", p.titre);
  field(os, "periode", p.periode);
  field(os, "date_debut", p.date_debut);
  field(os, "date_fin", p.date_fin);
  field(os, "source", p.source);
  field(os, "created_at", p.created_at);
  field(os, "updated_at", p.updated_at);
  os << " sessions=[";
  for (const auto& s : p.sessions) os << "\n  " << show(s);
  os << "] }";
  return os.str();
}

inline std::string show(const store::ProgressRecord& e) {
  using show_detail::field;
  std::ostringstream os;
  os << "Progress{";
  field(os, "id", e.id);
  field(os, "user_id", e.user_id);
  field(os, "date", e.date);
  field(os, "sessions_completees", e.sessions_completees);
  field(os, "temps_etudie", e.temps_etudie);
  field(os, "notes", e.notes);
  field(os, "matiere", e.matiere);
  field(os, "planning_id", e.planning_id);
  field(os, "session_id", e.session_id);
  field(os, "created_at", e.created_at);
  os << " }";
  return os.str();
}

// `seq` is left out: the store sets it, the caller's record does not have it.
inline std::string show(const store::ChatMessageRecord& m) {
  using show_detail::field;
  std::ostringstream os;
  os << "Message{";
  field(os, "id", m.id);
  field(os, "user_id", m.user_id);
  field(os, "role", m.role);
  field(os, "content", m.content);
  field(os, "source", m.source);
  field(os, "created_at", m.created_at);
  os << " }";
  return os.str();
}

inline std::string show(const store::ProposalRecord& p) {
  using show_detail::field;
  std::ostringstream os;
  os << "Proposal{";
  field(os, "id", p.id);
  field(os, "user_id", p.user_id);
  field(os, "message_id", p.message_id);
  field(os, "type", p.type);
  field(os, "summary", p.summary);
  field(os, "payload", p.payload);
  field(os, "origin", p.origin);
  field(os, "status", p.status);
  field(os, "created_at", p.created_at);
  field(os, "updated_at", p.updated_at);
  os << " }";
  return os.str();
}

template <class Record>
std::string show(const std::optional<Record>& r) {
  return r ? show(*r) : std::string("nullopt");
}

// The ids of the records, in their order.
template <class Record>
std::vector<std::string> ids_of(const std::vector<Record>& records) {
  std::vector<std::string> out;
  for (const auto& r : records) out.push_back(r.id);
  return out;
}

// ---- the fixture --------------------------------------------------------------------------------

class StoreContract : public ::testing::TestWithParam<StoreBackend> {
 protected:
  void SetUp() override {
    if (GetParam().name == "postgres" && test_postgres_conninfo().empty())
      GTEST_SKIP() << "no PostgreSQL server: set PLANETUDE_TEST_PG_DIR to a folder of scripts/pg-test-server.sh "
                      "(ctest does)";
    backend_ = GetParam().make();
  }
  void TearDown() override { backend_.reset(); }

  store::Database& db() { return backend_->db(); }

  // One committed write transaction.
  void write(const std::function<void(store::Repos&)>& work) { db().write(work); }
  // A value read in its own read transaction.
  template <class Fn>
  auto read(Fn fn) {
    return db().read_value(fn);
  }

  // Alice and Bob, the two users most tests need.
  void add_alice_and_bob() {
    write([](store::Repos& r) {
      r.users().insert(user_record(kAlice, "alice@example.com"));
      r.users().insert(user_record(kBob, "bob@example.com"));
    });
  }

  std::optional<store::PlanningRecord> find_planning(const std::string& user_id, const std::string& id) {
    return read([&](store::Repos& r) { return r.plannings().find(user_id, id); });
  }

 private:
  std::unique_ptr<ContractDatabase> backend_;
};

}  // namespace planetude::testing

// Runs the suite `Suite` (a StoreContract) on every backend. No instantiation prefix, so the tests
// are named Suite.Test/backend and --gtest_filter='Store*' selects them.
#define PLANETUDE_STORE_CONTRACT(Suite)                                                          \
  INSTANTIATE_TEST_SUITE_P(, Suite, ::testing::ValuesIn(::planetude::testing::store_backends()), \
                           ::planetude::testing::store_backend_name)
