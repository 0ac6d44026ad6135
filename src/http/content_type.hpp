// Bodies must be JSON: `application/json`, optionally with `charset=utf-8` (docs/api.md).
#pragma once
#include <string_view>

namespace planetude::http {

bool is_json_content_type(std::string_view content_type);

}  // namespace planetude::http
