#include <algorithm>

#include "store/row_readers.hpp"
#include "store_sqlite/connection.hpp"
#include "store_sqlite/sqlite_stores.hpp"

namespace planetude::store::sqlite {

using rows::read_proposal;

namespace {

constexpr std::string_view kColumns =
    "id, user_id, message_id, type, summary, payload, origin, status, created_at, updated_at";

}  // namespace

void SqliteProposalStore::insert(const ProposalRecord& p) {
  c_.prepare("INSERT INTO chat_proposals (" + std::string(kColumns) + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(1, p.id)
      .bind(2, p.user_id)
      .bind(3, p.message_id)
      .bind(4, p.type)
      .bind(5, p.summary)
      .bind(6, p.payload)
      .bind(7, p.origin)
      .bind(8, p.status)
      .bind(9, p.created_at)
      .bind(10, p.updated_at)
      .run();
}

std::optional<ProposalRecord> SqliteProposalStore::find(const std::string& user_id, const std::string& id) {
  auto st = c_.prepare("SELECT " + std::string(kColumns) + " FROM chat_proposals WHERE id = ? AND user_id = ?");
  st.bind(1, id).bind(2, user_id);
  if (!st.step()) return std::nullopt;
  return read_proposal(st);
}

void SqliteProposalStore::set_status(const std::string& id, const std::string& status, std::int64_t now_ms) {
  c_.prepare("UPDATE chat_proposals SET status = ?, updated_at = ? WHERE id = ?")
      .bind(1, status)
      .bind(2, now_ms)
      .bind(3, id)
      .run();
}

std::vector<ProposalRecord> SqliteProposalStore::list_all(const std::string& user_id) {
  auto st =
      c_.prepare("SELECT " + std::string(kColumns) + " FROM chat_proposals WHERE user_id = ? ORDER BY created_at, id");
  st.bind(1, user_id);
  std::vector<ProposalRecord> out;
  while (st.step()) out.push_back(read_proposal(st));
  return out;
}

std::vector<ProposalRecord> SqliteProposalStore::of_messages(const std::string& user_id,
                                                             const std::vector<std::string>& message_ids) {
  // One indexed lookup a message (a history page holds at most 100): no SQL built from a list.
  std::vector<ProposalRecord> out;
  for (const auto& message_id : message_ids) {
    auto st = c_.prepare("SELECT " + std::string(kColumns) +
                         " FROM chat_proposals WHERE message_id = ? AND user_id = ? ORDER BY created_at, id");
    st.bind(1, message_id).bind(2, user_id);
    while (st.step()) out.push_back(read_proposal(st));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const ProposalRecord& a, const ProposalRecord& b) { return a.created_at < b.created_at; });
  return out;
}

}  // namespace planetude::store::sqlite
