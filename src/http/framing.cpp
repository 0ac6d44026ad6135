#include "http/framing.hpp"

#include <boost/url/parse.hpp>

#include <algorithm>
#include <cctype>

#include "core/text.hpp"
#include "http/error_response.hpp"

namespace planetude::http {

namespace bhttp = boost::beast::http;

namespace {

Response bad_framing(std::string message) { return error_response(400, "bad_request", message); }

// A Host value: uri-host [ ":" port ], no user information (RFC 9110 §7.2). Empty is allowed.
bool valid_host(std::string_view value) {
  if (value.empty()) return true;
  if (value.find('@') != std::string_view::npos) return false;
  return static_cast<bool>(boost::urls::parse_authority(value));
}

}  // namespace

std::optional<Response> framing_refusal(const bhttp::request_header<>& head) {
  auto hosts = head.count(bhttp::field::host);
  if (head.version() >= 11 && hosts != 1)
    return bad_framing(hosts == 0 ? "L'en-tête Host est obligatoire en HTTP/1.1."
                                  : "L'en-tête Host ne doit apparaître qu'une fois.");
  if (hosts == 1 && !valid_host(head[bhttp::field::host])) return bad_framing("L'en-tête Host n'est pas valide.");
  // An origin-form target that is no valid URI path and query (a stray '%', "%zz"...): RFC 9112 §3.2.
  std::string_view target(head.target().data(), head.target().size());
  if (!target.empty() && target.front() == '/' && !boost::urls::parse_origin_form(target))
    return bad_framing("La cible de la requête n'est pas une URI valide.");

  if (head.count(bhttp::field::transfer_encoding) > 0) {
    // Every coding listed, across repeated fields, in order.
    std::vector<std::string> codings;
    for (auto it = head.find(bhttp::field::transfer_encoding);
         it != head.end() && it->name() == bhttp::field::transfer_encoding; ++it) {
      std::string_view list(it->value().data(), it->value().size());
      while (!list.empty()) {
        auto comma = list.find(',');
        std::string coding = text::trim(list.substr(0, comma));
        // Parameters (";q=…") are not part of the coding's name.
        coding = text::trim(std::string_view(coding).substr(0, coding.find(';')));
        std::transform(coding.begin(), coding.end(), coding.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (!coding.empty()) codings.push_back(coding);
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
      }
    }
    if (codings.empty() || codings.back() != "chunked")
      return bad_framing("Le corps de la requête doit être envoyé en « chunked » (ou avec Content-Length).");
    if (std::count(codings.begin(), codings.end(), "chunked") > 1)
      return bad_framing("Le codage « chunked » ne peut être appliqué qu'une fois.");
    if (codings.size() > 1)
      return error_response(501, "not_implemented", "Seul le codage de transfert « chunked » est pris en charge.");
  }
  return std::nullopt;
}

bool starts_folded_line(char previous, std::string_view bytes) {
  for (char c : bytes) {
    if (previous == '\n' && (c == ' ' || c == '\t')) return true;
    previous = c;
  }
  return false;
}

std::optional<Target> parse_target(std::string_view target) {
  Target t;
  if (!target.empty() && target.front() == '/') {
    auto url = boost::urls::parse_origin_form(target);
    if (!url) return std::nullopt;
    t.path = url->path();
    for (auto p : url->params()) t.query.emplace_back(p.key, p.has_value ? p.value : std::string());
    return t;
  }
  auto url = boost::urls::parse_absolute_uri(target);
  if (!url || !url->has_authority() || url->has_userinfo() ||
      (url->scheme_id() != boost::urls::scheme::http && url->scheme_id() != boost::urls::scheme::https))
    return std::nullopt;
  t.path = url->path().empty() ? std::string("/") : std::string(url->path());
  for (auto p : url->params()) t.query.emplace_back(p.key, p.has_value ? p.value : std::string());
  t.authority = std::string(url->encoded_host_and_port());
  return t;
}

}  // namespace planetude::http
