#include "core/datetime.hpp"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace planetude::datetime {

using namespace std::chrono;

namespace {

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

std::optional<date::year_month_day> ymd_at(std::string_view s) {
  int y, m, d;
  if (s.size() < 10 || !digits(s, 0, 4, y) || s[4] != '-' || !digits(s, 5, 2, m) || s[7] != '-' || !digits(s, 8, 2, d))
    return std::nullopt;
  date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(m)}, date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || y < 1900) return std::nullopt;
  return ymd;
}

}  // namespace

std::optional<date::year_month_day> parse_date(std::string_view text) {
  if (text.size() != 10) return std::nullopt;
  return ymd_at(text);
}

std::optional<Millis> parse_datetime(std::string_view s) {
  auto ymd = ymd_at(s);
  if (!ymd || s.size() < 16 || (s[10] != 'T' && s[10] != 't')) return std::nullopt;
  int hh, mm, ss = 0;
  if (!digits(s, 11, 2, hh) || s[13] != ':' || !digits(s, 14, 2, mm) || hh > 23 || mm > 59) return std::nullopt;
  std::size_t pos = 16;
  Millis fraction_ms = 0;
  if (pos < s.size() && s[pos] == ':') {
    if (!digits(s, pos + 1, 2, ss) || ss > 59) return std::nullopt;
    pos += 3;
    if (pos < s.size() && s[pos] == '.') {
      std::size_t start = ++pos;
      while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
        if (pos - start < 3) fraction_ms = fraction_ms * 10 + (s[pos] - '0');
        ++pos;
      }
      if (pos == start || pos - start > 9) return std::nullopt;
      for (std::size_t n = pos - start; n < 3; ++n) fraction_ms *= 10;
    }
  }
  if (pos >= s.size()) return std::nullopt;  // the offset is required
  int offset_minutes = 0;
  if ((s[pos] == 'Z' || s[pos] == 'z') && pos + 1 == s.size()) {
    offset_minutes = 0;
  } else if ((s[pos] == '+' || s[pos] == '-') && pos + 6 == s.size()) {
    int oh, om;
    if (!digits(s, pos + 1, 2, oh) || s[pos + 3] != ':' || !digits(s, pos + 4, 2, om) || oh > 23 || om > 59)
      return std::nullopt;
    offset_minutes = (oh * 60 + om) * (s[pos] == '-' ? -1 : 1);
  } else {
    return std::nullopt;
  }
  auto local = date::sys_days(*ymd) + hours(hh) + minutes(mm) + seconds(ss) + milliseconds(fraction_ms);
  return duration_cast<milliseconds>((local - minutes(offset_minutes)).time_since_epoch()).count();
}

std::string format_date(const date::year_month_day& day) { return date::format("%F", day); }

const date::time_zone* zone(std::string_view name) { return date::locate_zone(name); }

Millis start_of_day(const date::year_month_day& day, const date::time_zone* tz) {
  auto local = date::local_days(day);
  auto sys = tz->to_sys(date::local_time<milliseconds>(local), date::choose::earliest);
  return sys.time_since_epoch().count();
}

date::year_month_day local_day(Millis instant, const date::time_zone* tz) {
  auto local = tz->to_local(date::sys_time<milliseconds>(milliseconds(instant)));
  return date::year_month_day(date::floor<date::days>(local));
}

date::year_month_day add_days(const date::year_month_day& day, int days) {
  return date::year_month_day(date::sys_days(day) + date::days(days));
}

std::optional<Period> parse_period(std::string_view name) {
  if (name == "jour") return Period::jour;
  if (name == "semaine") return Period::semaine;
  if (name == "mois") return Period::mois;
  if (name == "semestre") return Period::semestre;
  return std::nullopt;
}

const char* period_name(Period p) {
  switch (p) {
    case Period::jour: return "jour";
    case Period::semaine: return "semaine";
    case Period::mois: return "mois";
    case Period::semestre: return "semestre";
  }
  return "jour";
}

Millis add_period(Millis start, Period period, const date::time_zone* tz) {
  auto local = tz->to_local(date::sys_time<milliseconds>(milliseconds(start)));
  auto day = date::floor<date::days>(local);
  auto time_of_day = local - day;
  date::year_month_day ymd(day);
  date::year_month_day target = ymd;
  switch (period) {
    case Period::jour: target = add_days(ymd, 1); break;
    case Period::semaine: target = add_days(ymd, 7); break;
    case Period::mois:
    case Period::semestre: {
      auto ym = date::year_month(ymd.year(), ymd.month()) + date::months(period == Period::mois ? 1 : 6);
      date::year_month_day_last last(ym.year(), date::month_day_last(ym.month()));
      target = date::year_month_day(ym.year(), ym.month(), std::min(ymd.day(), last.day()));
      break;
    }
  }
  auto end_local = date::local_days(target) + time_of_day;
  // A clock time that the DST change skips maps to the transition instant.
  return tz->to_sys(end_local, date::choose::earliest).time_since_epoch().count();
}

std::string format_local(Millis instant, const date::time_zone* tz) {
  using namespace std::chrono;
  auto at = date::floor<seconds>(date::sys_time<milliseconds>(milliseconds(instant)));
  // RFC 3339 offsets are whole minutes, local mean times are not (Paris until 1911: +00:09:21):
  // the offset is rounded and the clock time follows it, so the text still names the instant.
  auto offset = round<minutes>(tz->get_info(at).offset);
  std::string text = date::format("%Y-%m-%dT%H:%M:%S", date::local_seconds((at + offset).time_since_epoch()));
  auto total = offset.count();
  char buf[8];
  std::snprintf(buf, sizeof buf, "%c%02d:%02d", total < 0 ? '-' : '+', static_cast<int>(std::abs(total) / 60),
                static_cast<int>(std::abs(total) % 60));
  return text + buf;
}

}  // namespace planetude::datetime
