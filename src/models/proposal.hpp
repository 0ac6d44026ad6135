// The coach's proposals as the API shows them (docs/api.md).
#pragma once
#include <boost/json/object.hpp>

#include "store/records.hpp"

namespace planetude::models {

// {_id, type, summary, payload, status}
boost::json::object to_json(const store::ProposalRecord& proposal);

}  // namespace planetude::models
