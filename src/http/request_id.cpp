#include "http/request_id.hpp"

#include "core/ids.hpp"

namespace planetude::http {

std::string request_id_for(std::string_view incoming) {
  bool ok = !incoming.empty() && incoming.size() <= 128;
  for (char c : incoming)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) ok = false;
  return ok ? std::string(incoming) : ids::random_hex(16);
}

}  // namespace planetude::http
