// The per-user data version (users.data_version): every write to a user's profile, plannings,
// sessions or progress adds one, inside the write's own transaction, so a reader that saw version
// N has seen every write up to N. The HTTP layer derives entity tags from it (conditional GETs).
#pragma once
#include <string>

namespace planetude::store::pg {

class Connection;

void bump_data_version(Connection& c, const std::string& user_id);
// The same, for the user whose session this is (no-op when the session does not exist).
void bump_data_version_of_session(Connection& c, const std::string& session_id);

}  // namespace planetude::store::pg
