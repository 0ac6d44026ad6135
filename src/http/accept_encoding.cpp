#include "http/accept_encoding.hpp"

#include <array>
#include <optional>
#include <string>

namespace planetude::http {

namespace {

// A q-value in thousandths (RFC 9110 §12.4.2: "0", "1", "0.xyz", "1.000"); nullopt if malformed.
std::optional<int> parse_qvalue(std::string_view v) {
  if (v.empty() || v.size() > 5 || (v[0] != '0' && v[0] != '1')) return std::nullopt;
  int whole = v[0] - '0';
  if (v.size() == 1) return whole * 1000;
  if (v[1] != '.') return std::nullopt;
  int fraction = 0;
  int digits = 0;
  for (char c : v.substr(2)) {
    if (c < '0' || c > '9') return std::nullopt;
    if (whole == 1 && c != '0') return std::nullopt;
    fraction = fraction * 10 + (c - '0');
    ++digits;
  }
  while (digits++ < 3) fraction *= 10;
  return whole * 1000 + fraction;
}

std::string lower_trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// The q-values the header gives identity, gzip, br and "*" (-1: not mentioned).
struct Weights {
  int identity = -1, gzip = -1, br = -1, any = -1;
};

Weights parse_weights(std::string_view header) {
  Weights w;
  std::size_t start = 0;
  while (start <= header.size()) {
    std::size_t comma = header.find(',', start);
    std::string_view item =
        header.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    start = comma == std::string_view::npos ? header.size() + 1 : comma + 1;
    std::size_t semi = item.find(';');
    std::string name = lower_trimmed(item.substr(0, semi));
    if (name.empty()) continue;
    int q = 1000;
    if (semi != std::string_view::npos) {
      std::string param = lower_trimmed(item.substr(semi + 1));
      if (param.size() < 2 || param[0] != 'q' || param.find('=') == std::string::npos) continue;  // unusable
      auto value = parse_qvalue(lower_trimmed(std::string_view(param).substr(param.find('=') + 1)));
      if (!value) continue;
      q = *value;
    }
    if (name == "identity") w.identity = q;
    else if (name == "gzip" || name == "x-gzip") w.gzip = q;
    else if (name == "br") w.br = q;
    else if (name == "*") w.any = q;
  }
  return w;
}

}  // namespace

CodingChoice choose_content_coding(std::string_view header, bool has_gzip, bool has_br) {
  if (lower_trimmed(header).empty()) return {};  // absent or empty: no preference, identity (§12.5.3)
  Weights w = parse_weights(header);
  // Identity is acceptable unless refused by name, or by "*;q=0" without naming it.
  int identity = w.identity >= 0 ? w.identity : (w.any == 0 ? 0 : 1);
  int gzip = w.gzip >= 0 ? w.gzip : (w.any >= 0 ? w.any : 0);
  int br = w.br >= 0 ? w.br : (w.any >= 0 ? w.any : 0);
  std::array<std::pair<ContentCoding, int>, 3> ranked{{
      {ContentCoding::br, has_br ? br : 0},
      {ContentCoding::gzip, has_gzip ? gzip : 0},
      {ContentCoding::identity, identity},
  }};
  CodingChoice best{ContentCoding::identity, false};
  int best_q = 0;
  for (const auto& [coding, q] : ranked) {
    if (q > best_q) {
      best = {coding, true};
      best_q = q;
    }
  }
  return best;
}

std::string_view content_coding_token(ContentCoding coding) {
  switch (coding) {
    case ContentCoding::gzip: return "gzip";
    case ContentCoding::br: return "br";
    case ContentCoding::identity: break;
  }
  return "";
}

}  // namespace planetude::http
