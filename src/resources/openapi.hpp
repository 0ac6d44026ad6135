// The OpenAPI 3.1 document (resources/openapi.json), compiled into the binary.
#pragma once
#include <string_view>

namespace planetude::resources {

std::string_view openapi_document();

}  // namespace planetude::resources
