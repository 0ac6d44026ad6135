#include "store_pg/migrations.hpp"

namespace planetude::store::pg {

namespace {

constexpr std::string_view kSchema = R"sql(
-- Milliseconds since the epoch <-> timestamptz, exactly (timestamptz keeps microseconds).
CREATE FUNCTION ms_to_ts(ms bigint) RETURNS timestamptz
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN timestamptz 'epoch' + ms * interval '1 millisecond';
CREATE FUNCTION ts_to_ms(ts timestamptz) RETURNS bigint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN (extract(epoch FROM ts) * 1000)::bigint;

CREATE TABLE users (
  id                  text PRIMARY KEY,
  email               text NOT NULL UNIQUE,
  password_hash       text NOT NULL,
  name                text NOT NULL,
  themes              jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(themes) = 'array'),
  matieres            jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(matieres) = 'array'),
  weekly_goal_minutes integer CHECK (weekly_goal_minutes BETWEEN 1 AND 10080),
  timezone            text NOT NULL DEFAULT 'UTC',
  created_at          timestamptz NOT NULL,
  updated_at          timestamptz NOT NULL,
  -- JWT numeric date (seconds): tokens issued at or before it that this server never recorded are refused.
  tokens_not_before   bigint NOT NULL DEFAULT 0,
  -- Counts the writes to a user's profile, plannings, sessions and progress (entity tags of reads).
  data_version        bigint NOT NULL DEFAULT 0 CHECK (data_version >= 0)
);

CREATE TABLE auth_tokens (
  jti        text PRIMARY KEY,
  user_id    text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  issued_at  bigint NOT NULL,  -- JWT iat, seconds
  expires_at bigint NOT NULL,  -- JWT exp, seconds
  revoked_at timestamptz
);
CREATE INDEX auth_tokens_by_user ON auth_tokens(user_id);
CREATE INDEX auth_tokens_by_expiry ON auth_tokens(expires_at);

CREATE TABLE plannings (
  id         text PRIMARY KEY,
  user_id    text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  titre      text,
  periode    text NOT NULL CHECK (periode IN ('jour', 'semaine', 'mois', 'semestre')),
  date_debut timestamptz NOT NULL,
  date_fin   timestamptz NOT NULL,
  source     text NOT NULL CHECK (source IN ('manual', 'ai', 'fallback')),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
-- The list's order and its keyset cursor.
CREATE INDEX plannings_by_user_start ON plannings(user_id, date_debut DESC, id DESC);

CREATE TABLE sessions (
  id          text PRIMARY KEY,
  planning_id text NOT NULL REFERENCES plannings(id) ON DELETE CASCADE,
  user_id     text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  matiere     text NOT NULL,
  debut       timestamptz NOT NULL,
  fin         timestamptz NOT NULL,
  statut      text NOT NULL CHECK (statut IN ('planifie', 'en_cours', 'termine', 'rate')),
  notes       text
);
CREATE INDEX sessions_by_planning ON sessions(planning_id, debut);
CREATE INDEX sessions_by_user_end ON sessions(user_id, fin);

CREATE TABLE progress (
  id                  text PRIMARY KEY,
  user_id             text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  date                date NOT NULL,
  sessions_completees integer NOT NULL,
  temps_etudie        integer NOT NULL,
  notes               text NOT NULL DEFAULT '',
  matiere             text,
  planning_id         text REFERENCES plannings(id) ON DELETE SET NULL,
  -- One entry per session at most: the database itself refuses a second completion.
  session_id          text UNIQUE REFERENCES sessions(id) ON DELETE SET NULL,
  created_at          timestamptz NOT NULL
);
CREATE INDEX progress_by_user_date ON progress(user_id, date, created_at);
CREATE INDEX progress_by_planning ON progress(planning_id);

CREATE TABLE calendar_feeds (
  user_id     text PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  secret_hash text NOT NULL UNIQUE,
  created_at  timestamptz NOT NULL
);

CREATE TABLE chat_messages (
  seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,  -- the conversation's order
  id         text NOT NULL UNIQUE,
  user_id    text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role       text NOT NULL CHECK (role IN ('user', 'coach')),
  content    text NOT NULL,
  source     text,
  created_at timestamptz NOT NULL
);
CREATE INDEX chat_messages_by_user ON chat_messages(user_id, seq);

CREATE TABLE chat_proposals (
  id         text PRIMARY KEY,
  user_id    text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  -- Part of the conversation: clearing the history removes them.
  message_id text NOT NULL REFERENCES chat_messages(id) ON DELETE CASCADE,
  type       text NOT NULL CHECK (type IN ('create_planning', 'update_session', 'delete_session')),
  summary    text NOT NULL,
  payload    json NOT NULL,  -- json, not jsonb: the text comes back exactly as the service wrote it
  origin     text NOT NULL CHECK (origin IN ('ai', 'fallback')),
  status     text NOT NULL CHECK (status IN ('pending', 'applied', 'dismissed')),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX chat_proposals_by_user ON chat_proposals(user_id, created_at);
CREATE INDEX chat_proposals_by_message ON chat_proposals(message_id);
)sql";

constexpr std::string_view kRateLimits = R"sql(
-- Throttling events shared by every instance on this database (store::RateLimitStore).
CREATE TABLE rate_limit_events (
  bucket text NOT NULL,
  key    text NOT NULL,
  at     timestamptz NOT NULL
);
CREATE INDEX rate_limit_events_by_key ON rate_limit_events(bucket, key, at);
CREATE INDEX rate_limit_events_by_time ON rate_limit_events(at);
)sql";

// The imported school timetable: one import per user, its events as occurrences (busy time).
constexpr std::string_view kTimetable = R"sql(
CREATE TABLE timetable_imports (
  user_id     text PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  name        text,
  imported_at timestamptz NOT NULL,
  event_count integer NOT NULL CHECK (event_count >= 0),
  first_start timestamptz,
  last_end    timestamptz
);
CREATE TABLE timetable_events (
  id       text PRIMARY KEY,
  user_id  text NOT NULL REFERENCES timetable_imports(user_id) ON DELETE CASCADE,
  title    text NOT NULL,
  location text NOT NULL,
  debut    timestamptz NOT NULL,
  fin      timestamptz NOT NULL CHECK (fin > debut),
  all_day  boolean NOT NULL,
  exam     boolean NOT NULL
);
CREATE INDEX timetable_events_by_user ON timetable_events(user_id, debut);
)sql";

// Rest days: « jour off » and exam weeks, one row per local date.
constexpr std::string_view kRestDays = R"sql(
CREATE TABLE rest_days (
  user_id    text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  date       date NOT NULL,
  kind       text NOT NULL CHECK (kind IN ('jour_off', 'partiels')),
  created_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, date)
);
)sql";

constexpr Migration kMigrations[] = {
    {1, "schema", kSchema},
    {2, "rate_limits", kRateLimits},
    {3, "timetable", kTimetable},
    {4, "rest_days", kRestDays},
};

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }

}  // namespace planetude::store::pg
