#include "store_sqlite/migrations.hpp"

namespace planetude::store::sqlite {

namespace {

constexpr std::string_view kAccounts = R"sql(
CREATE TABLE users (
  id                TEXT PRIMARY KEY,
  email             TEXT NOT NULL UNIQUE,
  password_hash     TEXT NOT NULL,
  name              TEXT NOT NULL,
  themes            TEXT NOT NULL DEFAULT '[]',
  matieres          TEXT NOT NULL DEFAULT '[]',
  timezone          TEXT NOT NULL DEFAULT 'UTC',
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL,
  tokens_not_before INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE auth_tokens (
  jti        TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  issued_at  INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER
) STRICT;
CREATE INDEX auth_tokens_by_user ON auth_tokens(user_id);
CREATE INDEX auth_tokens_by_expiry ON auth_tokens(expires_at);
)sql";

constexpr std::string_view kPlanningsAndProgress = R"sql(
CREATE TABLE plannings (
  id         TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  titre      TEXT,
  periode    TEXT NOT NULL CHECK (periode IN ('jour', 'semaine', 'mois', 'semestre')),
  date_debut INTEGER NOT NULL,
  date_fin   INTEGER NOT NULL,
  source     TEXT NOT NULL CHECK (source IN ('manual', 'ai', 'fallback')),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
-- The list's order and its keyset cursor.
CREATE INDEX plannings_by_user_start ON plannings(user_id, date_debut DESC, id DESC);

CREATE TABLE sessions (
  id          TEXT PRIMARY KEY,
  planning_id TEXT NOT NULL REFERENCES plannings(id) ON DELETE CASCADE,
  user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  matiere     TEXT NOT NULL,
  debut       INTEGER NOT NULL,
  fin         INTEGER NOT NULL,
  statut      TEXT NOT NULL CHECK (statut IN ('planifie', 'en_cours', 'termine', 'rate')),
  notes       TEXT
) STRICT;
CREATE INDEX sessions_by_planning ON sessions(planning_id, debut);
CREATE INDEX sessions_by_user_end ON sessions(user_id, fin);

CREATE TABLE progress (
  id                  TEXT PRIMARY KEY,
  user_id             TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  date                TEXT NOT NULL,
  sessions_completees INTEGER NOT NULL,
  temps_etudie        INTEGER NOT NULL,
  notes               TEXT NOT NULL DEFAULT '',
  matiere             TEXT,
  planning_id         TEXT REFERENCES plannings(id) ON DELETE SET NULL,
  -- One entry per session at most: the database itself refuses a second completion.
  session_id          TEXT UNIQUE REFERENCES sessions(id) ON DELETE SET NULL,
  created_at          INTEGER NOT NULL
) STRICT;
CREATE INDEX progress_by_user_date ON progress(user_id, date, created_at);
CREATE INDEX progress_by_planning ON progress(planning_id);

CREATE TABLE calendar_feeds (
  user_id     TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  secret_hash TEXT NOT NULL UNIQUE,
  created_at  INTEGER NOT NULL
) STRICT;
)sql";

constexpr std::string_view kChat = R"sql(
CREATE TABLE chat_messages (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,  -- the conversation's order, strictly increasing
  id         TEXT NOT NULL UNIQUE,
  user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role       TEXT NOT NULL CHECK (role IN ('user', 'coach')),
  content    TEXT NOT NULL,
  source     TEXT,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX chat_messages_by_user ON chat_messages(user_id, seq);
)sql";

constexpr std::string_view kProposals = R"sql(
CREATE TABLE chat_proposals (
  id         TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  -- Part of the conversation: clearing the history removes them.
  message_id TEXT NOT NULL REFERENCES chat_messages(id) ON DELETE CASCADE,
  type       TEXT NOT NULL CHECK (type IN ('create_planning', 'update_session', 'delete_session')),
  summary    TEXT NOT NULL,
  payload    TEXT NOT NULL,
  origin     TEXT NOT NULL CHECK (origin IN ('ai', 'fallback')),
  status     TEXT NOT NULL CHECK (status IN ('pending', 'applied', 'dismissed')),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX chat_proposals_by_user ON chat_proposals(user_id, created_at);
CREATE INDEX chat_proposals_by_message ON chat_proposals(message_id);
)sql";

constexpr std::string_view kWeeklyGoal = R"sql(
-- preferences.objectifHebdo: minutes of study a week the student aims at (NULL: not chosen).
ALTER TABLE users ADD COLUMN weekly_goal_minutes INTEGER
  CHECK (weekly_goal_minutes IS NULL OR weekly_goal_minutes BETWEEN 1 AND 10080);
)sql";

constexpr std::string_view kDataVersion = R"sql(
-- Counts the writes to a user's profile, plannings, sessions and progress (entity tags of reads).
ALTER TABLE users ADD COLUMN data_version INTEGER NOT NULL DEFAULT 0 CHECK (data_version >= 0);
)sql";

constexpr std::string_view kRateLimits = R"sql(
-- Throttling events shared by every instance on this database (store::RateLimitStore).
CREATE TABLE rate_limit_events (
  bucket TEXT NOT NULL,
  key    TEXT NOT NULL,
  at     INTEGER NOT NULL
) STRICT;
CREATE INDEX rate_limit_events_by_key ON rate_limit_events(bucket, key, at);
CREATE INDEX rate_limit_events_by_time ON rate_limit_events(at);
)sql";

// The imported school timetable: one import per user, its events as occurrences (busy time).
constexpr std::string_view kTimetable = R"sql(
CREATE TABLE timetable_imports (
  user_id     TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  name        TEXT,
  imported_at INTEGER NOT NULL,
  event_count INTEGER NOT NULL CHECK (event_count >= 0),
  first_start INTEGER,
  last_end    INTEGER
) STRICT;
CREATE TABLE timetable_events (
  id       TEXT PRIMARY KEY,
  user_id  TEXT NOT NULL REFERENCES timetable_imports(user_id) ON DELETE CASCADE,
  title    TEXT NOT NULL,
  location TEXT NOT NULL,
  debut    INTEGER NOT NULL,
  fin      INTEGER NOT NULL CHECK (fin > debut),
  all_day  INTEGER NOT NULL CHECK (all_day IN (0, 1)),
  exam     INTEGER NOT NULL CHECK (exam IN (0, 1))
) STRICT;
CREATE INDEX timetable_events_by_user ON timetable_events(user_id, debut);
)sql";

// Rest days: « jour off » and exam weeks, one row per local date.
constexpr std::string_view kRestDays = R"sql(
CREATE TABLE rest_days (
  user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  date       TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  kind       TEXT NOT NULL CHECK (kind IN ('jour_off', 'partiels')),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, date)
) STRICT;
)sql";

constexpr Migration kMigrations[] = {
    {1, "accounts", kAccounts},
    {2, "plannings_and_progress", kPlanningsAndProgress},
    {3, "chat", kChat},
    {4, "proposals", kProposals},
    {5, "weekly_goal", kWeeklyGoal},
    {6, "data_version", kDataVersion},
    {7, "rate_limits", kRateLimits},
    {8, "timetable", kTimetable},
    {9, "rest_days", kRestDays},
};

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }

}  // namespace planetude::store::sqlite
