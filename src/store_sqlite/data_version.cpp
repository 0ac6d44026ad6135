#include "store_sqlite/data_version.hpp"

#include "store_sqlite/connection.hpp"

namespace planetude::store::sqlite {

void bump_data_version(Connection& c, const std::string& user_id) {
  c.prepare("UPDATE users SET data_version = data_version + 1 WHERE id = ?").bind(1, user_id).run();
}

void bump_data_version_of_session(Connection& c, const std::string& session_id) {
  c.prepare("UPDATE users SET data_version = data_version + 1 WHERE id = (SELECT user_id FROM sessions WHERE id = ?)")
      .bind(1, session_id)
      .run();
}

}  // namespace planetude::store::sqlite
