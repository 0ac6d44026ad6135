// core/datetime: date-time and date input (docs/api.md), days in a time zone, and the
// calendar periods of plannings (docs/api.md, behaviour.md "Plannings").
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "core/datetime.hpp"

namespace dt = planetude::datetime;
using dt::Millis;
using dt::Period;

namespace {

// An instant from its UTC fields, computed without the code under test.
Millis utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0, int ms = 0) {
  using namespace std::chrono;
  auto t = date::sys_days(date::year{y} / mo / d) + hours(h) + minutes(mi) + seconds(s) + milliseconds(ms);
  return duration_cast<milliseconds>(t.time_since_epoch()).count();
}

date::year_month_day ymd(int y, unsigned m, unsigned d) { return date::year{y} / m / d; }

constexpr Millis kHour = 3600 * 1000;
constexpr Millis kDay = 24 * kHour;

}  // namespace

// ---------------------------------------------------------------------------------------------
// parse_datetime

TEST(ParseDatetime, AcceptsMinutesWithoutSeconds) {
  EXPECT_EQ(dt::parse_datetime("2025-12-25T09:00Z"), utc(2025, 12, 25, 9));
}

TEST(ParseDatetime, AcceptsSeconds) {
  EXPECT_EQ(dt::parse_datetime("2025-12-25T09:00:00Z"), utc(2025, 12, 25, 9));
  EXPECT_EQ(dt::parse_datetime("2025-12-25T09:10:42Z"), utc(2025, 12, 25, 9, 10, 42));
}

TEST(ParseDatetime, LowercaseTAndZAndFractionWithPositiveOffset) {
  EXPECT_EQ(dt::parse_datetime("2025-12-25t09:00:00.5+01:00"), utc(2025, 12, 25, 8, 0, 0, 500));
  EXPECT_EQ(dt::parse_datetime("2025-12-25t09:00:00z"), utc(2025, 12, 25, 9));
}

TEST(ParseDatetime, FractionDigitsAreReadAsMilliseconds) {
  EXPECT_EQ(dt::parse_datetime("2025-12-25T09:00:00.1Z"), utc(2025, 12, 25, 9, 0, 0, 100));
  EXPECT_EQ(dt::parse_datetime("2025-12-25T09:00:00.12Z"), utc(2025, 12, 25, 9, 0, 0, 120));
  EXPECT_EQ(dt::parse_datetime("2025-12-25T09:00:00.123Z"), utc(2025, 12, 25, 9, 0, 0, 123));
  EXPECT_EQ(dt::parse_datetime("2025-12-25T09:00:00.007Z"), utc(2025, 12, 25, 9, 0, 0, 7));
}

TEST(ParseDatetime, NineFractionDigitsAreTruncatedToMilliseconds) {
  EXPECT_EQ(dt::parse_datetime("2025-12-25T09:00:00.123456789Z"), utc(2025, 12, 25, 9, 0, 0, 123));
  EXPECT_EQ(dt::parse_datetime("2025-12-25T09:00:00.999999999Z"), utc(2025, 12, 25, 9, 0, 0, 999));
}

TEST(ParseDatetime, NegativeHalfHourOffset) {
  EXPECT_EQ(dt::parse_datetime("2025-12-25T09:00:00-05:30"), utc(2025, 12, 25, 14, 30));
  EXPECT_EQ(dt::parse_datetime("2025-12-25T09:00-05:30"), utc(2025, 12, 25, 14, 30));
}

TEST(ParseDatetime, OffsetCanMoveTheDayAcrossAYearBoundary) {
  EXPECT_EQ(dt::parse_datetime("2025-01-01T00:30:00+01:00"), utc(2024, 12, 31, 23, 30));
  EXPECT_EQ(dt::parse_datetime("2024-12-31T23:30:00-01:00"), utc(2025, 1, 1, 0, 30));
  EXPECT_EQ(dt::parse_datetime("2025-12-25T09:00:00+23:59"), utc(2025, 12, 24, 9, 1));
}

TEST(ParseDatetime, LeapDay) {
  EXPECT_EQ(dt::parse_datetime("2024-02-29T12:00:00Z"), utc(2024, 2, 29, 12));
  EXPECT_EQ(dt::parse_datetime("2025-02-29T12:00:00Z"), std::nullopt);
}

TEST(ParseDatetime, RefusesMissingOffset) {
  EXPECT_EQ(dt::parse_datetime("2025-12-25T09:00:00"), std::nullopt);
  EXPECT_EQ(dt::parse_datetime("2025-12-25T09:00"), std::nullopt);
  EXPECT_EQ(dt::parse_datetime("2025-12-25T09:00:00.5"), std::nullopt);
}

TEST(ParseDatetime, RefusesDateOnly) {
  EXPECT_EQ(dt::parse_datetime("2025-12-25"), std::nullopt);
  EXPECT_EQ(dt::parse_datetime("2025-12-25Z"), std::nullopt);
  EXPECT_EQ(dt::parse_datetime("2025-12-25T"), std::nullopt);
}

TEST(ParseDatetime, RefusesOutOfRangeClockFields) {
  EXPECT_EQ(dt::parse_datetime("2025-12-25T24:00:00Z"), std::nullopt);
  EXPECT_EQ(dt::parse_datetime("2025-12-25T24:00Z"), std::nullopt);
  EXPECT_EQ(dt::parse_datetime("2025-12-25T09:60:00Z"), std::nullopt);
  EXPECT_EQ(dt::parse_datetime("2025-12-25T9:00:00Z"), std::nullopt);
}

TEST(ParseDatetime, RefusesDaysThatDoNotExist) {
  EXPECT_EQ(dt::parse_datetime("2025-02-30T09:00:00Z"), std::nullopt);
  EXPECT_EQ(dt::parse_datetime("2025-04-31T09:00:00Z"), std::nullopt);
  EXPECT_EQ(dt::parse_datetime("2025-13-01T09:00:00Z"), std::nullopt);
  EXPECT_EQ(dt::parse_datetime("2025-00-10T09:00:00Z"), std::nullopt);
  EXPECT_EQ(dt::parse_datetime("2025-01-00T09:00:00Z"), std::nullopt);
}

TEST(ParseDatetime, RefusesMalformedOffsets) {
  EXPECT_EQ(dt::parse_datetime("2025-12-25T09:00:00+1:00"), std::nullopt);
  EXPECT_EQ(dt::parse_datetime("2025-12-25T09:00:00+01:00:00"), std::nullopt);
  EXPECT_EQ(dt::parse_datetime("2025-12-25T09:00:00+0100"), std::nullopt);
  EXPECT_EQ(dt::parse_datetime("2025-12-25T09:00:00+01"), std::nullopt);
  EXPECT_EQ(dt::parse_datetime("2025-12-25T09:00:00+24:00"), std::nullopt);
  EXPECT_EQ(dt::parse_datetime("2025-12-25T09:00:00-24:00"), std::nullopt);
  EXPECT_EQ(dt::parse_datetime("2025-12-25T09:00:00+01:60"), std::nullopt);
  EXPECT_EQ(dt::parse_datetime("2025-12-25T09:00:00 +01:00"), std::nullopt);
}

TEST(ParseDatetime, RefusesTrailingGarbage) {
  EXPECT_EQ(dt::parse_datetime("2025-12-25T09:00:00Zx"), std::nullopt);
  EXPECT_EQ(dt::parse_datetime("2025-12-25T09:00:00ZZ"), std::nullopt);
  EXPECT_EQ(dt::parse_datetime("2025-12-25T09:00:00+01:00x"), std::nullopt);
  EXPECT_EQ(dt::parse_datetime("2025-12-25T09:00:00Z "), std::nullopt);
  EXPECT_EQ(dt::parse_datetime("2025-12-25T09:00:00.5.5Z"), std::nullopt);
}

TEST(ParseDatetime, RefusesEmptyAndJunk) {
  EXPECT_EQ(dt::parse_datetime(""), std::nullopt);
  EXPECT_EQ(dt::parse_datetime("Z"), std::nullopt);
  EXPECT_EQ(dt::parse_datetime("not a date"), std::nullopt);
  EXPECT_EQ(dt::parse_datetime("2025-12-25 09:00:00Z"), std::nullopt);
  EXPECT_EQ(dt::parse_datetime("2025/12/25T09:00:00Z"), std::nullopt);
  EXPECT_EQ(dt::parse_datetime("2025-12-25T09:0Z"), std::nullopt);
  EXPECT_EQ(dt::parse_datetime("2025-12-25T09:00:"), std::nullopt);
  EXPECT_EQ(dt::parse_datetime("2025-12-25T09:00:00."), std::nullopt);
  EXPECT_EQ(dt::parse_datetime("2025-12-25T09:00+01:0"), std::nullopt);
  EXPECT_EQ(dt::parse_datetime("2025-12-25T09:00:00.5+"), std::nullopt);
}

TEST(ParseDatetime, RefusesAnEmptyFraction) { EXPECT_EQ(dt::parse_datetime("2025-12-25T09:00:00.Z"), std::nullopt); }

// ---------------------------------------------------------------------------------------------
// parse_date / format_date

TEST(ParseDate, AcceptsRealDays) {
  EXPECT_EQ(dt::parse_date("2024-02-29"), ymd(2024, 2, 29));
  EXPECT_EQ(dt::parse_date("2025-12-31"), ymd(2025, 12, 31));
  EXPECT_EQ(dt::parse_date("2025-01-01"), ymd(2025, 1, 1));
  EXPECT_EQ(dt::parse_date("2000-02-29"), ymd(2000, 2, 29));
}

TEST(ParseDate, RefusesDaysThatDoNotExist) {
  EXPECT_EQ(dt::parse_date("2025-02-29"), std::nullopt);
  EXPECT_EQ(dt::parse_date("2100-02-29"), std::nullopt);
  EXPECT_EQ(dt::parse_date("2025-13-01"), std::nullopt);
  EXPECT_EQ(dt::parse_date("2025-00-01"), std::nullopt);
  EXPECT_EQ(dt::parse_date("2025-04-31"), std::nullopt);
  EXPECT_EQ(dt::parse_date("2025-01-00"), std::nullopt);
  EXPECT_EQ(dt::parse_date("2025-01-32"), std::nullopt);
}

TEST(ParseDate, RefusesOtherShapes) {
  EXPECT_EQ(dt::parse_date("2025-1-01"), std::nullopt);
  EXPECT_EQ(dt::parse_date("2025-01-1"), std::nullopt);
  EXPECT_EQ(dt::parse_date("25-01-01"), std::nullopt);
  EXPECT_EQ(dt::parse_date("2025/01/01"), std::nullopt);
  EXPECT_EQ(dt::parse_date("2025-01-01T00:00:00Z"), std::nullopt);
  EXPECT_EQ(dt::parse_date("2025-01-01 "), std::nullopt);
  EXPECT_EQ(dt::parse_date("2025-01-0a"), std::nullopt);
  EXPECT_EQ(dt::parse_date(""), std::nullopt);
}

TEST(FormatDate, IsIsoWithZeroPadding) {
  EXPECT_EQ(dt::format_date(ymd(2025, 3, 7)), "2025-03-07");
  EXPECT_EQ(dt::format_date(*dt::parse_date("2024-02-29")), "2024-02-29");
}

// ---------------------------------------------------------------------------------------------
// Zones, start_of_day, local_day

TEST(DatetimeZone, UnknownNameThrows) { EXPECT_THROW(dt::zone("Mars/Olympus_Mons"), std::runtime_error); }

TEST(StartOfDay, UtcIsMidnight) { EXPECT_EQ(dt::start_of_day(ymd(2025, 12, 1), dt::zone("UTC")), utc(2025, 12, 1)); }

TEST(StartOfDay, EuropeParisWinterAndSummer) {
  const auto* paris = dt::zone("Europe/Paris");
  EXPECT_EQ(dt::start_of_day(ymd(2025, 12, 1), paris), utc(2025, 11, 30, 23));
  EXPECT_EQ(dt::start_of_day(ymd(2026, 7, 1), paris), utc(2026, 6, 30, 22));
  // The days of the DST changes start at midnight as usual (the changes happen at 02:00/03:00).
  EXPECT_EQ(dt::start_of_day(ymd(2026, 3, 29), paris), utc(2026, 3, 28, 23));
  EXPECT_EQ(dt::start_of_day(ymd(2026, 10, 25), paris), utc(2026, 10, 24, 22));
}

// `zdump -v -c 2020,2030 America/Santiago`:
//   Sun Sep 11 03:59:59 2022 UT = Sat Sep 10 23:59:59 2022 -04
//   Sun Sep 11 04:00:00 2022 UT = Sun Sep 11 01:00:00 2022 -03
// so 2022-09-11 00:00 does not exist there and the day starts at 01:00 local = 04:00Z.
TEST(StartOfDay, SantiagoSpringForwardSkipsMidnight) {
  const auto* santiago = dt::zone("America/Santiago");
  EXPECT_EQ(dt::start_of_day(ymd(2022, 9, 11), santiago), utc(2022, 9, 11, 4));
  EXPECT_EQ(dt::local_day(utc(2022, 9, 11, 4), santiago), ymd(2022, 9, 11));
  EXPECT_EQ(dt::local_day(utc(2022, 9, 11, 4) - 1, santiago), ymd(2022, 9, 10));
  // The day before and after: ordinary midnights.
  EXPECT_EQ(dt::start_of_day(ymd(2022, 9, 10), santiago), utc(2022, 9, 10, 4));
  EXPECT_EQ(dt::start_of_day(ymd(2022, 9, 12), santiago), utc(2022, 9, 12, 3));
}

// `zdump -v -c 2020,2030 America/Havana`:
//   Sun Mar 14 04:59:59 2021 UT = Sat Mar 13 23:59:59 2021 CST
//   Sun Mar 14 05:00:00 2021 UT = Sun Mar 14 01:00:00 2021 CDT
TEST(StartOfDay, HavanaSpringForwardSkipsMidnight) {
  EXPECT_EQ(dt::start_of_day(ymd(2021, 3, 14), dt::zone("America/Havana")), utc(2021, 3, 14, 5));
}

// `zdump -v -c 2020,2030 America/Havana`:
//   Sun Nov  1 04:59:59 2020 UT = Sun Nov  1 00:59:59 2020 CDT
//   Sun Nov  1 05:00:00 2020 UT = Sun Nov  1 00:00:00 2020 CST
// so 2020-11-01 00:00 happens twice; the day starts at the first one (04:00Z) and lasts 25 hours.
TEST(StartOfDay, HavanaFallBackRepeatsMidnight) {
  const auto* havana = dt::zone("America/Havana");
  Millis start = dt::start_of_day(ymd(2020, 11, 1), havana);
  EXPECT_EQ(start, utc(2020, 11, 1, 4));
  EXPECT_EQ(dt::local_day(start - 1, havana), ymd(2020, 10, 31));
  EXPECT_EQ(dt::start_of_day(ymd(2020, 11, 2), havana) - start, 25 * kHour);
}

TEST(LocalDay, AcrossTheDateLine) {
  const auto* kiritimati = dt::zone("Pacific/Kiritimati");  // UTC+14
  const auto* pago = dt::zone("Pacific/Pago_Pago");         // UTC-11
  Millis noon = utc(2025, 12, 31, 12);
  EXPECT_EQ(dt::local_day(noon, kiritimati), ymd(2026, 1, 1));
  EXPECT_EQ(dt::local_day(noon, pago), ymd(2025, 12, 31));
  EXPECT_EQ(dt::local_day(noon, dt::zone("UTC")), ymd(2025, 12, 31));

  // Kiritimati's 2026-01-01 begins at 2025-12-31T10:00Z.
  EXPECT_EQ(dt::local_day(utc(2025, 12, 31, 10), kiritimati), ymd(2026, 1, 1));
  EXPECT_EQ(dt::local_day(utc(2025, 12, 31, 10) - 1, kiritimati), ymd(2025, 12, 31));
  EXPECT_EQ(dt::start_of_day(ymd(2026, 1, 1), kiritimati), utc(2025, 12, 31, 10));

  // Pago Pago's 2026-01-01 begins at 2026-01-01T11:00Z.
  EXPECT_EQ(dt::local_day(utc(2026, 1, 1, 11) - 1, pago), ymd(2025, 12, 31));
  EXPECT_EQ(dt::local_day(utc(2026, 1, 1, 11), pago), ymd(2026, 1, 1));
  EXPECT_EQ(dt::start_of_day(ymd(2026, 1, 1), pago), utc(2026, 1, 1, 11));
}

TEST(LocalDay, BeforeTheEpoch) { EXPECT_EQ(dt::local_day(-1, dt::zone("UTC")), ymd(1969, 12, 31)); }

TEST(AddDays, CrossesMonthYearAndLeapDay) {
  EXPECT_EQ(dt::add_days(ymd(2024, 2, 28), 1), ymd(2024, 2, 29));
  EXPECT_EQ(dt::add_days(ymd(2025, 2, 28), 1), ymd(2025, 3, 1));
  EXPECT_EQ(dt::add_days(ymd(2025, 12, 31), 1), ymd(2026, 1, 1));
  EXPECT_EQ(dt::add_days(ymd(2026, 1, 1), -1), ymd(2025, 12, 31));
  EXPECT_EQ(dt::add_days(ymd(2025, 3, 25), 7), ymd(2025, 4, 1));
}

// ---------------------------------------------------------------------------------------------
// Periods

TEST(DatetimePeriod, NamesRoundTrip) {
  for (Period p : {Period::jour, Period::semaine, Period::mois, Period::semestre}) {
    auto parsed = dt::parse_period(dt::period_name(p));
    ASSERT_TRUE(parsed.has_value()) << dt::period_name(p);
    EXPECT_EQ(*parsed, p);
  }
  EXPECT_STREQ(dt::period_name(Period::jour), "jour");
  EXPECT_STREQ(dt::period_name(Period::semaine), "semaine");
  EXPECT_STREQ(dt::period_name(Period::mois), "mois");
  EXPECT_STREQ(dt::period_name(Period::semestre), "semestre");
}

TEST(DatetimePeriod, UnknownNamesAreRefused) {
  EXPECT_EQ(dt::parse_period(""), std::nullopt);
  EXPECT_EQ(dt::parse_period("Jour"), std::nullopt);
  EXPECT_EQ(dt::parse_period("annee"), std::nullopt);
  EXPECT_EQ(dt::parse_period("jour "), std::nullopt);
  EXPECT_EQ(dt::parse_period("week"), std::nullopt);
}

TEST(AddPeriod, UtcEachPeriod) {
  const auto* tz = dt::zone("UTC");
  Millis start = utc(2025, 12, 15, 9, 30);
  EXPECT_EQ(dt::add_period(start, Period::jour, tz), utc(2025, 12, 16, 9, 30));
  EXPECT_EQ(dt::add_period(start, Period::semaine, tz), utc(2025, 12, 22, 9, 30));
  EXPECT_EQ(dt::add_period(start, Period::mois, tz), utc(2026, 1, 15, 9, 30));
  EXPECT_EQ(dt::add_period(start, Period::semestre, tz), utc(2026, 6, 15, 9, 30));
}

TEST(AddPeriod, KeepsMilliseconds) {
  const auto* tz = dt::zone("UTC");
  EXPECT_EQ(dt::add_period(utc(2025, 1, 10, 9, 0, 0, 250), Period::mois, tz), utc(2025, 2, 10, 9, 0, 0, 250));
}

TEST(AddPeriod, MonthClampsToTheLastDay) {
  const auto* tz = dt::zone("UTC");
  EXPECT_EQ(dt::add_period(utc(2025, 1, 31), Period::mois, tz), utc(2025, 2, 28));
  EXPECT_EQ(dt::add_period(utc(2024, 1, 31), Period::mois, tz), utc(2024, 2, 29));
  EXPECT_EQ(dt::add_period(utc(2024, 1, 30, 8), Period::mois, tz), utc(2024, 2, 29, 8));
  EXPECT_EQ(dt::add_period(utc(2025, 3, 31), Period::mois, tz), utc(2025, 4, 30));
  EXPECT_EQ(dt::add_period(utc(2025, 1, 28), Period::mois, tz), utc(2025, 2, 28));
}

TEST(AddPeriod, SemesterClampsToTheLastDay) {
  const auto* tz = dt::zone("UTC");
  EXPECT_EQ(dt::add_period(utc(2025, 8, 31), Period::semestre, tz), utc(2026, 2, 28));
  EXPECT_EQ(dt::add_period(utc(2023, 8, 31), Period::semestre, tz), utc(2024, 2, 29));
  EXPECT_EQ(dt::add_period(utc(2025, 12, 31, 10), Period::semestre, tz), utc(2026, 6, 30, 10));
}

TEST(AddPeriod, ParisDayOfSpringChangeLasts23Hours) {
  const auto* paris = dt::zone("Europe/Paris");
  Millis start = dt::start_of_day(ymd(2026, 3, 29), paris);
  ASSERT_EQ(start, utc(2026, 3, 28, 23));
  Millis end = dt::add_period(start, Period::jour, paris);
  EXPECT_EQ(end, utc(2026, 3, 29, 22));
  EXPECT_EQ(end - start, 23 * kHour);
}

TEST(AddPeriod, ParisDayOfAutumnChangeLasts25Hours) {
  const auto* paris = dt::zone("Europe/Paris");
  Millis start = dt::start_of_day(ymd(2026, 10, 25), paris);
  ASSERT_EQ(start, utc(2026, 10, 24, 22));
  Millis end = dt::add_period(start, Period::jour, paris);
  EXPECT_EQ(end, utc(2026, 10, 25, 23));
  EXPECT_EQ(end - start, 25 * kHour);
}

TEST(AddPeriod, ParisWeekAcrossAChangeEndsAtTheSameLocalTime) {
  const auto* paris = dt::zone("Europe/Paris");
  // 2026-03-25 10:00 CET → 2026-04-01 10:00 CEST.
  Millis start = utc(2026, 3, 25, 9);
  Millis end = dt::add_period(start, Period::semaine, paris);
  EXPECT_EQ(end, utc(2026, 4, 1, 8));
  EXPECT_EQ(end - start, 7 * kDay - kHour);
  // 2026-10-21 10:00 CEST → 2026-10-28 10:00 CET.
  start = utc(2026, 10, 21, 8);
  end = dt::add_period(start, Period::semaine, paris);
  EXPECT_EQ(end, utc(2026, 10, 28, 9));
  EXPECT_EQ(end - start, 7 * kDay + kHour);
}

TEST(AddPeriod, ParisMonthAcrossAChangeEndsAtLocalMidnight) {
  const auto* paris = dt::zone("Europe/Paris");
  Millis start = dt::start_of_day(ymd(2026, 3, 1), paris);
  EXPECT_EQ(dt::add_period(start, Period::mois, paris), dt::start_of_day(ymd(2026, 4, 1), paris));
  EXPECT_EQ(dt::add_period(start, Period::mois, paris), utc(2026, 3, 31, 22));
  // 31 January 00:00 local + 1 month = 28 February 00:00 local.
  start = dt::start_of_day(ymd(2026, 1, 31), paris);
  EXPECT_EQ(dt::add_period(start, Period::mois, paris), utc(2026, 2, 27, 23));
}

// `zdump -v -c 2026,2027 Pacific/Auckland`:
//   Sat Apr  4 13:59:59 2026 UT = Sun Apr  5 02:59:59 2026 NZDT (+13)
//   Sat Apr  4 14:00:00 2026 UT = Sun Apr  5 02:00:00 2026 NZST (+12)
TEST(AddPeriod, AucklandAcrossTheApril2026Change) {
  const auto* auckland = dt::zone("Pacific/Auckland");
  Millis start = dt::start_of_day(ymd(2026, 4, 5), auckland);
  ASSERT_EQ(start, utc(2026, 4, 4, 11));
  Millis end = dt::add_period(start, Period::jour, auckland);
  EXPECT_EQ(end, utc(2026, 4, 5, 12));
  EXPECT_EQ(end - start, 25 * kHour);
  // 2026-04-01 09:00 NZDT → 2026-04-08 09:00 NZST.
  start = utc(2026, 3, 31, 20);
  EXPECT_EQ(dt::add_period(start, Period::semaine, auckland), utc(2026, 4, 7, 21));
}

TEST(AddPeriod, ClockTimeInADstGapMapsToTheTransitionInstant) {
  const auto* paris = dt::zone("Europe/Paris");
  // 2026-03-22 02:30 CET + 7 days = 2026-03-29 02:30, which Paris skips (02:00 → 03:00 at 01:00Z).
  Millis start = utc(2026, 3, 22, 1, 30);
  EXPECT_EQ(dt::add_period(start, Period::semaine, paris), utc(2026, 3, 29, 1));
  // 2026-03-28 02:30 CET + 1 day: the same gap.
  EXPECT_EQ(dt::add_period(utc(2026, 3, 28, 1, 30), Period::jour, paris), utc(2026, 3, 29, 1));
}

// clock::format_rfc3339 is written by hand; date::format is the reference.
TEST(FormatRfc3339, AgreesWithDateFormat) {
  using namespace std::chrono;
  std::vector<dt::Millis> samples{0,
                                  1,
                                  999,
                                  86'399'999,
                                  86'400'000,
                                  -1,
                                  -86'400'001,
                                  951'782'400'000 /* 2000-02-29 */,
                                  253'402'300'799'999 /* 9999-12-31T23:59:59.999 */};
  for (dt::Millis m = -62'200'000'000'000; m < 253'402'300'800'000; m += 7'777'777'777) samples.push_back(m);
  samples.push_back(-62'167'219'200'001);  // the last millisecond of year -1
  samples.push_back(253'402'300'800'000);  // 10000-01-01
  for (dt::Millis m : samples) {
    date::sys_time<milliseconds> tp{milliseconds{m}};
    EXPECT_EQ(planetude::clock::format_rfc3339(m), date::format("%FT%TZ", tp)) << m;
  }
  EXPECT_EQ(planetude::clock::format_rfc3339(1'766'653'200'000), "2025-12-25T09:00:00.000Z");
}

TEST(FormatLocal, OffsetAndClockTime) {
  const auto* paris = dt::zone("Europe/Paris");
  EXPECT_EQ(dt::format_local(utc(2025, 3, 10, 13), paris), "2025-03-10T14:00:00+01:00");
  EXPECT_EQ(dt::format_local(utc(2025, 7, 1, 12, 0, 5, 999), paris), "2025-07-01T14:00:05+02:00");
  EXPECT_EQ(dt::format_local(utc(2025, 1, 10, 13), dt::zone("America/St_Johns")), "2025-01-10T09:30:00-03:30");
}

// Found by tests/fuzz/datetime_fuzz: a local mean time's offset has seconds (Paris until 1911:
// +00:09:21), which RFC 3339 cannot write; the text said +00:09 with the clock time of +00:09:21,
// and read back 21 s off. The offset is now rounded to the minute and the clock time follows it.
TEST(FormatLocal, OffsetWithSecondsStillNamesTheInstant) {
  const Millis instant = utc(1900, 1, 1);
  EXPECT_EQ(dt::format_local(instant, dt::zone("Europe/Paris")), "1900-01-01T00:09:00+00:09");
  for (const char* name : {"Europe/Paris", "Africa/Monrovia", "Europe/Amsterdam", "America/Caracas"}) {
    for (Millis at : {utc(1900, 1, 2), utc(1937, 6, 1, 12), utc(1970, 1, 1, 0, 0, 0, 500)}) {
      auto back = dt::parse_datetime(dt::format_local(at, dt::zone(name)));
      ASSERT_TRUE(back.has_value()) << name;
      EXPECT_EQ(*back, at - at % 1000) << name << " " << dt::format_local(at, dt::zone(name));
    }
  }
}
