#include "services/planning/planning_service.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include "core/base64url.hpp"
#include "core/clock.hpp"
#include "core/errors.hpp"
#include "core/ids.hpp"
#include "services/planning/planning_ops.hpp"

namespace planetude {

namespace asio = boost::asio;
using store::PlanningRecord;
using store::SessionRecord;

namespace {

SessionRecord from_input(const models::SessionInput& in, std::string id, std::string statut) {
  return SessionRecord{std::move(id), in.matiere, in.debut, in.fin, in.statut.value_or(std::move(statut)), in.notes};
}

}  // namespace

std::string encode_planning_cursor(const store::PlanningQuery::Cursor& c) {
  return base64url::encode("v1:" + std::to_string(c.date_debut) + ":" + c.id);
}

std::optional<store::PlanningQuery::Cursor> decode_planning_cursor(std::string_view text) {
  std::string raw;
  if (text.size() > 200 || !base64url::decode(text, raw) || raw.rfind("v1:", 0) != 0) return std::nullopt;
  auto colon = raw.find(':', 3);
  if (colon == std::string::npos) return std::nullopt;
  store::PlanningQuery::Cursor c{};
  auto [p, ec] = std::from_chars(raw.data() + 3, raw.data() + colon, c.date_debut);
  if (ec != std::errc() || p != raw.data() + colon) return std::nullopt;
  c.id = raw.substr(colon + 1);
  if (!ids::is_valid(c.id)) return std::nullopt;
  return c;
}

asio::awaitable<PlanningRecord> PlanningService::create(store::UserRecord user, models::PlanningInput input,
                                                        std::string source) {
  PlanningRecord p = new_planning(user, input, std::move(source), clock::now_ms());
  co_await db_.write([&](store::Repos& r) { r.plannings().insert(p); });
  co_return p;
}

asio::awaitable<PlanningRecord> PlanningService::get(std::string user_id, std::string id) {
  if (!ids::is_valid(id)) throw errors::not_found();
  auto found = co_await db_.read([&](store::Repos& r) { return r.plannings().find(user_id, id); });
  if (!found) throw errors::not_found();
  co_return std::move(*found);
}

asio::awaitable<PlanningPage> PlanningService::list(std::string user_id, store::PlanningQuery query) {
  query.limit = std::clamp<std::size_t>(query.limit, 1, 100);  // a page always holds its last row
  auto rows = co_await db_.read([&](store::Repos& r) { return r.plannings().list(user_id, query); });
  PlanningPage page;
  if (rows.size() > query.limit) {
    rows.resize(query.limit);
    page.next_cursor = encode_planning_cursor({rows.back().date_debut, rows.back().id});
  }
  page.items = std::move(rows);
  co_return page;
}

asio::awaitable<PlanningRecord> PlanningService::replace(store::UserRecord user, std::string id,
                                                         models::PlanningInput input) {
  if (!ids::is_valid(id)) throw errors::not_found();
  const date::time_zone* tz = datetime::zone(user.timezone);
  co_return co_await db_.write([&](store::Repos& r) {
    auto existing = r.plannings().find(user.id, id);
    if (!existing) throw errors::not_found();
    std::map<std::string, const SessionRecord*> current;
    for (const auto& s : existing->sessions) current[s.id] = &s;

    PlanningRecord p = *existing;
    p.titre = input.titre;
    p.periode = datetime::period_name(input.periode);
    p.date_debut = input.date_debut;
    p.date_fin = datetime::add_period(input.date_debut, input.periode, tz);
    p.updated_at = clock::now_ms();
    p.sessions.clear();
    std::vector<FieldError> problems;
    std::set<std::string> seen;
    for (std::size_t i = 0; i < input.sessions.size(); ++i) {
      const auto& s = input.sessions[i];
      if (!s.id) {
        p.sessions.push_back(from_input(s, ids::generate(), "planifie"));
        continue;
      }
      auto it = current.find(*s.id);
      std::string path = "sessions[" + std::to_string(i) + "]._id";
      if (it == current.end()) problems.push_back({path, "ne correspond à aucune session de ce planning"});
      else if (!seen.insert(*s.id).second) problems.push_back({path, "apparaît plusieurs fois"});
      else p.sessions.push_back(from_input(s, *s.id, it->second->statut));
    }
    if (!problems.empty()) throw errors::validation(std::move(problems));
    models::check_planning_rules(p, session_paths(p.sessions.size()));
    sort_sessions(p);
    r.plannings().replace(p);
    return p;
  });
}

asio::awaitable<PlanningRecord> PlanningService::patch_session(std::string user_id, std::string id,
                                                               std::string session_id, models::SessionPatch patch) {
  if (!ids::is_valid(id) || !ids::is_valid(session_id)) throw errors::not_found();
  co_return co_await db_.write(
      [&](store::Repos& r) { return patch_session_in(r, user_id, id, session_id, patch, clock::now_ms()); });
}

asio::awaitable<void> PlanningService::remove(std::string user_id, std::string id) {
  if (!ids::is_valid(id)) throw errors::not_found();
  bool removed = co_await db_.write([&](store::Repos& r) { return r.plannings().remove(user_id, id); });
  if (!removed) throw errors::not_found();
}

}  // namespace planetude
