// The SQLite schema, as numbered migrations applied in order, each in its own transaction.
#pragma once
#include <span>
#include <string_view>

namespace planetude::store::sqlite {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

std::span<const Migration> migrations();

}  // namespace planetude::store::sqlite
