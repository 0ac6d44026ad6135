#include <map>

#include "store/row_readers.hpp"
#include "store_pg/connection.hpp"
#include "store_pg/data_version.hpp"
#include "store_pg/pg_stores.hpp"

namespace planetude::store::pg {

using rows::read_planning;
using rows::read_session;

namespace {

// Instants are timestamptz, read back as milliseconds. Ids are compared and sorted COLLATE "C"
// (byte order, as SQLite does) whatever the database's collation.
constexpr std::string_view kSelect =
    "SELECT id, user_id, titre, periode, ts_to_ms(date_debut), ts_to_ms(date_fin), source, ts_to_ms(created_at), "
    "ts_to_ms(updated_at) FROM plannings";

// kSelect and the rest of the query (appended: GCC 12 warns falsely on string_view + literal here).
std::string select_plannings(std::string_view rest) {
  std::string sql;
  sql.reserve(kSelect.size() + rest.size());
  sql.append(kSelect).append(rest);
  return sql;
}

template <typename Range, typename Id>
std::string ids_array(const Range& items, Id id_of) {
  std::vector<std::string> ids;
  ids.reserve(items.size());
  for (const auto& item : items) ids.push_back(id_of(item));
  return text_array(ids);
}

}  // namespace

void PgPlanningStore::load_sessions(std::vector<PlanningRecord>& plannings) {
  if (plannings.empty()) return;
  std::map<std::string, PlanningRecord*, std::less<>> by_id;
  for (auto& p : plannings) by_id[p.id] = &p;
  auto st = c_.prepare(
      "SELECT planning_id, id, matiere, ts_to_ms(debut), ts_to_ms(fin), statut, notes FROM sessions "
      "WHERE planning_id = ANY($1::text[]) ORDER BY debut, id COLLATE \"C\"");
  const std::string ids = ids_array(plannings, [](const PlanningRecord& p) { return p.id; });
  st.bind(1, std::string_view(ids));
  while (st.step()) by_id[st.text(0)]->sessions.push_back(read_session(st, 1));
}

std::optional<PlanningRecord> PgPlanningStore::find(const std::string& user_id, const std::string& id) {
  auto st = c_.prepare(select_plannings(" WHERE id = $1 AND user_id = $2"));
  st.bind(1, std::string_view(id)).bind(2, std::string_view(user_id));
  if (!st.step()) return std::nullopt;
  std::vector<PlanningRecord> one{read_planning(st)};
  load_sessions(one);
  return std::move(one.front());
}

void PgPlanningStore::insert_sessions(const PlanningRecord& p) {
  // Upsert: a kept session keeps its row, so progress entries that point at it stay linked. A
  // session id of another planning is left alone (the WHERE), not taken over.
  auto st = c_.prepare(
      "INSERT INTO sessions (id, planning_id, user_id, matiere, debut, fin, statut, notes) "
      "VALUES ($1, $2, $3, $4, ms_to_ts($5::bigint), ms_to_ts($6::bigint), $7, $8) "
      "ON CONFLICT (id) DO UPDATE SET matiere = excluded.matiere, debut = excluded.debut, fin = excluded.fin, "
      "statut = excluded.statut, notes = excluded.notes WHERE sessions.planning_id = excluded.planning_id");
  for (const auto& s : p.sessions) {
    st.bind(1, std::string_view(s.id))
        .bind(2, std::string_view(p.id))
        .bind(3, std::string_view(p.user_id))
        .bind(4, std::string_view(s.matiere))
        .bind(5, s.debut)
        .bind(6, s.fin)
        .bind(7, std::string_view(s.statut))
        .bind(8, s.notes);
    st.run();
    st.reset();
  }
}

void PgPlanningStore::insert(const PlanningRecord& p) {
  c_.prepare(
        "INSERT INTO plannings (id, user_id, titre, periode, date_debut, date_fin, source, created_at, updated_at) "
        "VALUES ($1, $2, $3, $4, ms_to_ts($5::bigint), ms_to_ts($6::bigint), $7, ms_to_ts($8::bigint), "
        "ms_to_ts($9::bigint))")
      .bind(1, std::string_view(p.id))
      .bind(2, std::string_view(p.user_id))
      .bind(3, p.titre)
      .bind(4, std::string_view(p.periode))
      .bind(5, p.date_debut)
      .bind(6, p.date_fin)
      .bind(7, std::string_view(p.source))
      .bind(8, p.created_at)
      .bind(9, p.updated_at)
      .run();
  insert_sessions(p);
  bump_data_version(c_, p.user_id);
}

void PgPlanningStore::replace(const PlanningRecord& p) {
  auto st = c_.prepare(
      "UPDATE plannings SET titre = $1, periode = $2, date_debut = ms_to_ts($3::bigint), "
      "date_fin = ms_to_ts($4::bigint), source = $5, updated_at = ms_to_ts($6::bigint) WHERE id = $7 AND user_id = $8");
  st.bind(1, p.titre)
      .bind(2, std::string_view(p.periode))
      .bind(3, p.date_debut)
      .bind(4, p.date_fin)
      .bind(5, std::string_view(p.source))
      .bind(6, p.updated_at)
      .bind(7, std::string_view(p.id))
      .bind(8, std::string_view(p.user_id));
  // No planning of this user by that id (absent, or someone else's): its sessions are not ours to
  // delete or add to either.
  if (st.run() == 0) return;
  // Remove the sessions that are no longer listed (all of them for an empty list), then write the others.
  const std::string kept = ids_array(p.sessions, [](const SessionRecord& s) { return s.id; });
  c_.prepare("DELETE FROM sessions WHERE planning_id = $1 AND id <> ALL($2::text[])")
      .bind(1, std::string_view(p.id))
      .bind(2, std::string_view(kept))
      .run();
  insert_sessions(p);
  bump_data_version(c_, p.user_id);
}

bool PgPlanningStore::remove(const std::string& user_id, const std::string& id) {
  if (c_.prepare("DELETE FROM plannings WHERE id = $1 AND user_id = $2")
          .bind(1, std::string_view(id))
          .bind(2, std::string_view(user_id))
          .run() == 0)
    return false;
  bump_data_version(c_, user_id);
  return true;
}

std::vector<PlanningRecord> PgPlanningStore::list(const std::string& user_id, const PlanningQuery& q) {
  // The SQL names only the filters in use, so there are at most 16 texts to prepare.
  int n = 1;
  auto param = [&n](std::string_view cast) { return "$" + std::to_string(n++) + std::string(cast); };
  std::string sql = select_plannings(" WHERE user_id = ");
  sql += param("");
  if (q.periode) sql += " AND periode = " + param("::text");
  if (q.from_ms) sql += " AND date_fin > ms_to_ts(" + param("::bigint") + ")";
  if (q.to_excl_ms) sql += " AND date_debut < ms_to_ts(" + param("::bigint") + ")";
  if (q.after) {
    std::string start = param("::bigint");
    sql += " AND (date_debut, id COLLATE \"C\") < (ms_to_ts(" + start + "), " + param("::text") + ")";
  }
  sql += " ORDER BY date_debut DESC, id COLLATE \"C\" DESC LIMIT " + param("::bigint");
  auto st = c_.prepare(sql);
  int i = 1;
  st.bind(i++, std::string_view(user_id));
  if (q.periode) st.bind(i++, std::string_view(*q.periode));
  if (q.from_ms) st.bind(i++, *q.from_ms);
  if (q.to_excl_ms) st.bind(i++, *q.to_excl_ms);
  if (q.after) {
    st.bind(i, q.after->date_debut).bind(i + 1, std::string_view(q.after->id));
    i += 2;
  }
  st.bind(i++, static_cast<std::int64_t>(q.limit + 1));
  std::vector<PlanningRecord> out;
  while (st.step()) out.push_back(read_planning(st));
  load_sessions(out);
  return out;
}

std::vector<PlanningRecord> PgPlanningStore::list_all(const std::string& user_id) {
  auto st = c_.prepare(select_plannings(" WHERE user_id = $1 ORDER BY date_debut DESC, id COLLATE \"C\" DESC"));
  st.bind(1, std::string_view(user_id));
  std::vector<PlanningRecord> out;
  while (st.step()) out.push_back(read_planning(st));
  load_sessions(out);
  return out;
}

std::vector<PlanningRecord> PgPlanningStore::sessions_ending_after(const std::string& user_id,
                                                                   std::int64_t min_fin_ms) {
  auto st = c_.prepare(
      "SELECT p.id, p.user_id, p.titre, p.periode, ts_to_ms(p.date_debut), ts_to_ms(p.date_fin), p.source, "
      "ts_to_ms(p.created_at), ts_to_ms(p.updated_at), s.id, s.matiere, ts_to_ms(s.debut), ts_to_ms(s.fin), s.statut, "
      "s.notes FROM sessions s JOIN plannings p ON p.id = s.planning_id "
      "WHERE s.user_id = $1 AND s.fin >= ms_to_ts($2::bigint) ORDER BY s.debut, s.id COLLATE \"C\"");
  st.bind(1, std::string_view(user_id)).bind(2, min_fin_ms);
  std::vector<PlanningRecord> out;
  while (st.step()) {
    PlanningRecord p = read_planning(st);
    p.sessions.push_back(read_session(st, 9));
    out.push_back(std::move(p));
  }
  return out;
}

void PgPlanningStore::set_session_status(const std::string& session_id, const std::string& statut,
                                         std::int64_t now_ms) {
  c_.prepare("UPDATE sessions SET statut = $1 WHERE id = $2")
      .bind(1, std::string_view(statut))
      .bind(2, std::string_view(session_id))
      .run();
  bump_data_version_of_session(c_, session_id);
  c_.prepare(
        "UPDATE plannings SET updated_at = ms_to_ts($1::bigint) WHERE id = (SELECT planning_id FROM sessions WHERE id "
        "= $2)")
      .bind(1, now_ms)
      .bind(2, std::string_view(session_id))
      .run();
}

std::optional<std::string> PgPlanningStore::planning_of_session(const std::string& user_id,
                                                                const std::string& session_id) {
  auto st = c_.prepare("SELECT planning_id FROM sessions WHERE id = $1 AND user_id = $2");
  st.bind(1, std::string_view(session_id)).bind(2, std::string_view(user_id));
  if (!st.step()) return std::nullopt;
  return st.text(0);
}

}  // namespace planetude::store::pg
