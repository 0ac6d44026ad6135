#include "http/content_type.hpp"

#include "core/text.hpp"

namespace planetude::http {

bool is_json_content_type(std::string_view value) {
  auto semi = value.find(';');
  std::string media = text::trim(value.substr(0, semi));
  if (!text::iequals(media, "application/json")) return false;
  while (semi != std::string_view::npos) {
    value.remove_prefix(semi + 1);
    semi = value.find(';');
    std::string param = text::to_lower_ascii(text::trim(value.substr(0, semi)));
    if (param.empty()) continue;
    if (param.rfind("charset=", 0) == 0) {
      std::string charset = param.substr(8);
      if (charset.size() >= 2 && charset.front() == '"' && charset.back() == '"') charset = charset.substr(1, charset.size() - 2);
      if (charset != "utf-8" && charset != "utf8") return false;
    }
  }
  return true;
}

}  // namespace planetude::http
