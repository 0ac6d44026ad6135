// Contract of store::ChatStore, through the interfaces only (store_contract.hpp).
#include <gtest/gtest.h>

#include "store_contract.hpp"

namespace {

using namespace planetude::testing;
using planetude::store::ChatMessageRecord;
using planetude::store::Repos;

class StoreChat : public StoreContract {
 protected:
  void SetUp() override {
    StoreContract::SetUp();
    add_alice_and_bob();
  }
  void append(const std::vector<ChatMessageRecord>& messages) {
    write([&](Repos& r) {
      for (const auto& m : messages) r.chat().append(m);
    });
  }
  std::optional<ChatMessageRecord> find(const std::string& user_id, const std::string& id) {
    return read([&](Repos& r) { return r.chat().find(user_id, id); });
  }
  std::int64_t seq_of(const std::string& user_id, const std::string& id) {
    auto m = find(user_id, id);
    EXPECT_TRUE(m.has_value()) << id;
    return m ? m->seq : -1;
  }
  std::vector<std::string> newest(const std::string& user_id, std::optional<std::int64_t> before_seq,
                                  std::size_t limit) {
    return ids_of(read([&](Repos& r) { return r.chat().newest(user_id, before_seq, limit); }));
  }
  // Alice's messages oid(1)..oid(5), with Bob's oid(11), oid(12) in between.
  void add_conversations() {
    append({message_record(oid(1), kAlice, "user", "un", kT0), message_record(oid(2), kAlice, "coach", "deux", kT0 + 1),
            message_record(oid(11), kBob, "user", "onze", kT0 + 2),
            message_record(oid(3), kAlice, "user", "trois", kT0 + 3)});
    append({message_record(oid(4), kAlice, "coach", "quatre", kT0 + 4),
            message_record(oid(12), kBob, "coach", "douze", kT0 + 5),
            message_record(oid(5), kAlice, "user", "cinq", kT0 + 6)});
  }
};

TEST_P(StoreChat, AppendedMessagesAreFoundWithEveryFieldAndASeqFromTheStore) {
  ChatMessageRecord question = message_record(oid(1), kAlice, "user", "Comment réviser « l'algèbre » ?\n\"vite\"", kT0);
  question.seq = 12345;  // ignored: the store sets it
  ChatMessageRecord answer = message_record(oid(2), kAlice, "coach", "Par petites sessions.", kT0 + 1);
  answer.source = "gemini";
  answer.seq = 1;  // ignored too: the answer still comes after the question
  append({question, answer});

  auto q = find(kAlice, oid(1));
  auto a = find(kAlice, oid(2));
  ASSERT_TRUE(q && a);
  EXPECT_EQ(show(q), show(question));
  EXPECT_EQ(show(a), show(answer));
  EXPECT_EQ(q->source, std::nullopt);
  EXPECT_GT(q->seq, 0);
  EXPECT_GT(a->seq, q->seq);
}

TEST_P(StoreChat, FindIsNulloptForAnotherUsersOrAnUnknownMessage) {
  append({message_record(oid(1), kAlice, "user", "salut", kT0)});
  EXPECT_FALSE(find(kBob, oid(1)).has_value());
  EXPECT_FALSE(find(kAlice, oid(9)).has_value());
  EXPECT_TRUE(find(kAlice, oid(1)).has_value());
}

TEST_P(StoreChat, SeqIncreasesInAppendOrderAndListAllIsOldestFirst) {
  add_conversations();
  std::vector<std::int64_t> seqs;
  for (auto [user, n] : std::vector<std::pair<std::string, unsigned>>{
           {kAlice, 1}, {kAlice, 2}, {kBob, 11}, {kAlice, 3}, {kAlice, 4}, {kBob, 12}, {kAlice, 5}})
    seqs.push_back(seq_of(user, oid(n)));
  for (std::size_t i = 1; i < seqs.size(); ++i) EXPECT_LT(seqs[i - 1], seqs[i]) << i;

  auto alices = read([](Repos& r) { return r.chat().list_all(kAlice); });
  EXPECT_EQ(ids_of(alices), oids({1, 2, 3, 4, 5}));
  ASSERT_EQ(alices.size(), 5u);
  EXPECT_EQ(show(alices[3]), show(message_record(oid(4), kAlice, "coach", "quatre", kT0 + 4)));
  EXPECT_EQ(alices[3].seq, seqs[4]);
  EXPECT_EQ(ids_of(read([](Repos& r) { return r.chat().list_all(kBob); })), oids({11, 12}));
  EXPECT_TRUE(read([](Repos& r) { return r.chat().list_all(oid(99)); }).empty());
}

TEST_P(StoreChat, NewestIsNewestFirstUpToTheLimit) {
  add_conversations();
  EXPECT_EQ(newest(kAlice, std::nullopt, 3), oids({5, 4, 3}));
  EXPECT_EQ(newest(kAlice, std::nullopt, 5), oids({5, 4, 3, 2, 1}));
  EXPECT_EQ(newest(kAlice, std::nullopt, 100), oids({5, 4, 3, 2, 1}));
  EXPECT_EQ(newest(kAlice, std::nullopt, 1), oids({5}));
  EXPECT_TRUE(newest(kAlice, std::nullopt, 0).empty());
  EXPECT_EQ(newest(kBob, std::nullopt, 10), oids({12, 11}));
  EXPECT_TRUE(newest(oid(99), std::nullopt, 10).empty());

  auto rows = read([](Repos& r) { return r.chat().newest(kAlice, std::nullopt, 1); });
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(show(rows[0]), show(message_record(oid(5), kAlice, "user", "cinq", kT0 + 6)));
  EXPECT_EQ(rows[0].seq, seq_of(kAlice, oid(5)));
}

TEST_P(StoreChat, NewestBeforeASeqExcludesThatSeqAndLater) {
  add_conversations();
  EXPECT_EQ(newest(kAlice, seq_of(kAlice, oid(4)), 2), oids({3, 2}));
  EXPECT_EQ(newest(kAlice, seq_of(kAlice, oid(4)), 10), oids({3, 2, 1}));
  EXPECT_EQ(newest(kAlice, seq_of(kAlice, oid(2)), 10), oids({1}));
  EXPECT_TRUE(newest(kAlice, seq_of(kAlice, oid(1)), 10).empty());
  // Any seq is a position, Bob's too.
  EXPECT_EQ(newest(kAlice, seq_of(kBob, oid(12)), 10), oids({4, 3, 2, 1}));
  EXPECT_EQ(newest(kBob, seq_of(kAlice, oid(5)), 10), oids({12, 11}));
  EXPECT_EQ(newest(kBob, seq_of(kAlice, oid(3)), 10), oids({11}));
  EXPECT_EQ(newest(kAlice, seq_of(kAlice, oid(5)) + 1000, 2), oids({5, 4}));

  // Paging back through the whole conversation.
  std::vector<std::string> seen;
  std::optional<std::int64_t> before;
  for (int page = 0; page < 10; ++page) {
    auto rows = read([&](Repos& r) { return r.chat().newest(kAlice, before, 2); });
    for (const auto& m : rows) seen.push_back(m.id);
    if (rows.size() < 2) break;
    before = rows.back().seq;
  }
  EXPECT_EQ(seen, oids({5, 4, 3, 2, 1}));
}

TEST_P(StoreChat, ClearRemovesTheUsersConversationAndItsProposalsOnly) {
  add_conversations();
  write([](Repos& r) {
    r.proposals().insert(proposal_record(oid(21), kAlice, oid(2), kT0 + 1));
    r.proposals().insert(proposal_record(oid(22), kAlice, oid(4), kT0 + 4));
    r.proposals().insert(proposal_record(oid(23), kBob, oid(12), kT0 + 5));
  });
  const auto bobs_messages = read([](Repos& r) { return r.chat().list_all(kBob); });
  write([](Repos& r) { r.chat().clear(kAlice); });

  read([&](Repos& r) {
    EXPECT_TRUE(r.chat().list_all(kAlice).empty());
    EXPECT_TRUE(r.chat().newest(kAlice, std::nullopt, 10).empty());
    EXPECT_FALSE(r.chat().find(kAlice, oid(1)).has_value());
    EXPECT_TRUE(r.proposals().list_all(kAlice).empty());
    EXPECT_FALSE(r.proposals().find(kAlice, oid(21)).has_value());
    EXPECT_FALSE(r.proposals().find(kAlice, oid(22)).has_value());

    auto bobs_now = r.chat().list_all(kBob);
    EXPECT_EQ(ids_of(bobs_now), oids({11, 12}));
    for (std::size_t i = 0; i < bobs_now.size() && i < bobs_messages.size(); ++i) {
      EXPECT_EQ(show(bobs_now[i]), show(bobs_messages[i]));
      EXPECT_EQ(bobs_now[i].seq, bobs_messages[i].seq);
    }
    EXPECT_EQ(show(r.proposals().find(kBob, oid(23))), show(proposal_record(oid(23), kBob, oid(12), kT0 + 5)));
    return 0;
  });
  // Clearing an empty conversation is not an error.
  EXPECT_NO_THROW(write([](Repos& r) { r.chat().clear(kAlice); }));
}

TEST_P(StoreChat, SeqKeepsIncreasingAfterAClear) {
  add_conversations();
  const std::int64_t last = seq_of(kAlice, oid(5));
  write([](Repos& r) {
    r.chat().clear(kAlice);
    r.chat().clear(kBob);
  });
  append({message_record(oid(6), kAlice, "user", "de nouveau", kT0 + 10)});
  // The order never goes back: a new message comes after every earlier one, cleared or not.
  EXPECT_GT(seq_of(kAlice, oid(6)), last);
  EXPECT_EQ(newest(kAlice, std::nullopt, 10), oids({6}));
  // The ids of cleared messages may be used again.
  append({message_record(oid(1), kAlice, "user", "un bis", kT0 + 11)});
  EXPECT_EQ(newest(kAlice, std::nullopt, 10), oids({1, 6}));
}

PLANETUDE_STORE_CONTRACT(StoreChat);

}  // namespace
