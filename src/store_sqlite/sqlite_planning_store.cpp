#include <boost/json.hpp>

#include <map>

#include "store/row_readers.hpp"
#include "store_sqlite/connection.hpp"
#include "store_sqlite/data_version.hpp"
#include "store_sqlite/sqlite_stores.hpp"

namespace planetude::store::sqlite {

using rows::read_planning;
using rows::read_session;

namespace {

constexpr std::string_view kPlanningColumns =
    "id, user_id, titre, periode, date_debut, date_fin, source, created_at, updated_at";

// A JSON array of the ids, for `IN (SELECT value FROM json_each(?))`: one SQL text whatever the
// number of ids, so the connection's statement cache keeps it.
template <typename Range, typename Id>
std::string json_ids(const Range& items, Id id_of) {
  boost::json::array ids;
  for (const auto& item : items) ids.emplace_back(id_of(item));
  return boost::json::serialize(ids);
}

void bind_optional_text(Statement& st, int index, const std::optional<std::string>& v) {
  if (v) st.bind(index, *v);
  else st.bind_null(index);
}

}  // namespace

void SqlitePlanningStore::load_sessions(std::vector<PlanningRecord>& plannings) {
  if (plannings.empty()) return;
  std::map<std::string, PlanningRecord*, std::less<>> by_id;
  for (auto& p : plannings) by_id[p.id] = &p;
  auto st = c_.prepare(
      "SELECT planning_id, id, matiere, debut, fin, statut, notes FROM sessions "
      "WHERE planning_id IN (SELECT value FROM json_each(?)) ORDER BY debut, id");
  st.bind(1, json_ids(plannings, [](const PlanningRecord& p) { return p.id; }));
  while (st.step()) by_id[st.text(0)]->sessions.push_back(read_session(st, 1));
}

std::optional<PlanningRecord> SqlitePlanningStore::find(const std::string& user_id, const std::string& id) {
  auto st = c_.prepare("SELECT " + std::string(kPlanningColumns) + " FROM plannings WHERE id = ? AND user_id = ?");
  st.bind(1, id).bind(2, user_id);
  if (!st.step()) return std::nullopt;
  std::vector<PlanningRecord> one{read_planning(st)};
  load_sessions(one);
  return std::move(one.front());
}

void SqlitePlanningStore::insert_sessions(const PlanningRecord& p) {
  // Upsert: a kept session keeps its row, so progress entries that point at it stay linked.
  auto st = c_.prepare(
      "INSERT INTO sessions (id, planning_id, user_id, matiere, debut, fin, statut, notes) VALUES (?, ?, ?, ?, ?, ?, "
      "?, ?) "
      "ON CONFLICT (id) DO UPDATE SET matiere = excluded.matiere, debut = excluded.debut, fin = excluded.fin, "
      "statut = excluded.statut, notes = excluded.notes WHERE sessions.planning_id = excluded.planning_id");
  for (const auto& s : p.sessions) {
    st.bind(1, s.id)
        .bind(2, p.id)
        .bind(3, p.user_id)
        .bind(4, s.matiere)
        .bind(5, s.debut)
        .bind(6, s.fin)
        .bind(7, s.statut);
    bind_optional_text(st, 8, s.notes);
    st.run();
    st.reset();
  }
}

void SqlitePlanningStore::insert(const PlanningRecord& p) {
  auto st =
      c_.prepare("INSERT INTO plannings (" + std::string(kPlanningColumns) + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  st.bind(1, p.id).bind(2, p.user_id);
  bind_optional_text(st, 3, p.titre);
  st.bind(4, p.periode)
      .bind(5, p.date_debut)
      .bind(6, p.date_fin)
      .bind(7, p.source)
      .bind(8, p.created_at)
      .bind(9, p.updated_at);
  st.run();
  insert_sessions(p);
  bump_data_version(c_, p.user_id);
}

void SqlitePlanningStore::replace(const PlanningRecord& p) {
  auto st = c_.prepare(
      "UPDATE plannings SET titre = ?, periode = ?, date_debut = ?, date_fin = ?, source = ?, updated_at = ? "
      "WHERE id = ? AND user_id = ?");
  bind_optional_text(st, 1, p.titre);
  st.bind(2, p.periode)
      .bind(3, p.date_debut)
      .bind(4, p.date_fin)
      .bind(5, p.source)
      .bind(6, p.updated_at)
      .bind(7, p.id)
      .bind(8, p.user_id);
  // No planning of this user by that id (absent, or someone else's): its sessions are not ours to
  // delete or add to either.
  if (st.run() == 0) return;
  // Remove the sessions that are no longer listed, then write the others.
  c_.prepare("DELETE FROM sessions WHERE planning_id = ? AND id NOT IN (SELECT value FROM json_each(?))")
      .bind(1, p.id)
      .bind(2, json_ids(p.sessions, [](const SessionRecord& s) { return s.id; }))
      .run();
  insert_sessions(p);
  bump_data_version(c_, p.user_id);
}

bool SqlitePlanningStore::remove(const std::string& user_id, const std::string& id) {
  if (c_.prepare("DELETE FROM plannings WHERE id = ? AND user_id = ?").bind(1, id).bind(2, user_id).run() == 0)
    return false;
  bump_data_version(c_, user_id);
  return true;
}

std::vector<PlanningRecord> SqlitePlanningStore::list(const std::string& user_id, const PlanningQuery& q) {
  std::string sql = "SELECT " + std::string(kPlanningColumns) + " FROM plannings WHERE user_id = ?";
  if (q.periode) sql += " AND periode = ?";
  if (q.from_ms) sql += " AND date_fin > ?";
  if (q.to_excl_ms) sql += " AND date_debut < ?";
  if (q.after) sql += " AND (date_debut < ? OR (date_debut = ? AND id < ?))";
  sql += " ORDER BY date_debut DESC, id DESC LIMIT ?";
  auto st = c_.prepare(sql);
  int i = 1;
  st.bind(i++, user_id);
  if (q.periode) st.bind(i++, *q.periode);
  if (q.from_ms) st.bind(i++, *q.from_ms);
  if (q.to_excl_ms) st.bind(i++, *q.to_excl_ms);
  if (q.after) {
    st.bind(i, q.after->date_debut).bind(i + 1, q.after->date_debut).bind(i + 2, q.after->id);
    i += 3;
  }
  st.bind(i++, static_cast<std::int64_t>(q.limit + 1));
  std::vector<PlanningRecord> out;
  while (st.step()) out.push_back(read_planning(st));
  load_sessions(out);
  return out;
}

std::vector<PlanningRecord> SqlitePlanningStore::list_all(const std::string& user_id) {
  auto st = c_.prepare("SELECT " + std::string(kPlanningColumns) +
                       " FROM plannings WHERE user_id = ? ORDER BY date_debut DESC, id DESC");
  st.bind(1, user_id);
  std::vector<PlanningRecord> out;
  while (st.step()) out.push_back(read_planning(st));
  load_sessions(out);
  return out;
}

std::vector<PlanningRecord> SqlitePlanningStore::sessions_ending_after(const std::string& user_id,
                                                                       std::int64_t min_fin_ms) {
  auto st = c_.prepare(
      "SELECT p.id, p.user_id, p.titre, p.periode, p.date_debut, p.date_fin, p.source, p.created_at, p.updated_at, "
      "s.id, s.matiere, s.debut, s.fin, s.statut, s.notes FROM sessions s JOIN plannings p ON p.id = s.planning_id "
      "WHERE s.user_id = ? AND s.fin >= ? ORDER BY s.debut, s.id");
  st.bind(1, user_id).bind(2, min_fin_ms);
  std::vector<PlanningRecord> out;
  while (st.step()) {
    PlanningRecord p = read_planning(st);
    p.sessions.push_back(read_session(st, 9));
    out.push_back(std::move(p));
  }
  return out;
}

void SqlitePlanningStore::set_session_status(const std::string& session_id, const std::string& statut,
                                             std::int64_t now_ms) {
  c_.prepare("UPDATE sessions SET statut = ? WHERE id = ?").bind(1, statut).bind(2, session_id).run();
  bump_data_version_of_session(c_, session_id);
  c_.prepare("UPDATE plannings SET updated_at = ? WHERE id = (SELECT planning_id FROM sessions WHERE id = ?)")
      .bind(1, now_ms)
      .bind(2, session_id)
      .run();
}

std::optional<std::string> SqlitePlanningStore::planning_of_session(const std::string& user_id,
                                                                    const std::string& session_id) {
  auto st = c_.prepare("SELECT planning_id FROM sessions WHERE id = ? AND user_id = ?");
  st.bind(1, session_id).bind(2, user_id);
  if (!st.step()) return std::nullopt;
  return st.text(0);
}

}  // namespace planetude::store::sqlite
