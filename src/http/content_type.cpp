#include "http/content_type.hpp"

#include "core/text.hpp"

namespace planetude::http {

bool is_json_content_type(std::string_view value) { return has_media_type(value, "application/json"); }

bool has_media_type(std::string_view value, std::string_view media_type) {
  auto semi = value.find(';');
  std::string media = text::trim(value.substr(0, semi));
  if (!text::iequals(media, media_type)) return false;
  while (semi != std::string_view::npos) {
    value.remove_prefix(semi + 1);
    semi = value.find(';');
    std::string param = text::to_lower_ascii(text::trim(value.substr(0, semi)));
    if (param.empty()) continue;
    // Spaces around '=' are not valid HTTP, but "charset = latin1" still names a charset.
    auto eq = param.find('=');
    if (text::trim(std::string_view(param).substr(0, eq)) != "charset") continue;  // other parameters do not matter
    if (eq == std::string::npos) return false;
    std::string charset = text::trim(std::string_view(param).substr(eq + 1));
    if (charset.size() >= 2 && charset.front() == '"' && charset.back() == '"')
      charset = charset.substr(1, charset.size() - 2);
    if (charset != "utf-8" && charset != "utf8") return false;
  }
  return true;
}

}  // namespace planetude::http
