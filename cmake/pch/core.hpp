// Precompiled header of core/, observability/, store/ and models/: the standard library and
// Boost.JSON, nothing of HTTP or SQL.
#pragma once
#include <boost/json.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include "forbid_beast_sqlite.inc"
