// The built-in scheduler (see scheduler.hpp). One pass over the local days of the period: each
// day's free time (scheduler_windows.cpp) is filled in order with sessions until the day's target
// is met. Which subject goes next is a weighted deficit round robin: every placed minute credits
// each eligible subject with its current share, and the subject owed the most goes next (never the
// previous one when another can go there). Due reviews go first, within half of the day's time.
//
// Choices (the constants below):
// - Sessions of 25–90 minutes, starting on a multiple of 5 minutes; a day's study time is cut into
//   sessions of about an hour, longer for a subject with a bigger share or owed time.
// - Breaks: 10 minutes after a session of up to 45 minutes, 15 up to 75, 20 beyond.
// - Daily target: met exactly where the free time allows; a target under 25 minutes means one
//   25-minute session; a last session that would overshoot by more than 10% is left out.
// - Reviews: « Découverte » is a subject's first session; « Révision J+1/J+3/J+7 » follow (30
//   minutes, the whole day's need when the day has room for one session only), placed on their day
//   or up to 3 days late, else dropped.
// - Exams: a subject's weight is multiplied by 1 until 14 days before its next exam, rising to 2
//   seven days before, then to 5 on the exam day; nothing of it once its last exam has begun.
//   Sessions of the final week say « Préparation de l'examen (J-n) ».
#include "services/planning/scheduler.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <optional>

#include "services/planning/scheduler_windows.hpp"

namespace planetude::scheduler {

using detail::Ms;
using detail::Span;

namespace {

constexpr Ms kMinute = Ms{60} * 1000;
constexpr int kMinSession = 25;
constexpr int kMaxSession = 90;
constexpr int kPreferredSession = 60;       // a day's study time is cut into sessions of about an hour
constexpr int kReviewMinutes = 30;          // reviews are shorter than study sessions
constexpr Ms kAlign = 5 * kMinute;          // sessions start on a multiple of 5 minutes
constexpr std::size_t kMaxSessions = 1000;  // the planning limit
constexpr long kMaxDays = 3700;             // about 10 years: bounds the work on odd input
constexpr int kReviewOffsets[] = {1, 3, 7};
// A subject's credit (minutes owed, or overdrawn when negative) stays within this bound, so that
// old history cannot outweigh the current shares (an exam's ramp acts at once).
constexpr double kCreditBound = 2.0 * kMaxSession;
constexpr long kReviewGraceDays = 3;  // a review still unplaced this many days after it was due is dropped
// Instants are clamped to 1900..2200 so that calendar arithmetic never overflows.
constexpr Ms kMinInstant = -2208988800000;
constexpr Ms kMaxInstant = 7258118400000;
constexpr Ms kNever = std::numeric_limits<Ms>::max();

// The break after a session: 10 minutes, 15 after more than 45 minutes, 20 after more than 75.
int break_after(int minutes) { return minutes <= 45 ? 10 : minutes <= 75 ? 15 : 20; }

// How much more a subject weighs as its exam approaches: 1 until 14 days before, rising to 2
// seven days before, then steeply to 5 on the exam day.
double exam_factor(long days_left) {
  if (days_left >= 14) return 1.0;
  if (days_left >= 7) return 1.0 + static_cast<double>(14 - days_left) / 7.0;
  return 2.0 + static_cast<double>(7 - std::max(days_left, 0L)) * 3.0 / 7.0;
}

Ms clamp_instant(Ms t) { return std::clamp(t, kMinInstant, kMaxInstant); }

Ms align_up(Ms t) {
  Ms r = t % kAlign;
  if (r < 0) r += kAlign;
  return r == 0 ? t : t + (kAlign - r);
}

long day_number(Ms instant, const date::time_zone* tz) {
  auto local = tz->to_local(date::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(instant)));
  return date::floor<date::days>(local).time_since_epoch().count();
}

struct Subject {
  std::string name;
  double weight = 1;      // normalised: the largest is 1
  std::vector<Ms> exams;  // sorted
  std::vector<long> exam_days;
  Ms end = kNever;    // when its last exam begins: nothing of it after that
  double credit = 0;  // minutes owed to it (deficit round robin)
  bool discovered = false;
};

struct Review {
  std::size_t subject;
  long due;    // local day number
  int offset;  // days after the discovery
};

// Distinct non-empty subjects, weighted, plus the subjects of exams; exams attached.
std::vector<Subject> make_subjects(const Request& req, const date::time_zone* tz) {
  std::vector<Subject> out;
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < req.subjects.size(); ++i) {
    const auto& name = req.subjects[i];
    if (name.empty() || index.count(name)) continue;
    double w = i < req.weights.size() ? req.weights[i] : 1.0;
    if (!std::isfinite(w) || w <= 0) w = 1.0;
    index.emplace(name, out.size());
    out.push_back(Subject{name, w, {}, {}, kNever, 0, false});
  }
  double mean = 0;
  for (const auto& s : out) mean += s.weight / static_cast<double>(out.size());
  if (out.empty() || !std::isfinite(mean)) mean = 1.0;
  for (const auto& exam : req.exams) {
    if (exam.matiere.empty()) continue;
    auto [it, added] = index.emplace(exam.matiere, out.size());
    if (added) out.push_back(Subject{exam.matiere, mean, {}, {}, kNever, 0, false});  // an average weight
    out[it->second].exams.push_back(clamp_instant(exam.at));
  }
  double top = 0;
  for (const auto& s : out) top = std::max(top, s.weight);
  for (auto& s : out) {
    s.weight = std::isfinite(top) && top > 0 ? std::max(s.weight / top, 1e-9) : 1.0;
    std::sort(s.exams.begin(), s.exams.end());
    for (Ms at : s.exams) s.exam_days.push_back(day_number(at, tz));
    if (!s.exams.empty()) s.end = s.exams.back();
  }
  return out;
}

// Where a session can go: `now` minutes from the cursor (at most a maximum session), `span`
// minutes to the end of the free span, and the longest later free span of the day (minutes).
struct Room {
  int now = 0;
  int span = 0;
  int later = 0;
};

// The length of a session given the preferred one and the minutes the day still needs (>= 25):
// never more than needed; never leaving less than a minimum session when that can be avoided; and
// the whole need at once (as room allows) when nothing else would fit in the day after it.
// 0: better wait for a later span that holds the whole need.
int fit(int preferred, int need, const Room& room) {
  if (room.now < kMinSession) return 0;
  int len = std::min(std::clamp(preferred, kMinSession, kMaxSession), room.now);
  if (len >= need) return need;
  // 4 minutes for the alignment of the next start.
  auto more_fits = [&](int l) {
    return room.later >= kMinSession || room.span - l - break_after(l) - 4 >= kMinSession;
  };
  if (need - len < kMinSession) {
    if (need <= room.now) return need;
    if (need - kMinSession >= kMinSession && more_fits(need - kMinSession)) return need - kMinSession;
    if (room.later >= need + 4) return 0;
    return room.now;
  }
  if (!more_fits(len)) return std::min(need, room.now);
  return len;
}

// A day's remaining study time cut into sessions of about an hour, the last ones evened out.
int chunk(int need) {
  int parts = std::max(1, (need + kPreferredSession / 2) / kPreferredSession);
  return (need + parts - 1) / parts;
}

class Planner {
 public:
  Planner(std::vector<Subject> subjects, int target, long last_day)
      : subjects_(std::move(subjects)), target_(target), last_day_(last_day) {}

  bool full() const { return out_.size() >= kMaxSessions; }
  std::vector<Session> take() { return std::move(out_); }

  void plan_day(long day, const std::vector<Span>& spans) {
    day_ = day;
    drop_stale_reviews();
    int remaining = target_;
    int review_left = std::max(target_ / 2, kReviewMinutes);
    std::optional<std::size_t> prev;
    Ms last_end = 0;
    int last_len = 0;
    // later[k]: the longest span from the k-th on (minutes).
    std::vector<int> later(spans.size() + 1, 0);
    for (std::size_t k = spans.size(); k-- > 0;)
      later[k] = std::max(later[k + 1],
                          static_cast<int>(std::min<Ms>((spans[k].end - spans[k].begin) / kMinute, Ms{24} * 60)));
    for (std::size_t k = 0; k < spans.size(); ++k) {
      const Span& span = spans[k];
      Ms cursor = span.begin;
      while (!full()) {
        if (prev) cursor = std::max(cursor, last_end + break_after(last_len) * kMinute);
        cursor = align_up(cursor);
        if (cursor >= span.end) break;
        Room room{0, static_cast<int>(std::min<Ms>((span.end - cursor) / kMinute, Ms{24} * 60)), later[k + 1]};
        room.now = std::min(room.span, kMaxSession);
        if (room.now < kMinSession) break;
        if (remaining <= 0) return;
        int need = remaining;
        if (remaining < kMinSession) {
          if (10 * (kMinSession - remaining) > target_) return;  // would overshoot by more than 10%
          need = kMinSession;
        }
        auto placed = place(cursor, room, need, review_left, prev);
        if (placed == 0) break;
        remaining -= placed;
        last_end = cursor + placed * kMinute;
        last_len = placed;
        prev = last_subject_;
        cursor = last_end;
      }
    }
  }

 private:
  // Room for subject `i` at `cursor`: now cut short by its last exam; the rest of the span and the
  // later spans stay the day's (another subject can use them).
  Room room_for(std::size_t i, Ms cursor, Room room) const {
    Ms end = subjects_[i].end;
    if (end == kNever) return room;
    if (end <= cursor) return Room{};
    room.now = static_cast<int>(std::min<Ms>(room.now, (end - cursor) / kMinute));
    return room;
  }

  // Days until the subject's next exam (at or after `cursor`), or nullopt.
  std::optional<long> days_to_exam(std::size_t i, Ms cursor) const {
    const auto& s = subjects_[i];
    for (std::size_t k = 0; k < s.exams.size(); ++k)
      if (s.exams[k] >= cursor) return s.exam_days[k] - day_;
    return std::nullopt;
  }

  void drop_stale_reviews() {
    std::erase_if(reviews_, [&](const Review& r) { return r.due + kReviewGraceDays < day_; });
    std::stable_sort(reviews_.begin(), reviews_.end(), [](const Review& a, const Review& b) {
      return a.due != b.due ? a.due < b.due : a.subject < b.subject;
    });
  }

  // Places one session at `cursor`; returns its minutes (0: nothing can go there).
  int place(Ms cursor, const Room& room, int need, int& review_left, std::optional<std::size_t> prev) {
    // Current shares of the subjects that can still be studied here.
    std::vector<std::size_t> eligible;
    std::vector<double> share(subjects_.size(), 0.0);
    double total = 0;
    for (std::size_t i = 0; i < subjects_.size(); ++i) {
      if (room_for(i, cursor, room).now < kMinSession) continue;
      auto left = days_to_exam(i, cursor);
      share[i] = subjects_[i].weight * (left ? exam_factor(*left) : 1.0);
      total += share[i];
      eligible.push_back(i);
    }
    if (eligible.empty()) return 0;
    for (auto i : eligible) share[i] /= total;

    // A due review of another subject than the previous session's goes first.
    if (review_left >= kMinSession) {
      for (std::size_t r = 0; r < reviews_.size(); ++r) {
        const Review review = reviews_[r];
        // Not yet due, the previous session's subject, or not studyable here (no share).
        if (review.due > day_ || review.subject == prev || share[review.subject] == 0) continue;
        int len = fit(kReviewMinutes, need, room_for(review.subject, cursor, room));
        if (len == 0) continue;
        reviews_.erase(reviews_.begin() + static_cast<std::ptrdiff_t>(r));
        review_left -= len;
        emit(review.subject, cursor, len, "Révision J+" + std::to_string(review.offset), eligible, share);
        return len;
      }
    }

    // Otherwise the subject owed the most, its session longer or shorter with its share.
    bool others = std::any_of(eligible.begin(), eligible.end(), [&](std::size_t i) { return i != prev; });
    std::optional<std::size_t> best;
    int best_len = 0;
    double best_score = 0;
    for (auto i : eligible) {
      if (others && i == prev) continue;
      // A bigger share makes longer sessions, and time owed (or overdrawn) lengthens (shortens)
      // them, so that shares hold even where interleaving forces turns.
      double scale = std::clamp(share[i] * static_cast<double>(eligible.size()), 0.5, 1.5);
      // Rounded to 5 minutes, for a readable agenda.
      double preferred = std::clamp(chunk(need) * scale + subjects_[i].credit, 0.0, 1440.0);
      int len = fit(5 * static_cast<int>(std::lround(preferred / 5)), need, room_for(i, cursor, room));
      if (len == 0) continue;
      double score = subjects_[i].credit + len * share[i];
      if (!best || score > best_score) {
        best = i;
        best_len = len;
        best_score = score;
      }
    }
    if (!best) return 0;
    auto& s = subjects_[*best];
    std::string notes;
    if (!s.discovered) {
      s.discovered = true;
      notes = "Découverte";
      for (int offset : kReviewOffsets)
        if (day_ + offset <= last_day_) reviews_.push_back({*best, day_ + offset, offset});
    } else if (auto left = days_to_exam(*best, cursor); left && *left <= 7) {
      notes =
          *left == 0 ? "Préparation de l'examen (jour J)" : "Préparation de l'examen (J-" + std::to_string(*left) + ")";
    } else {
      notes = "Approfondissement";
    }
    emit(*best, cursor, best_len, std::move(notes), eligible, share);
    return best_len;
  }

  void emit(std::size_t subject, Ms cursor, int len, std::string notes, const std::vector<std::size_t>& eligible,
            const std::vector<double>& share) {
    for (auto i : eligible) subjects_[i].credit += len * share[i];
    subjects_[subject].credit -= len;
    for (auto i : eligible) subjects_[i].credit = std::clamp(subjects_[i].credit, -kCreditBound, kCreditBound);
    out_.push_back(Session{subjects_[subject].name, cursor, cursor + len * kMinute, std::move(notes)});
    last_subject_ = subject;
  }

  std::vector<Subject> subjects_;
  int target_;
  long last_day_;
  long day_ = 0;
  std::vector<Review> reviews_;
  std::vector<Session> out_;
  std::size_t last_subject_ = 0;
};

}  // namespace

// Every day 09:00–12:00 and 14:00–19:00: a morning and an afternoon with a lunch break, 8 hours a
// day, weekends included (a student without stated constraints can be asked to study any day).
std::vector<Availability> default_availability() {
  std::vector<Availability> out;
  for (int d = 0; d < 7; ++d) {
    out.push_back({d, 9 * 60, 12 * 60});
    out.push_back({d, 14 * 60, 19 * 60});
  }
  return out;
}

std::vector<Session> schedule(const Request& request) {
  const date::time_zone* tz = request.tz ? request.tz : date::locate_zone("UTC");  // no zone given: UTC
  // Below the minimum session length, a day's target rounds up to one minimum session.
  int target = std::max(std::clamp(request.minutes_per_day, 15, 720), kMinSession);

  Ms lo = clamp_instant(std::max(request.period_start, request.not_before));
  Ms hi = clamp_instant(request.period_end);
  if (hi <= lo) return {};
  auto week = detail::merge_windows(request.availability.empty() ? default_availability() : request.availability);
  if (!detail::has_any(week)) return {};
  auto subjects = make_subjects(request, tz);
  if (subjects.empty()) return {};

  std::vector<Span> busy;
  busy.reserve(request.busy.size());
  for (const auto& b : request.busy) busy.push_back({clamp_instant(b.debut), clamp_instant(b.fin)});
  busy = detail::merge_spans(std::move(busy));

  long first = day_number(lo, tz);
  long last = std::min(day_number(hi - 1, tz), first + kMaxDays);
  Planner planner(std::move(subjects), target, last);
  for (long day = first; day <= last && !planner.full(); ++day) {
    date::local_days local{date::days{day}};
    auto spans = detail::free_spans(local, week, tz, lo, hi, busy);
    if (!spans.empty()) planner.plan_day(day, spans);
  }
  return planner.take();
}

}  // namespace planetude::scheduler
