// Bodies must be JSON: `application/json`, optionally with `charset=utf-8` (docs/api.md); a route
// may name another media type (the timetable import takes `text/calendar`).
#pragma once
#include <string_view>

namespace planetude::http {

// True when `content_type` is `media_type` (case-insensitive) with no charset or a UTF-8 one.
bool has_media_type(std::string_view content_type, std::string_view media_type);
bool is_json_content_type(std::string_view content_type);

}  // namespace planetude::http
