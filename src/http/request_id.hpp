// X-Request-Id: a client's well-formed id is kept (it ties logs across services); otherwise one is made.
#pragma once
#include <string>
#include <string_view>

namespace planetude::http {

std::string request_id_for(std::string_view incoming);

}  // namespace planetude::http
