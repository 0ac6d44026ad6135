// Precompiled header of the layers that speak HTTP (http/, http_client/, llm/, routes/): Asio,
// Beast and Boost.JSON; never SQL.
#pragma once
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include "forbid_sqlite.inc"
