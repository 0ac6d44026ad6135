#include "store/row_readers.hpp"
#include "store_pg/connection.hpp"
#include "store_pg/pg_stores.hpp"

namespace planetude::store::pg {

using rows::read_proposal;

namespace {

// payload is json (not jsonb): its text comes back exactly as it was written.
constexpr std::string_view kColumns =
    "id, user_id, message_id, type, summary, payload, origin, status, ts_to_ms(created_at), ts_to_ms(updated_at)";

std::vector<ProposalRecord> read_all(Statement& st) {
  std::vector<ProposalRecord> out;
  while (st.step()) out.push_back(read_proposal(st));
  return out;
}

}  // namespace

void PgProposalStore::insert(const ProposalRecord& p) {
  c_.prepare(
        "INSERT INTO chat_proposals (id, user_id, message_id, type, summary, payload, origin, status, created_at, "
        "updated_at) VALUES ($1, $2, $3, $4, $5, $6::json, $7, $8, ms_to_ts($9::bigint), ms_to_ts($10::bigint))")
      .bind(1, std::string_view(p.id))
      .bind(2, std::string_view(p.user_id))
      .bind(3, std::string_view(p.message_id))
      .bind(4, std::string_view(p.type))
      .bind(5, std::string_view(p.summary))
      .bind(6, std::string_view(p.payload))
      .bind(7, std::string_view(p.origin))
      .bind(8, std::string_view(p.status))
      .bind(9, p.created_at)
      .bind(10, p.updated_at)
      .run();
}

std::optional<ProposalRecord> PgProposalStore::find(const std::string& user_id, const std::string& id) {
  auto st = c_.prepare("SELECT " + std::string(kColumns) + " FROM chat_proposals WHERE id = $1 AND user_id = $2");
  st.bind(1, std::string_view(id)).bind(2, std::string_view(user_id));
  if (!st.step()) return std::nullopt;
  return read_proposal(st);
}

void PgProposalStore::set_status(const std::string& id, const std::string& status, std::int64_t now_ms) {
  c_.prepare("UPDATE chat_proposals SET status = $1, updated_at = ms_to_ts($2::bigint) WHERE id = $3")
      .bind(1, std::string_view(status))
      .bind(2, now_ms)
      .bind(3, std::string_view(id))
      .run();
}

std::vector<ProposalRecord> PgProposalStore::list_all(const std::string& user_id) {
  auto st = c_.prepare("SELECT " + std::string(kColumns) +
                       " FROM chat_proposals WHERE user_id = $1 ORDER BY created_at, id COLLATE \"C\"");
  st.bind(1, std::string_view(user_id));
  return read_all(st);
}

std::vector<ProposalRecord> PgProposalStore::of_messages(const std::string& user_id,
                                                         const std::vector<std::string>& message_ids) {
  if (message_ids.empty()) return {};
  // One query rather than SQLite's lookup per message (each a round trip here), in the order
  // that loop and its stable sort give: by creation, then the message's place in the list, then id.
  auto st = c_.prepare("SELECT " + std::string(kColumns) +
                       " FROM unnest($2::text[]) WITH ORDINALITY AS wanted(message, place)"
                       " JOIN chat_proposals ON message_id = wanted.message WHERE user_id = $1"
                       " ORDER BY created_at, wanted.place, id COLLATE \"C\"");
  const std::string ids = text_array(message_ids);
  st.bind(1, std::string_view(user_id)).bind(2, std::string_view(ids));
  return read_all(st);
}

}  // namespace planetude::store::pg
