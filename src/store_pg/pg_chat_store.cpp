#include "store/row_readers.hpp"
#include "store_pg/connection.hpp"
#include "store_pg/pg_stores.hpp"

namespace planetude::store::pg {

using rows::read_message;

namespace {

constexpr std::string_view kSelect =
    "SELECT seq, id, user_id, role, content, source, ts_to_ms(created_at) FROM chat_messages";

}  // namespace

void PgChatStore::append(const ChatMessageRecord& m) {
  // seq is an identity column: the database numbers the message, the record's seq is ignored.
  c_.prepare(
        "INSERT INTO chat_messages (id, user_id, role, content, source, created_at) "
        "VALUES ($1, $2, $3, $4, $5, ms_to_ts($6::bigint))")
      .bind(1, std::string_view(m.id))
      .bind(2, std::string_view(m.user_id))
      .bind(3, std::string_view(m.role))
      .bind(4, std::string_view(m.content))
      .bind(5, m.source)
      .bind(6, m.created_at)
      .run();
}

std::optional<ChatMessageRecord> PgChatStore::find(const std::string& user_id, const std::string& id) {
  auto st = c_.prepare(std::string(kSelect) + " WHERE id = $1 AND user_id = $2");
  st.bind(1, std::string_view(id)).bind(2, std::string_view(user_id));
  if (!st.step()) return std::nullopt;
  return read_message(st);
}

std::vector<ChatMessageRecord> PgChatStore::newest(const std::string& user_id, std::optional<std::int64_t> before_seq,
                                                   std::size_t limit) {
  auto st =
      c_.prepare(std::string(kSelect) + " WHERE user_id = $1 AND seq < $2::bigint ORDER BY seq DESC LIMIT $3::bigint");
  st.bind(1, std::string_view(user_id))
      .bind(2, before_seq.value_or(INT64_MAX))
      .bind(3, static_cast<std::int64_t>(limit));
  std::vector<ChatMessageRecord> out;
  while (st.step()) out.push_back(read_message(st));
  return out;
}

std::vector<ChatMessageRecord> PgChatStore::list_all(const std::string& user_id) {
  auto st = c_.prepare(std::string(kSelect) + " WHERE user_id = $1 ORDER BY seq");
  st.bind(1, std::string_view(user_id));
  std::vector<ChatMessageRecord> out;
  while (st.step()) out.push_back(read_message(st));
  return out;
}

void PgChatStore::clear(const std::string& user_id) {
  // The proposals of these messages go with them (ON DELETE CASCADE).
  c_.prepare("DELETE FROM chat_messages WHERE user_id = $1").bind(1, std::string_view(user_id)).run();
}

}  // namespace planetude::store::pg
