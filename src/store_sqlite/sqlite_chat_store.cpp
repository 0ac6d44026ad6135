#include "store/row_readers.hpp"
#include "store_sqlite/connection.hpp"
#include "store_sqlite/sqlite_stores.hpp"

namespace planetude::store::sqlite {

using rows::read_message;

namespace {

constexpr std::string_view kColumns = "seq, id, user_id, role, content, source, created_at";

}  // namespace

void SqliteChatStore::append(const ChatMessageRecord& m) {
  auto st = c_.prepare(
      "INSERT INTO chat_messages (id, user_id, role, content, source, created_at) VALUES (?, ?, ?, ?, ?, ?)");
  st.bind(1, m.id).bind(2, m.user_id).bind(3, m.role).bind(4, m.content);
  m.source ? st.bind(5, *m.source) : st.bind_null(5);
  st.bind(6, m.created_at);
  st.run();
}

std::optional<ChatMessageRecord> SqliteChatStore::find(const std::string& user_id, const std::string& id) {
  auto st = c_.prepare("SELECT " + std::string(kColumns) + " FROM chat_messages WHERE id = ? AND user_id = ?");
  st.bind(1, id).bind(2, user_id);
  if (!st.step()) return std::nullopt;
  return read_message(st);
}

std::vector<ChatMessageRecord> SqliteChatStore::newest(const std::string& user_id,
                                                       std::optional<std::int64_t> before_seq, std::size_t limit) {
  auto st = c_.prepare("SELECT " + std::string(kColumns) + " FROM chat_messages WHERE user_id = ? AND seq < ? " +
                       "ORDER BY seq DESC LIMIT ?");
  st.bind(1, user_id).bind(2, before_seq.value_or(INT64_MAX)).bind(3, static_cast<std::int64_t>(limit));
  std::vector<ChatMessageRecord> out;
  while (st.step()) out.push_back(read_message(st));
  return out;
}

std::vector<ChatMessageRecord> SqliteChatStore::list_all(const std::string& user_id) {
  auto st = c_.prepare("SELECT " + std::string(kColumns) + " FROM chat_messages WHERE user_id = ? ORDER BY seq");
  st.bind(1, user_id);
  std::vector<ChatMessageRecord> out;
  while (st.step()) out.push_back(read_message(st));
  return out;
}

void SqliteChatStore::clear(const std::string& user_id) {
  c_.prepare("DELETE FROM chat_messages WHERE user_id = ?").bind(1, user_id).run();
}

}  // namespace planetude::store::sqlite
