#include "services/coach/proposal_service.hpp"

#include <boost/json.hpp>

#include "core/clock.hpp"
#include "core/errors.hpp"
#include "core/ids.hpp"
#include "models/planning.hpp"
#include "models/proposal.hpp"
#include "services/planning/planning_ops.hpp"

namespace planetude {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

store::ProposalRecord pending_proposal(store::Repos& repos, const std::string& user_id, const std::string& id) {
  auto p = ids::is_valid(id) ? repos.proposals().find(user_id, id) : std::nullopt;
  if (!p) throw errors::not_found();
  if (p->status != "pending")
    throw errors::conflict("proposal_not_pending", "Cette proposition a déjà été " +
                                                       std::string(p->status == "applied" ? "appliquée." : "écartée."));
  return std::move(*p);
}

std::string string_member(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

// Makes the proposal's change in the caller's transaction; returns the planning as it now is.
store::PlanningRecord make_change(store::Repos& repos, const store::UserRecord& user, const store::ProposalRecord& p,
                                  std::int64_t now) {
  json::object payload = json::parse(p.payload).as_object();
  if (p.type == "create_planning") {
    auto input = models::parse_planning_input(payload, datetime::zone(user.timezone), false);
    store::PlanningRecord planning = new_planning(user, input, p.origin, now);
    repos.plannings().insert(planning);
    return planning;
  }
  std::string planning_id = string_member(payload, "planningId");
  std::string session_id = string_member(payload, "sessionId");
  if (!ids::is_valid(planning_id) || !ids::is_valid(session_id)) throw errors::not_found();
  if (p.type == "delete_session") return delete_session_in(repos, user.id, planning_id, session_id, now);
  payload.erase("planningId");
  payload.erase("sessionId");
  return patch_session_in(repos, user.id, planning_id, session_id, models::parse_session_patch(payload), now);
}

}  // namespace

asio::awaitable<AppliedProposal> ProposalService::apply(store::UserRecord user, std::string id) {
  co_return co_await db_.write([&](store::Repos& r) {
    store::ProposalRecord p = pending_proposal(r, user.id, id);
    std::int64_t now = clock::now_ms();
    store::PlanningRecord planning = make_change(r, user, p, now);
    r.proposals().set_status(p.id, "applied", now);
    p.status = "applied";
    p.updated_at = now;
    return AppliedProposal{std::move(p), std::move(planning)};
  });
}

asio::awaitable<store::ProposalRecord> ProposalService::dismiss(std::string user_id, std::string id) {
  co_return co_await db_.write([&](store::Repos& r) {
    store::ProposalRecord p = pending_proposal(r, user_id, id);
    std::int64_t now = clock::now_ms();
    r.proposals().set_status(p.id, "dismissed", now);
    p.status = "dismissed";
    p.updated_at = now;
    return p;
  });
}

}  // namespace planetude
