// The opaque `cursor` of GET /api/planning (services/planning: encode_planning_cursor and
// decode_planning_cursor). The last byte picks one of two checks:
// - any text: a cursor is accepted only when it is at most 200 characters and names a valid id,
//   and what it decodes to encodes to a cursor that decodes to the same position;
// - a position made from the input (any date, an id of 24 hex digits): it encodes to URL-safe
//   characters and decodes back exactly.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "services/planning/planning_service.hpp"
#include "support/fuzz_support.hpp"

using Cursor = planetude::store::PlanningQuery::Cursor;
using planetude::decode_planning_cursor;
using planetude::encode_planning_cursor;
using planetude::fuzz::require;

namespace {

bool is_id(std::string_view id) {
  if (id.size() != 24) return false;
  for (char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

bool is_url_safe(std::string_view s) {
  for (char c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
      return false;
  return true;
}

void check_any_text(std::string_view text) {
  std::optional<Cursor> c = decode_planning_cursor(text);
  if (!c) return;
  require(text.size() <= 200, "an accepted cursor is at most 200 characters");
  require(is_url_safe(text), "an accepted cursor is base64url");
  require(is_id(c->id), "an accepted cursor names a valid id");
  std::optional<Cursor> again = decode_planning_cursor(encode_planning_cursor(*c));
  require(again && again->date_debut == c->date_debut && again->id == c->id,
          "a decoded cursor encodes to one that decodes the same");
}

void check_position(FuzzedDataProvider& in) {
  static constexpr char kHex[] = "0123456789abcdef";
  Cursor c{};
  c.date_debut = in.ConsumeIntegral<std::int64_t>();
  for (int i = 0; i < 24; ++i) c.id += kHex[in.ConsumeIntegralInRange(0, 15)];
  const std::string text = encode_planning_cursor(c);
  require(is_url_safe(text), "a cursor is base64url");
  std::optional<Cursor> back = decode_planning_cursor(text);
  require(back && back->date_debut == c.date_debut && back->id == c.id, "a cursor decodes to its position");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  if (in.ConsumeBool()) check_position(in);
  else check_any_text(in.ConsumeRemainingBytesAsString());
  return 0;
}
