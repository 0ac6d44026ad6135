#include "services/progress/rest_day_service.hpp"

#include <map>

#include "core/clock.hpp"
#include "core/datetime.hpp"
#include "observability/log.hpp"

namespace planetude {

namespace asio = boost::asio;

namespace {

// PostgreSQL's date has no year 0: the widest range both backends read.
constexpr const char* kFirstDay = "0001-01-01";
constexpr const char* kLastDay = "9999-12-31";

std::string month_of(const std::string& day) { return day.substr(0, 7); }

std::string first_of_month(const std::string& month) { return month + "-01"; }
std::string last_of_month(const std::string& month) {
  auto first = datetime::parse_date(month + "-01");
  return datetime::format_date(date::year_month_day(first->year() / first->month() / date::last));
}

int days_off_in(const std::vector<store::RestDayRecord>& days, const std::string& month) {
  int n = 0;
  for (const auto& d : days)
    if (d.kind == "jour_off" && month_of(d.date) == month) ++n;
  return n;
}

DomainError quota_reached(const std::string& month) {
  return DomainError(ErrorKind::conflict, "rest_day_quota",
                     "Tu as déjà pris tes " + std::to_string(kDaysOffPerMonth) + " jours off du mois (" + month +
                         "). Retire-en un ou choisis « partiels » pour une semaine d'examens.");
}

}  // namespace

std::vector<std::string> rest_dates(store::Repos& repos, const std::string& user_id) {
  std::vector<std::string> out;
  for (auto& d : repos.rest_days().list(user_id, kFirstDay, kLastDay)) out.push_back(std::move(d.date));
  return out;
}

std::vector<std::string> days_off(store::Repos& repos, const std::string& user_id, const std::string& from,
                                  const std::string& to) {
  std::vector<std::string> out;
  for (auto& d : repos.rest_days().list(user_id, from, to))
    if (d.kind == "jour_off") out.push_back(std::move(d.date));
  return out;
}

asio::awaitable<std::vector<store::RestDayRecord>> RestDayService::mark(store::UserRecord user, RestDaySpan span) {
  auto from = datetime::parse_date(span.from);
  auto to = datetime::parse_date(span.to);
  if (!from || !to) throw errors::validation({{"du", "doit être une date réelle au format AAAA-MM-JJ"}});
  const std::int64_t now = clock::now_ms();
  auto today = datetime::local_day(now, datetime::zone(user.timezone));
  std::vector<FieldError> problems;
  if (date::sys_days(*to) < date::sys_days(*from))
    problems.push_back({"au", "doit être le même jour que « du » ou après"});
  else if ((date::sys_days(*to) - date::sys_days(*from)).count() + 1 > kMaxSpanDays)
    problems.push_back({"au", "une période de repos dure " + std::to_string(kMaxSpanDays) + " jours au plus"});
  if (date::sys_days(*from) < date::sys_days(datetime::add_days(today, -kRestDaysBack)))
    problems.push_back({"du", "ne peut pas remonter à plus de " + std::to_string(kRestDaysBack) + " jours"});
  if (date::sys_days(*to) > date::sys_days(datetime::add_days(today, kRestDaysAhead)))
    problems.push_back({"au", "ne peut pas dépasser un an à l'avance"});
  if (!problems.empty()) throw errors::validation(std::move(problems));

  std::vector<store::RestDayRecord> marked;
  for (auto d = date::sys_days(*from); d <= date::sys_days(*to); d += date::days(1))
    marked.push_back({datetime::format_date(date::year_month_day(d)), span.kind, now});

  co_await db_.write([&](store::Repos& r) {
    if (span.kind == "jour_off") {
      // Count per month what the month would hold after this write.
      std::map<std::string, int> adding;
      for (const auto& d : marked) ++adding[month_of(d.date)];
      for (const auto& [month, n] : adding) {
        auto existing = r.rest_days().list(user.id, first_of_month(month), last_of_month(month));
        int already_marked_here = 0;
        for (const auto& e : existing)
          if (e.kind == "jour_off" && e.date >= span.from && e.date <= span.to) ++already_marked_here;
        if (days_off_in(existing, month) - already_marked_here + n > kDaysOffPerMonth) throw quota_reached(month);
      }
    }
    for (const auto& d : marked) r.rest_days().put(user.id, d);
  });
  log::info("rest_days_marked",
            {{"user_id", user.id}, {"kind", span.kind}, {"days", static_cast<std::uint64_t>(marked.size())}});
  co_return marked;
}

asio::awaitable<RestDaysView> RestDayService::list(store::UserRecord user, std::string from, std::string to) {
  auto today = datetime::format_date(datetime::local_day(clock::now_ms(), datetime::zone(user.timezone)));
  std::string month = month_of(today);
  co_return co_await db_.read([&](store::Repos& r) {
    RestDaysView v;
    v.days = r.rest_days().list(user.id, from, to);
    v.days_off_left_this_month =
        kDaysOffPerMonth - days_off_in(r.rest_days().list(user.id, first_of_month(month), last_of_month(month)), month);
    if (v.days_off_left_this_month < 0) v.days_off_left_this_month = 0;
    return v;
  });
}

asio::awaitable<void> RestDayService::unmark(std::string user_id, std::string date) {
  if (!datetime::parse_date(date)) throw errors::not_found();
  bool removed = co_await db_.write([&](store::Repos& r) { return r.rest_days().remove(user_id, date); });
  if (!removed) throw errors::not_found();
}

}  // namespace planetude
