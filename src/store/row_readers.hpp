// Records read from a result row, the same for every SQL backend: a `Row` is a backend's prepared
// statement positioned on a row (text(i), integer(i), is_null(i), columns from 0; step() for
// read_user), selecting the columns in the order each function says. Lists are stored as JSON text.
#pragma once
#include <boost/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "store/records.hpp"

namespace planetude::store::rows {

inline std::string to_json_list(const std::vector<std::string>& items) {
  boost::json::array a;
  for (const auto& s : items) a.emplace_back(s);
  return boost::json::serialize(a);
}

inline std::vector<std::string> from_json_list(const std::string& text) {
  std::vector<std::string> out;
  boost::json::value parsed = boost::json::parse(text);  // kept alive for the loop below
  for (const auto& v : parsed.as_array()) out.emplace_back(v.as_string());
  return out;
}

template <class Row>
std::optional<UserRecord> read_user(Row& st) {
  if (!st.step()) return std::nullopt;
  UserRecord u;
  u.id = st.text(0);
  u.email = st.text(1);
  u.password_hash = st.text(2);
  u.name = st.text(3);
  u.themes = from_json_list(st.text(4));
  u.matieres = from_json_list(st.text(5));
  u.timezone = st.text(6);
  u.created_at = st.integer(7);
  u.updated_at = st.integer(8);
  u.tokens_not_before = st.integer(9);
  if (!st.is_null(10)) u.weekly_goal_minutes = st.integer(10);
  u.data_version = st.integer(11);
  return u;
}

template <class Row>
PlanningRecord read_planning(const Row& st) {
  PlanningRecord p;
  p.id = st.text(0);
  p.user_id = st.text(1);
  if (!st.is_null(2)) p.titre = st.text(2);
  p.periode = st.text(3);
  p.date_debut = st.integer(4);
  p.date_fin = st.integer(5);
  p.source = st.text(6);
  p.created_at = st.integer(7);
  p.updated_at = st.integer(8);
  return p;
}

template <class Row>
// Columns: id, matiere, debut, fin, statut, notes, starting at `first`.
SessionRecord read_session(const Row& st, int first) {
  SessionRecord s;
  s.id = st.text(first);
  s.matiere = st.text(first + 1);
  s.debut = st.integer(first + 2);
  s.fin = st.integer(first + 3);
  s.statut = st.text(first + 4);
  if (!st.is_null(first + 5)) s.notes = st.text(first + 5);
  return s;
}

template <class Row>
std::optional<std::string> optional_text(const Row& st, int column) {
  if (st.is_null(column)) return std::nullopt;
  return st.text(column);
}

template <class Row>
ProgressRecord read_entry(const Row& st) {
  ProgressRecord e;
  e.id = st.text(0);
  e.user_id = st.text(1);
  e.date = st.text(2);
  e.sessions_completees = static_cast<int>(st.integer(3));
  e.temps_etudie = static_cast<int>(st.integer(4));
  e.notes = st.text(5);
  e.matiere = optional_text(st, 6);
  e.planning_id = optional_text(st, 7);
  e.session_id = optional_text(st, 8);
  e.created_at = st.integer(9);
  return e;
}

template <class Row>
ChatMessageRecord read_message(const Row& st) {
  ChatMessageRecord m;
  m.seq = st.integer(0);
  m.id = st.text(1);
  m.user_id = st.text(2);
  m.role = st.text(3);
  m.content = st.text(4);
  if (!st.is_null(5)) m.source = st.text(5);
  m.created_at = st.integer(6);
  return m;
}

template <class Row>
ProposalRecord read_proposal(const Row& st) {
  ProposalRecord p;
  p.id = st.text(0);
  p.user_id = st.text(1);
  p.message_id = st.text(2);
  p.type = st.text(3);
  p.summary = st.text(4);
  p.payload = st.text(5);
  p.origin = st.text(6);
  p.status = st.text(7);
  p.created_at = st.integer(8);
  p.updated_at = st.integer(9);
  return p;
}

// Columns: user_id, name, imported_at, event_count, first_start, last_end.
template <class Row>
TimetableImportRecord read_timetable_import(const Row& st) {
  TimetableImportRecord t;
  t.user_id = st.text(0);
  if (!st.is_null(1)) t.name = st.text(1);
  t.imported_at = st.integer(2);
  t.event_count = st.integer(3);
  if (!st.is_null(4)) t.first_start = st.integer(4);
  if (!st.is_null(5)) t.last_end = st.integer(5);
  return t;
}

// Columns: date (YYYY-MM-DD), kind, created_at.
template <class Row>
RestDayRecord read_rest_day(const Row& st) {
  return RestDayRecord{st.text(0), st.text(1), st.integer(2)};
}

// Columns: id, title, location, debut, fin, all_day (0/1), exam (0/1).
template <class Row>
TimetableEventRecord read_timetable_event(const Row& st) {
  TimetableEventRecord e;
  e.id = st.text(0);
  e.title = st.text(1);
  e.location = st.text(2);
  e.debut = st.integer(3);
  e.fin = st.integer(4);
  e.all_day = st.integer(5) != 0;
  e.exam = st.integer(6) != 0;
  return e;
}

}  // namespace planetude::store::rows
