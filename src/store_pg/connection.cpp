#include "store_pg/connection.hpp"

#include <charconv>
#include <cstdlib>

#include "store/store.hpp"

namespace planetude::store::pg {

namespace {

// libpq's message on one line: its lines joined with "; ", tabs dropped.
std::string trimmed(const char* message) {
  std::string s;
  for (const char* p = message ? message : ""; *p; ++p) {
    if (*p == '\n') s += "; ";
    else if (*p != '\t') s += *p;
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == ';')) s.pop_back();
  return s;
}

// Connection exceptions (class 08) and the server shutting down (57P01..57P03) end the session.
bool ends_connection(std::string_view sqlstate) {
  return sqlstate.starts_with("08") || sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03";
}

void ignore_notice(void*, const char*) {}

}  // namespace

[[noreturn]] void throw_error(PGconn* conn, PGresult* result, std::string_view what) {
  std::string sqlstate;
  std::string message;
  if (result) {
    const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
    sqlstate = state ? state : "";
    message = trimmed(PQresultErrorMessage(result));
    PQclear(result);
  }
  if (message.empty()) message = trimmed(PQerrorMessage(conn));
  std::string full = "PostgreSQL " + std::string(what) + ": " + message;
  if (sqlstate == "23505") throw Conflict(full);
  if (sqlstate == "40001" || sqlstate == "40P01") throw RetryableError(full, sqlstate);
  if (ends_connection(sqlstate) || PQstatus(conn) != CONNECTION_OK) throw ConnectionLost(full, sqlstate);
  throw PgError(full, sqlstate);
}

Connection::Connection(const std::string& conninfo) {
  // Our defaults come first: what `conninfo` says (expanded in place of dbname) overrides them.
  const char* keys[] = {"connect_timeout", "application_name", "keepalives_idle", "client_encoding", "dbname", nullptr};
  const char* values[] = {"5", "planetude", "30", "UTF8", conninfo.c_str(), nullptr};
  conn_ = PQconnectdbParams(keys, values, 1);
  if (!conn_) throw ConnectionLost("PostgreSQL: out of memory opening a connection", "");
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string message = trimmed(PQerrorMessage(conn_));
    PQfinish(conn_);
    conn_ = nullptr;
    throw ConnectionLost("cannot connect to PostgreSQL: " + message, "08001");
  }
  PQsetNoticeProcessor(conn_, ignore_notice, nullptr);
}

Connection::~Connection() {
  if (conn_) PQfinish(conn_);
}

void Connection::exec(const char* sql) {
  PGresult* r = PQexec(conn_, sql);
  ExecStatusType status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) throw_error(conn_, r, "query");
  PQclear(r);
}

Statement Connection::prepare(std::string_view sql) {
  auto it = prepared_.find(std::string(sql));
  if (it == prepared_.end()) {
    std::string name = "s" + std::to_string(prepared_.size() + 1);
    std::string text(sql);
    PGresult* r = PQprepare(conn_, name.c_str(), text.c_str(), 0, nullptr);
    if (!r || PQresultStatus(r) != PGRES_COMMAND_OK) throw_error(conn_, r, "prepare");
    PQclear(r);
    it = prepared_.emplace(std::move(text), std::move(name)).first;
  }
  return Statement(*this, it->second);
}

Statement::Statement(Connection& c, std::string name) : c_(&c), name_(std::move(name)) {}

Statement::~Statement() {
  if (result_) PQclear(result_);
}

Statement::Statement(Statement&& other) noexcept
    : c_(other.c_),
      name_(std::move(other.name_)),
      params_(std::move(other.params_)),
      result_(other.result_),
      row_(other.row_) {
  other.result_ = nullptr;
}

Statement& Statement::bind(int index, std::string_view value) {
  if (index < 1) throw std::invalid_argument("PostgreSQL parameters are numbered from 1");
  if (params_.size() < static_cast<std::size_t>(index)) params_.resize(static_cast<std::size_t>(index));
  params_[static_cast<std::size_t>(index) - 1] = std::string(value);
  return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
  return bind(index, std::string_view(std::to_string(value)));
}

Statement& Statement::bind(int index, std::optional<std::int64_t> value) {
  return value ? bind(index, *value) : bind_null(index);
}

Statement& Statement::bind(int index, const std::optional<std::string>& value) {
  return value ? bind(index, std::string_view(*value)) : bind_null(index);
}

Statement& Statement::bind_null(int index) {
  if (index < 1) throw std::invalid_argument("PostgreSQL parameters are numbered from 1");
  if (params_.size() < static_cast<std::size_t>(index)) params_.resize(static_cast<std::size_t>(index));
  params_[static_cast<std::size_t>(index) - 1].reset();
  return *this;
}

void Statement::execute() {
  std::vector<const char*> values;
  values.reserve(params_.size());
  for (const auto& p : params_) values.push_back(p ? p->c_str() : nullptr);
  PGresult* r =
      PQexecPrepared(c_->conn_, name_.c_str(), static_cast<int>(values.size()), values.data(), nullptr, nullptr, 0);
  ExecStatusType status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) throw_error(c_->conn_, r, "statement");
  result_ = r;
  row_ = -1;
}

bool Statement::step() {
  if (!result_) execute();
  ++row_;
  return row_ < PQntuples(result_);
}

int Statement::run() {
  if (!result_) execute();
  const char* changed = PQcmdTuples(result_);
  return changed && *changed ? std::atoi(changed) : 0;
}

void Statement::reset() {
  if (result_) PQclear(result_);
  result_ = nullptr;
  row_ = -1;
  params_.clear();
}

std::string Statement::text(int column) const {
  return std::string(PQgetvalue(result_, row_, column), static_cast<std::size_t>(PQgetlength(result_, row_, column)));
}

std::int64_t Statement::integer(int column) const {
  const char* p = PQgetvalue(result_, row_, column);
  const char* end = p + PQgetlength(result_, row_, column);
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(p, end, v);
  if (ec != std::errc() || ptr != end) throw PgError("PostgreSQL: column is not an integer", "");
  return v;
}

bool Statement::is_null(int column) const { return PQgetisnull(result_, row_, column) != 0; }

}  // namespace planetude::store::pg
