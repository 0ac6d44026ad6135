// Precompiled header of services/ and llm/'s interface users: coroutines and JSON, nothing of
// HTTP or SQL.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
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
