#include "services/progress/progress_service.hpp"

#include <boost/json.hpp>

#include <algorithm>

#include "core/clock.hpp"
#include "core/datetime.hpp"
#include "core/errors.hpp"
#include "core/ids.hpp"
#include "services/progress/rest_day_service.hpp"

namespace planetude {

namespace asio = boost::asio;
namespace json = boost::json;
using store::ProgressRecord;

namespace {

std::string today_in(const std::string& timezone) {
  return datetime::format_date(datetime::local_day(clock::now_ms(), datetime::zone(timezone)));
}

DomainError already_completed() {
  return errors::conflict("already_completed", "Cette session est déjà marquée comme terminée.");
}

}  // namespace

std::string ProgressService::today_for(const store::UserRecord& user) { return today_in(user.timezone); }

asio::awaitable<ProgressRecord> ProgressService::record(store::UserRecord user, models::ProgressInput input) {
  ProgressRecord e;
  e.id = ids::generate();
  e.user_id = user.id;
  e.created_at = clock::now_ms();
  if (input.free) {
    const auto& f = *input.free;
    e.date = f.date ? *f.date : today_in(user.timezone);
    e.sessions_completees = f.sessions_completees;
    e.temps_etudie = f.temps_etudie;
    e.notes = f.notes;
    e.matiere = f.matiere;
    co_await db_.write([&](store::Repos& r) { r.progress().insert(e); });
    co_return e;
  }

  const auto& linked = *input.linked;
  const date::time_zone* tz = datetime::zone(user.timezone);
  bool conflict = false;
  try {
    co_await db_.write([&](store::Repos& r) {
      auto planning = r.plannings().find(user.id, linked.planning_id);
      if (!planning) throw errors::not_found();
      auto session = std::find_if(planning->sessions.begin(), planning->sessions.end(),
                                  [&](const store::SessionRecord& s) { return s.id == linked.session_id; });
      if (session == planning->sessions.end()) throw errors::not_found();
      if (r.progress().find_by_session(session->id)) throw already_completed();
      e.date = datetime::format_date(datetime::local_day(session->debut, tz));
      auto minutes = std::clamp<std::int64_t>((session->fin - session->debut) / 60000, 1, 1440);
      e.temps_etudie = linked.temps_etudie.value_or(static_cast<int>(minutes));
      e.sessions_completees = 1;
      e.notes = linked.notes;
      e.matiere = session->matiere;
      e.planning_id = planning->id;
      e.session_id = session->id;
      r.progress().insert(e);  // the UNIQUE session_id refuses a concurrent second completion
      r.plannings().set_session_status(session->id, "termine", e.created_at);
    });
  } catch (const store::Conflict&) {
    conflict = true;
  }
  if (conflict) throw already_completed();
  co_return e;
}

asio::awaitable<ProgressReport> ProgressService::report(store::UserRecord user, std::optional<std::string> from,
                                                        std::optional<std::string> to) {
  std::string today = today_in(user.timezone);
  std::string to_day = to.value_or(today);
  std::string from_day = from ? *from : datetime::format_date(datetime::add_days(*datetime::parse_date(to_day), -29));
  if (from_day > to_day) throw errors::validation({{"from", "doit être antérieure ou égale à « to »"}});

  ProgressReport out = co_await db_.read([&](store::Repos& r) {
    return ProgressReport{r.progress().list(user.id, from_day, to_day), r.progress().active_days(user.id),
                          rest_dates(r, user.id), today};
  });
  co_return out;
}

asio::awaitable<void> ProgressService::remove(std::string user_id, std::string id) {
  if (!ids::is_valid(id)) throw errors::not_found();
  bool removed = co_await db_.write([&](store::Repos& r) {
    auto entry = r.progress().find(user_id, id);
    if (!entry) return false;
    r.progress().remove(user_id, id);
    // Undoing a completion puts the session back in the plan, in the same transaction.
    if (entry->session_id) r.plannings().set_session_status(*entry->session_id, "planifie", clock::now_ms());
    return true;
  });
  if (!removed) throw errors::not_found();
}

}  // namespace planetude
