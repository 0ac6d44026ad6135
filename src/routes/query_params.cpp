#include "routes/query_params.hpp"

#include <algorithm>

#include "core/datetime.hpp"

namespace planetude::routes {

InstantBounds parse_instant_bounds(const http::Request& req, const date::time_zone* tz,
                                   std::vector<FieldError>& problems) {
  InstantBounds b;
  if (auto from = req.query_param("from")) {
    if (auto day = datetime::parse_date(*from)) b.from_ms = datetime::start_of_day(*day, tz);
    else if (auto ms = datetime::parse_datetime(*from)) b.from_ms = *ms;
    else problems.push_back({"from", "doit être une date (AAAA-MM-JJ) ou une date-heure avec fuseau"});
  }
  if (auto to = req.query_param("to")) {
    // A date `to` is the end of that day: the next day's start, exclusive.
    if (auto day = datetime::parse_date(*to)) b.to_excl_ms = datetime::start_of_day(datetime::add_days(*day, 1), tz);
    else if (auto ms = datetime::parse_datetime(*to)) b.to_excl_ms = *ms + 1;
    else problems.push_back({"to", "doit être une date (AAAA-MM-JJ) ou une date-heure avec fuseau"});
  }
  if (b.from_ms && b.to_excl_ms && *b.from_ms >= *b.to_excl_ms)
    problems.push_back({"from", "doit être antérieure à « to »"});
  return b;
}

std::optional<std::size_t> parse_limit(std::string_view text) {
  bool digits = !text.empty() && text.size() <= 3 &&
                std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits) return std::nullopt;
  std::size_t n = 0;
  for (char c : text) n = n * 10 + static_cast<std::size_t>(c - '0');
  if (n < 1 || n > 100) return std::nullopt;
  return n;
}

}  // namespace planetude::routes
