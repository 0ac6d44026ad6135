#include "store_pg/data_version.hpp"

#include "store_pg/connection.hpp"

namespace planetude::store::pg {

void bump_data_version(Connection& c, const std::string& user_id) {
  c.prepare("UPDATE users SET data_version = data_version + 1 WHERE id = $1").bind(1, std::string_view(user_id)).run();
}

void bump_data_version_of_session(Connection& c, const std::string& session_id) {
  c.prepare("UPDATE users SET data_version = data_version + 1 WHERE id = (SELECT user_id FROM sessions WHERE id = $1)")
      .bind(1, std::string_view(session_id))
      .run();
}

}  // namespace planetude::store::pg
