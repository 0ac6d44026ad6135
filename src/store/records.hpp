// What the store keeps: plain records, no HTTP, no SQL.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace planetude::store {

struct UserRecord {
  std::string id;
  std::string email;          // trimmed, lower-cased
  std::string password_hash;  // Argon2id, libsodium's encoded string
  std::string name;
  std::vector<std::string> themes;
  std::vector<std::string> matieres;
  std::optional<std::int64_t> weekly_goal_minutes;  // preferences.objectifHebdo; unset until chosen
  std::string timezone = "UTC";
  std::int64_t created_at = 0;  // ms since the epoch
  std::int64_t updated_at = 0;
  // Tokens this server did not record (minted elsewhere with the shared secret) are refused when
  // issued at or before this second: set by a password change.
  std::int64_t tokens_not_before = 0;
  // One more after every write to the user's profile, plannings, sessions or progress (set by the
  // store, never by callers): what a client saw is current while this has not moved.
  std::int64_t data_version = 0;
};

// A token this server issued, or one it was asked to revoke.
struct TokenRecord {
  std::string jti;
  std::string user_id;
  std::int64_t issued_at = 0;              // seconds (JWT iat)
  std::int64_t expires_at = 0;             // seconds (JWT exp)
  std::optional<std::int64_t> revoked_at;  // ms
};

}  // namespace planetude::store

namespace planetude::store {

struct SessionRecord {
  std::string id;
  std::string matiere;
  std::int64_t debut = 0;  // ms
  std::int64_t fin = 0;    // ms
  std::string statut = "planifie";
  std::optional<std::string> notes;
};

struct PlanningRecord {
  std::string id;
  std::string user_id;
  std::optional<std::string> titre;
  std::string periode;
  std::int64_t date_debut = 0;  // ms
  std::int64_t date_fin = 0;    // ms, exclusive: fixed when the planning is written
  std::string source = "manual";
  std::vector<SessionRecord> sessions;  // sorted by debut
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

struct ProgressRecord {
  std::string id;
  std::string user_id;
  std::string date;  // YYYY-MM-DD in the user's time zone
  int sessions_completees = 0;
  int temps_etudie = 0;  // minutes
  std::string notes;
  std::optional<std::string> matiere;
  std::optional<std::string> planning_id;
  std::optional<std::string> session_id;
  std::int64_t created_at = 0;
};

}  // namespace planetude::store

namespace planetude::store {

struct ChatMessageRecord {
  std::string id;
  std::string user_id;
  std::string role;  // "user" | "coach"
  std::string content;
  std::optional<std::string> source;  // coach messages: "gemini" | "openai" | "fallback"
  std::int64_t created_at = 0;
  std::int64_t seq = 0;  // set by the store
};

}  // namespace planetude::store

namespace planetude::store {

// A change to the user's plannings that the coach suggested; nothing changes until it is applied.
struct ProposalRecord {
  std::string id;
  std::string user_id;
  std::string message_id;          // the coach message that made it
  std::string type;                // "create_planning" | "update_session" | "delete_session"
  std::string summary;             // French, for the student
  std::string payload;             // JSON object text: what applying it does (docs/api.md)
  std::string origin;              // "ai" | "fallback": the `source` a planning it creates takes
  std::string status = "pending";  // "pending" | "applied" | "dismissed"
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

}  // namespace planetude::store

namespace planetude::store {

// A student's imported school timetable: what was imported, and when.
struct TimetableImportRecord {
  std::string user_id;
  std::optional<std::string> name;  // the file's name, when the student's client gave it
  std::int64_t imported_at = 0;     // ms
  std::int64_t event_count = 0;
  std::optional<std::int64_t> first_start;  // ms: the first event's start; nullopt without events
  std::optional<std::int64_t> last_end;     // ms: the latest end
};

// One occurrence of a timetable event: busy time for the scheduler.
struct TimetableEventRecord {
  std::string id;
  std::string title;
  std::string location;    // "" when the file named none
  std::int64_t debut = 0;  // ms, inclusive
  std::int64_t fin = 0;    // ms, exclusive
  bool all_day = false;
  bool exam = false;  // its title names an exam (« contrôle », « partiel »…)
};

}  // namespace planetude::store

namespace planetude::store {

// A day the student rests: « jour off » (a few a month) or a day of an exam week (« partiels »).
// Neither breaks nor extends the streak; the scheduler places nothing on a day off.
struct RestDayRecord {
  std::string date;  // YYYY-MM-DD, the user's local day
  std::string kind;  // "jour_off" | "partiels"
  std::int64_t created_at = 0;
};

}  // namespace planetude::store
