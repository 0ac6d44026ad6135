// Precompiled header of store_sqlite/: SQLite and the standard library, nothing of HTTP.
#pragma once
#include <sqlite3.h>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include "forbid_beast.inc"
