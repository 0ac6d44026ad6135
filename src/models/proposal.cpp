#include "models/proposal.hpp"

#include <boost/json.hpp>

namespace planetude::models {

boost::json::object to_json(const store::ProposalRecord& p) {
  boost::json::value payload = boost::json::parse(p.payload);  // written by the server, always an object
  return boost::json::object{
      {"_id", p.id}, {"type", p.type}, {"summary", p.summary}, {"payload", std::move(payload)}, {"status", p.status}};
}

}  // namespace planetude::models
