// Precompiled header of store_copy/: SQLite, libpq and the standard library, nothing of HTTP. The
// one layer that sees both databases (planetude copy).
#pragma once
#include <libpq-fe.h>
#include <sqlite3.h>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include "forbid_beast.inc"
