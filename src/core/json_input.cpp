#include "core/json_input.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <cmath>

#include "core/text.hpp"

namespace planetude::json_input {

namespace json = boost::json;

std::optional<json::value> try_parse(std::string_view text) {
  boost::system::error_code ec;
  json::parse_options options;
  options.max_depth = 64;  // deep nesting is never legitimate here and costs stack
  json::value v = json::parse(text, ec, {}, options);
  if (ec) return std::nullopt;
  return v;
}

json::value parse_body(std::string_view body) {
  if (body.empty()) throw errors::invalid_json("Le corps de la requête est vide : un objet JSON est attendu.");
  auto v = try_parse(body);
  if (!v) throw errors::invalid_json();
  return std::move(*v);
}

void Problems::throw_if_any() const {
  if (!list_.empty()) throw errors::validation(list_);
}

std::string join_path(std::string_view parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  return std::string(parent) + "." + std::string(key);
}

namespace {
std::string length_message(const StringRule& rule) {
  if (rule.min == 0) return "ne doit pas dépasser " + std::to_string(rule.max) + " caractères";
  return "doit contenir entre " + std::to_string(rule.min) + " et " + std::to_string(rule.max) + " caractères";
}
}  // namespace

std::optional<std::string> check_string(const json::value& v, const std::string& path, const StringRule& rule,
                                        Problems& problems) {
  if (!v.is_string()) {
    problems.add(path, "doit être une chaîne de caractères");
    return std::nullopt;
  }
  std::string_view raw(v.get_string());
  std::string s = rule.trim ? text::trim(raw) : std::string(raw);
  std::size_t n = text::code_points(s);
  if (n < rule.min || n > rule.max) {
    problems.add(path, n == 0 ? "ne doit pas être vide" : length_message(rule));
    return std::nullopt;
  }
  if (text::has_control_chars(s, rule.allow_newlines)) {
    problems.add(path, "contient des caractères de contrôle interdits");
    return std::nullopt;
  }
  return s;
}

ObjectReader::ObjectReader(const json::value& value, std::string path, Problems& problems)
    : path_(std::move(path)), problems_(problems) {
  if (value.is_object()) object_ = &value.get_object();
  else problems_.add(path_, "doit être un objet JSON");
}

bool ObjectReader::contains(std::string_view key) const { return object_ && object_->contains(key); }

const json::value* ObjectReader::field(std::string_view key) {
  known_.emplace_back(key);
  if (!object_) return nullptr;
  const json::value* v = object_->if_contains(key);
  if (!v || v->is_null()) return nullptr;
  return v;
}

std::optional<std::string> ObjectReader::string(std::string_view key, const StringRule& rule, bool required) {
  const json::value* v = field(key);
  if (!v) {
    if (required && object_) problems_.add(path(key), "est obligatoire");
    return std::nullopt;
  }
  return check_string(*v, path(key), rule, problems_);
}

std::optional<std::int64_t> ObjectReader::integer(std::string_view key, std::int64_t min, std::int64_t max,
                                                  bool required) {
  const json::value* v = field(key);
  if (!v) {
    if (required && object_) problems_.add(path(key), "est obligatoire");
    return std::nullopt;
  }
  std::optional<std::int64_t> n;
  if (v->is_int64()) n = v->get_int64();
  else if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(max))
    n = static_cast<std::int64_t>(v->get_uint64());
  bool whole = v->is_int64() || v->is_uint64();
  if (v->is_double()) {
    double d = v->get_double();
    whole = std::isfinite(d) && d == std::floor(d);
    // Convert only what fits: a cast of 1e20 to int64 is undefined behaviour.
    if (whole && d >= -9.2e18 && d <= 9.2e18) n = static_cast<std::int64_t>(d);
  }
  if (!whole) {
    problems_.add(path(key), "doit être un nombre entier");
    return std::nullopt;
  }
  if (!n || *n < min || *n > max) {
    problems_.add(path(key), "doit être compris entre " + std::to_string(min) + " et " + std::to_string(max));
    return std::nullopt;
  }
  return n;
}

std::optional<std::vector<std::string>> ObjectReader::string_set(std::string_view key, std::size_t max_items,
                                                                 const StringRule& item, bool required) {
  const json::value* v = field(key);
  if (!v) {
    if (required && object_) problems_.add(path(key), "est obligatoire");
    return std::nullopt;
  }
  if (!v->is_array()) {
    problems_.add(path(key), "doit être une liste");
    return std::nullopt;
  }
  const auto& array = v->get_array();
  if (array.size() > max_items) {
    problems_.add(path(key), "ne doit pas contenir plus de " + std::to_string(max_items) + " éléments");
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool ok = true;
  for (std::size_t i = 0; i < array.size(); ++i) {
    auto s = check_string(array[i], path(key) + "[" + std::to_string(i) + "]", item, problems_);
    if (!s) {
      ok = false;
      continue;
    }
    if (std::find(out.begin(), out.end(), *s) == out.end()) out.push_back(std::move(*s));
  }
  if (!ok) return std::nullopt;
  return out;
}

void ObjectReader::reject_unknown() {
  if (!object_) return;
  for (const auto& kv : *object_) {
    if (std::find(known_.begin(), known_.end(), kv.key()) == known_.end())
      problems_.add(path(kv.key()), "n'est pas un champ autorisé");
  }
}

}  // namespace planetude::json_input
