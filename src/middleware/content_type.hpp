// Bodies must be JSON: `application/json`, optionally with `charset=utf-8` (API.md "Conventions").
#pragma once
#include <string_view>

namespace planetude::middleware {

bool is_json_content_type(std::string_view content_type);

}  // namespace planetude::middleware
