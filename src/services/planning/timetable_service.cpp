#include "services/planning/timetable_service.hpp"

#include "core/clock.hpp"
#include "core/datetime.hpp"
#include "core/errors.hpp"
#include "core/ids.hpp"
#include "ical/timetable_import.hpp"
#include "observability/log.hpp"

namespace planetude {

namespace asio = boost::asio;

namespace {

// Exams listed in a summary: enough for a term's worth, never the whole file.
constexpr std::size_t kMaxExamsListed = 50;

std::vector<store::TimetableEventRecord> to_records(const std::vector<ical::BusyEvent>& busy) {
  std::vector<store::TimetableEventRecord> out;
  out.reserve(busy.size());
  for (const auto& b : busy)
    out.push_back({ids::generate(), b.title, b.location, b.debut, b.fin, b.all_day, ical::looks_like_exam(b.title)});
  return out;
}

}  // namespace

std::vector<store::TimetableEventRecord> upcoming_timetable_exams(store::Repos& repos, const std::string& user_id,
                                                                  std::int64_t now_ms) {
  std::vector<store::TimetableEventRecord> exams;
  for (auto& e : repos.timetable().events_between(user_id, now_ms, now_ms + kTimetableAheadMs)) {
    if (!e.exam) continue;
    exams.push_back(std::move(e));
    if (exams.size() == kMaxExamsListed) break;
  }
  return exams;
}

asio::awaitable<models::TimetableSummary> TimetableService::import(store::UserRecord user, std::string ics,
                                                                   std::optional<std::string> name) {
  const std::int64_t now = clock::now_ms();
  const date::time_zone* tz = datetime::zone(user.timezone);
  // libical's parse and the expansion of recurrences take milliseconds for a big file: not on an I/O thread.
  auto parsed = co_await cpu_pool_.run([&]() -> std::variant<std::vector<ical::BusyEvent>, ical::ImportError> {
    try {
      return ical::read_timetable(ics, {now - kTimetablePastMs, now + kTimetableAheadMs}, tz,
                                  {kTimetableMaxBytes, kTimetableMaxEvents});
    } catch (const ical::ImportError& e) {
      return e;
    }
  });
  if (auto* refused = std::get_if<ical::ImportError>(&parsed))
    throw DomainError(ErrorKind::invalid_input, refused->code(), refused->what());
  auto events = to_records(std::get<0>(parsed));

  store::TimetableImportRecord timetable;
  timetable.user_id = user.id;
  timetable.name = std::move(name);
  timetable.imported_at = now;
  timetable.event_count = static_cast<std::int64_t>(events.size());
  for (const auto& e : events) {
    if (!timetable.first_start || e.debut < *timetable.first_start) timetable.first_start = e.debut;
    if (!timetable.last_end || e.fin > *timetable.last_end) timetable.last_end = e.fin;
  }
  models::TimetableSummary summary{timetable, {}};
  for (const auto& e : events)
    if (e.exam && e.fin > now && summary.exams.size() < kMaxExamsListed) summary.exams.push_back(e);

  co_await db_.write([&](store::Repos& r) { r.timetable().replace(timetable, events); });
  log::info("timetable_imported", {{"user_id", user.id}, {"events", static_cast<std::uint64_t>(events.size())}});
  co_return summary;
}

asio::awaitable<TimetableView> TimetableService::view(std::string user_id, std::int64_t from_ms, std::int64_t to_ms) {
  const std::int64_t now = clock::now_ms();
  co_return co_await db_.read([&](store::Repos& r) {
    TimetableView v;
    if (auto t = r.timetable().find(user_id)) {
      v.summary = models::TimetableSummary{std::move(*t), upcoming_timetable_exams(r, user_id, now)};
      v.events = r.timetable().events_between(user_id, from_ms, to_ms);
    }
    return v;
  });
}

asio::awaitable<void> TimetableService::remove(std::string user_id) {
  bool removed = co_await db_.write([&](store::Repos& r) { return r.timetable().remove(user_id); });
  if (removed) log::info("timetable_removed", {{"user_id", user_id}});
}

}  // namespace planetude
