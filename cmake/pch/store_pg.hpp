// Precompiled header of store_pg/: libpq and the standard library, nothing of HTTP or SQLite.
#pragma once
#include <libpq-fe.h>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include "forbid_beast.inc"
#pragma GCC poison sqlite3
