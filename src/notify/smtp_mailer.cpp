#include "notify/smtp_mailer.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <mutex>

namespace planetude::notify {
namespace {

constexpr std::string_view url_shape =
    "smtp://[user:password@]host[:port]?from=adresse@exemple.fr (STARTTLS) or smtps://… (implicit TLS)";
constexpr std::string_view encoding_hint = "; write / ? # @ : in the user or password as %2F %3F %23 %40 %3A";

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

int hex_value(char c) {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 3986 percent-decoding; false on a malformed escape or an escaped NUL (libcurl takes C strings).
bool percent_decode(std::string_view in, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out += in[i];
      continue;
    }
    if (i + 2 >= in.size()) return false;
    int hi = hex_value(in[i + 1]), lo = hex_value(in[i + 2]);
    if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) return false;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return true;
}

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n;
    std::uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      n = 1, cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2, cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;
    for (std::size_t k = 1; k <= n; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += n + 1;
  }
  return true;
}

bool has_cr_or_lf(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

bool printable_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c <= 0x7E; });
}

// A DNS name (letters, digits, hyphens; labels of 1 to 63) or a dotted IPv4 address.
bool is_host_name(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = host.find('.', start);
    std::string_view label = host.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    if (!std::all_of(label.begin(), label.end(), [](char c) { return is_alnum(c) || c == '-'; })) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

bool is_ipv6(const std::string& host) {
  in6_addr addr{};
  return inet_pton(AF_INET6, host.c_str(), &addr) == 1;
}

std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(n < 0 ? 0 : static_cast<std::size_t>(n));
  return out;
}

// Length of the UTF-8 sequence that starts with `c` (1 for a stray byte, which valid_utf8 refuses earlier).
std::size_t utf8_length(unsigned char c) {
  if (c >= 0xF0) return 4;
  if (c >= 0xE0) return 3;
  if (c >= 0xC0) return 2;
  return 1;
}

// A header field's value: as is when it is short printable ASCII that cannot be taken for an encoded-word,
// else RFC 2047 encoded-words.
std::string header_value(std::string_view name, std::string_view value) {
  if (printable_ascii(value) && value.find("=?") == std::string_view::npos && name.size() + 2 + value.size() <= 78)
    return std::string(value);
  return encode_header_words(value, name.size() + 2);
}

constexpr std::array<const char*, 7> week_days = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<const char*, 12> months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// RFC 5322 §3.3, in UTC ("Mon, 08 Dec 2025 17:30:00 +0000"); the names are English whatever the locale.
std::string rfc5322_date(std::time_t now) {
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000",
                week_days[static_cast<std::size_t>(tm.tm_wday)], tm.tm_mday,
                months[static_cast<std::size_t>(tm.tm_mon)], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::string new_message_id(std::string_view from, std::time_t now) {
  std::array<unsigned char, 16> random{};
  if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
    // OpenSSL's generator failing is next to impossible; the time and the address keep the ID unique enough.
    static std::atomic<unsigned> counter{0};
    unsigned n = ++counter;
    std::memcpy(random.data(), &n, sizeof n);
  }
  static constexpr char digits[] = "0123456789abcdef";
  std::string id = "<";
  for (unsigned char b : random) {
    id += digits[b >> 4];
    id += digits[b & 0x0F];
  }
  id += '.' + std::to_string(static_cast<long long>(now));
  id += '@';
  id += from.substr(from.rfind('@') + 1);
  id += '>';
  return id;
}

// Line ends made CRLF (text/plain's canonical form, RFC 2046 §4.1.1): lone LF and lone CR alike.
std::string crlf_lines(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\r') {
      out += "\r\n";
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else if (c == '\n') {
      out += "\r\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string safe_filename(std::string_view name) {
  std::string out;
  for (char c : name) {
    bool keep = is_alnum(c) || c == ' ' || c == '.' || c == '_' || c == '(' || c == ')' || c == '+' || c == '-';
    out += keep ? c : '_';
  }
  if (out.empty()) out = "attachment";
  return out;
}

// A MIME type with optional parameters, printable ASCII: "type/subtype[; name=value]…".
bool is_content_type(std::string_view ct) {
  if (!printable_ascii(ct)) return false;
  std::string_view main = ct.substr(0, ct.find(';'));
  std::size_t slash = main.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 >= main.size()) return false;
  return std::all_of(main.begin(), main.end(),
                     [](char c) { return is_alnum(c) || c == '/' || c == '-' || c == '.' || c == '+' || c == ' '; });
}

// Printable text for a log line: control bytes become spaces, cut at `max` bytes.
std::string log_safe(std::string_view s, std::size_t max = 300) {
  std::string out;
  for (char c : s.substr(0, max)) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) ? ' ' : c;
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (s.size() > max) out += "…";
  return out;
}

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct EasyDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct MimeDeleter {
  void operator()(curl_mime* m) const { curl_mime_free(m); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

bool append(Slist& list, const std::string& line) {
  curl_slist* grown = curl_slist_append(list.get(), line.c_str());
  if (!grown) return false;
  (void)list.release();
  list.reset(grown);
  return true;
}

// The server's replies, as libcurl hands them to the header callback: the final line of the last reply
// ("250-…" continues a reply, "250 …" ends it), the closing "221" to QUIT left out.
std::size_t on_reply_line(char* data, std::size_t size, std::size_t count, void* user) {
  auto* last = static_cast<std::string*>(user);
  std::string_view line(data, size * count);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  bool final_line = line.size() < 4 || line[3] != '-';
  if (final_line && line.substr(0, 3) != "221") *last = log_safe(line);
  return size * count;
}

SendResult refuse(std::string detail) {
  SendResult r;
  r.status = SendStatus::permanent_failure;
  r.detail = std::move(detail);
  return r;
}

// "PlanÉtude <adresse@exemple.fr>": the display name as is when it is an atom phrase of ASCII, else encoded.
std::string from_field(const SmtpSettings& s) {
  if (s.from_name.empty()) return s.from;
  bool atoms = printable_ascii(s.from_name) && s.from_name.find_first_of("\"\\()<>@,;:[].=?") == std::string::npos;
  return (atoms ? s.from_name : encode_header_words(s.from_name, 6)) + " <" + s.from + ">";
}

std::string settings_problem(const SmtpSettings& s) {
  if (s.host.empty() || !(is_host_name(s.host) || is_ipv6(s.host))) return "SMTP settings: the host is not valid";
  if (s.port == 0) return "SMTP settings: the port is 0";
  if (!is_mail_address(s.from)) return "SMTP settings: the sender (from) is not a valid address";
  if (has_cr_or_lf(s.from_name) || !valid_utf8(s.from_name)) return "SMTP settings: the sender's name is not valid";
  if (!s.user.empty() && s.password.empty()) return "SMTP settings: a user without a password";
  if (s.user.find('\0') != std::string::npos || s.password.find('\0') != std::string::npos)
    return "SMTP settings: NUL byte in the user or the password";
  return {};
}

SendStatus classify(CURLcode rc, long code) {
  switch (rc) {
    case CURLE_OK: return SendStatus::sent;
    // libcurl's words for "the server answered something other than what was hoped": the reply code decides.
    case CURLE_SEND_ERROR:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_LOGIN_DENIED:
    case CURLE_REMOTE_ACCESS_DENIED:
    case CURLE_QUOTE_ERROR:
      return code >= 500 && code <= 599 ? SendStatus::permanent_failure : SendStatus::temporary_failure;
    // STARTTLS not offered or refused, handshake, certificate: the server side must change, the message
    // itself is fine; so are connection failures and timeouts.
    default: return SendStatus::temporary_failure;
  }
}

std::string curl_words(CURLcode rc, const char* error_buffer) {
  std::string words = error_buffer[0] ? error_buffer : curl_easy_strerror(rc);
  return log_safe(words);
}

std::string explain(CURLcode rc, const SmtpSettings& s, const std::string& words) {
  std::string where = s.host.find(':') != std::string::npos ? "[" + s.host + "]" : s.host;
  where += ':' + std::to_string(s.port);
  switch (rc) {
    case CURLE_USE_SSL_FAILED:
      return where + " does not offer STARTTLS or refused it (" + words + "); the message was not sent in clear";
    case CURLE_PEER_FAILED_VERIFICATION:
      return where + ": the server's certificate could not be verified (" + words + ")";
    case CURLE_SSL_CACERT_BADFILE: return "the CA file of the SMTP settings could not be read (" + words + ")";
    case CURLE_SSL_CONNECT_ERROR: return where + ": TLS handshake failed (" + words + ")";
    case CURLE_COULDNT_RESOLVE_HOST: return "cannot resolve " + s.host + " (" + words + ")";
    case CURLE_COULDNT_CONNECT: return "cannot connect to " + where + " (" + words + ")";
    case CURLE_OPERATION_TIMEDOUT: return where + ": timed out (" + words + ")";
    case CURLE_LOGIN_DENIED: return where + " refused the login of SMTP_URL's user (" + words + ")";
    default: return where + ": " + words;
  }
}

}  // namespace

std::string_view to_string(SendStatus status) {
  switch (status) {
    case SendStatus::sent: return "sent";
    case SendStatus::temporary_failure: return "temporary_failure";
    case SendStatus::permanent_failure: return "permanent_failure";
  }
  return "unknown";
}

std::string SmtpSettings::describe() const {
  std::string out = tls == SmtpTls::implicit ? "smtps://" : "smtp://";
  if (!user.empty()) out += log_safe(user, 100) + '@';
  out += host.find(':') != std::string::npos ? "[" + host + "]" : host;
  out += ':' + std::to_string(port);
  out += tls == SmtpTls::implicit ? " (implicit TLS)" : " (STARTTLS)";
  out += " from " + from;
  return out;
}

bool is_mail_address(std::string_view address) {
  if (address.size() > 254) return false;
  std::size_t at = address.rfind('@');
  if (at == std::string_view::npos || at == 0 || at > 64) return false;
  std::string_view local = address.substr(0, at), domain = address.substr(at + 1);
  static constexpr std::string_view atext_specials = "!#$%&'*+-/=?^_`{|}~";
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) return false;
  for (char c : local)
    if (!is_alnum(c) && c != '.' && atext_specials.find(c) == std::string_view::npos) return false;
  return domain.find('.') != std::string_view::npos && is_host_name(domain) &&
         !std::all_of(domain.begin(), domain.end(), [](char c) { return is_digit(c) || c == '.'; });
}

std::string encode_header_words(std::string_view utf8, std::size_t first_line_used) {
  constexpr std::size_t max_line = 76, overhead = 12;  // "=?UTF-8?B?" and "?="
  std::string out;
  std::size_t used = first_line_used, i = 0;
  bool first = true;
  do {
    if (!first) {
      out += "\r\n ";
      used = 1;
    }
    std::size_t room = max_line > used + overhead ? max_line - used - overhead : 0;
    std::size_t max_bytes = room / 4 * 3;
    std::size_t end = i;
    while (end < utf8.size()) {
      std::size_t n = std::min(utf8_length(static_cast<unsigned char>(utf8[end])), utf8.size() - end);
      if (end + n - i > max_bytes && end > i) break;
      end += n;
      if (end - i >= max_bytes) break;
    }
    std::string word = "=?UTF-8?B?" + base64(utf8.substr(i, end - i)) + "?=";
    out += word;
    used += word.size();
    i = end;
    first = false;
  } while (i < utf8.size());
  return out;
}

std::optional<SmtpSettings> parse_smtp_url(std::string_view url, std::string& problem) {
  problem.clear();
  auto fail = [&](std::string text) -> std::optional<SmtpSettings> {
    problem = "SMTP_URL: " + std::move(text);
    return std::nullopt;
  };
  if (url.empty()) return fail("empty (expected " + std::string(url_shape) + ")");
  std::size_t sep = url.find("://");
  if (sep == std::string_view::npos) return fail("no scheme (expected " + std::string(url_shape) + ")");
  std::string scheme;
  for (char c : url.substr(0, sep)) scheme += lower(c);
  SmtpSettings s;
  if (scheme == "smtp") {
    s.tls = SmtpTls::starttls;
    s.port = 587;
  } else if (scheme == "smtps") {
    s.tls = SmtpTls::implicit;
    s.port = 465;
  } else {
    bool token = !scheme.empty() && scheme.size() <= 20 && is_alpha(scheme[0]) &&
                 std::all_of(scheme.begin(), scheme.end(),
                             [](char c) { return is_alnum(c) || c == '+' || c == '-' || c == '.'; });
    return fail("unsupported scheme" + (token ? " '" + scheme + "'" : std::string()) +
                " (use smtp:// with STARTTLS or smtps://)");
  }

  // Nothing after the scheme is ever quoted whole: a password with an unencoded / ? or # would spill into
  // what looks like the port, the path or the query.
  std::string_view rest = url.substr(sep + 3);
  std::size_t authority_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view path, query;
  if (authority_end != std::string_view::npos) {
    std::string_view tail = rest.substr(authority_end);
    if (tail.find('#') != std::string_view::npos)
      return fail("a fragment (#) is not expected" + std::string(encoding_hint));
    std::size_t q = tail.find('?');
    path = tail.substr(0, q);
    if (q != std::string_view::npos) query = tail.substr(q + 1);
  }
  if (!path.empty() && path != "/")
    return fail("a path after the host is not expected (expected " + std::string(url_shape) + ")" +
                std::string(encoding_hint));

  std::size_t at = authority.rfind('@');
  std::string_view host_port = authority;
  if (at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    host_port = authority.substr(at + 1);
    std::size_t colon = userinfo.find(':');
    std::string_view raw_user = userinfo.substr(0, colon);
    if (!percent_decode(raw_user, s.user)) return fail("the user has an invalid percent-escape");
    if (s.user.empty()) return fail("a password without a user");
    if (colon == std::string_view::npos) return fail("the user has no password (user:password@host)");
    if (!percent_decode(userinfo.substr(colon + 1), s.password))
      return fail("the password has an invalid percent-escape (%XX with two hex digits, no %00)");
    if (s.password.empty()) return fail("the user has an empty password");
  }

  std::string_view port_text;
  if (!host_port.empty() && host_port.front() == '[') {
    std::size_t close = host_port.find(']');
    if (close == std::string_view::npos) return fail("an IPv6 address without its closing ]");
    s.host = std::string(host_port.substr(1, close - 1));
    if (!is_ipv6(s.host)) return fail("'" + log_safe(s.host, 60) + "' is not an IPv6 address");
    std::string_view after = host_port.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return fail("unexpected text after the IPv6 address" + std::string(encoding_hint));
      port_text = after.substr(1);
      if (port_text.empty()) return fail("an empty port after ':'");
    }
  } else {
    std::size_t colon = host_port.find(':');
    s.host = std::string(host_port.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = host_port.substr(colon + 1);
      if (port_text.empty()) return fail("an empty port after ':'");
    }
    if (s.host.empty()) return fail("no host (expected " + std::string(url_shape) + ")");
    if (!is_host_name(s.host))
      return fail(s.host.find(':') == std::string::npos && printable_ascii(s.host) && s.host.size() <= 100
                      ? "'" + s.host + "' is not a valid host name"
                      : "the host is not a valid host name");
  }
  if (!port_text.empty()) {
    unsigned long port = 0;
    bool digits = port_text.size() <= 5 && std::all_of(port_text.begin(), port_text.end(), is_digit);
    if (digits) port = std::stoul(std::string(port_text));
    if (!digits || port == 0 || port > 65535)
      return fail("the port must be a number from 1 to 65535" + std::string(encoding_hint));
    s.port = static_cast<std::uint16_t>(port);
  }

  bool have_from = false;
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view param = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (param.empty()) continue;
    std::size_t eq = param.find('=');
    if (param.substr(0, eq) != "from") return fail("unknown query parameter (the only one is ?from=address)");
    if (have_from) return fail("'from' is given twice");
    have_from = true;
    if (eq == std::string_view::npos || !percent_decode(param.substr(eq + 1), s.from) || s.from.empty())
      return fail("'from' has no value (?from=adresse@exemple.fr)");
    if (!is_mail_address(s.from))
      return fail("'from' is not a valid e-mail address" +
                  (printable_ascii(s.from) && s.from.size() <= 100 ? ": '" + s.from + "'" : std::string()));
  }
  if (!have_from) return fail("the sender is missing: add ?from=adresse@exemple.fr");
  return s;
}

SendResult send_mail(const SmtpSettings& settings, const MailMessage& message) {
  if (std::string problem = settings_problem(settings); !problem.empty()) return refuse(problem);
  if (has_cr_or_lf(message.to)) return refuse("refused: CR or LF in the recipient (header injection)");
  if (has_cr_or_lf(message.subject)) return refuse("refused: CR or LF in the subject (header injection)");
  if (!is_mail_address(message.to)) return refuse("refused: the recipient is not a valid e-mail address");
  if (!valid_utf8(message.subject)) return refuse("refused: the subject is not valid UTF-8");
  if (!valid_utf8(message.text)) return refuse("refused: the text is not valid UTF-8");
  for (const MailAttachment& a : message.attachments) {
    if (!a.content_type.empty() && !is_content_type(a.content_type))
      return refuse("refused: attachment '" + safe_filename(a.filename) + "' has an invalid content type");
  }

  init_curl_once();
  std::unique_ptr<CURL, EasyDeleter> easy(curl_easy_init());
  if (!easy) return {SendStatus::temporary_failure, "curl_easy_init failed", 0, {}};
  CURL* curl = easy.get();

  std::time_t now = std::time(nullptr);
  SendResult result;
  result.message_id = new_message_id(settings.from, now);

  // The message: headers of the top-level part, then a multipart/mixed body.
  std::string from_header = from_field(settings);
  Slist headers;
  bool ok = append(headers, "Date: " + rfc5322_date(now)) && append(headers, "From: " + from_header) &&
            append(headers, "To: " + message.to) &&
            append(headers, "Subject: " + header_value("Subject", message.subject)) &&
            append(headers, "Message-ID: " + result.message_id) && append(headers, "Auto-Submitted: auto-generated");
  Slist recipients;
  ok = ok && append(recipients, "<" + message.to + ">");

  std::unique_ptr<curl_mime, MimeDeleter> mime(curl_mime_init(curl));
  ok = ok && mime != nullptr;
  if (ok) {
    std::string body = crlf_lines(message.text);
    curl_mimepart* text = curl_mime_addpart(mime.get());
    ok = text && curl_mime_data(text, body.data(), body.size()) == CURLE_OK &&
         curl_mime_type(text, "text/plain; charset=UTF-8") == CURLE_OK &&
         curl_mime_encoder(text, "quoted-printable") == CURLE_OK;
  }
  for (const MailAttachment& a : message.attachments) {
    if (!ok) break;
    curl_mimepart* part = curl_mime_addpart(mime.get());
    std::string type = a.content_type.empty() ? "application/octet-stream" : a.content_type;
    ok = part && curl_mime_data(part, a.content.data(), a.content.size()) == CURLE_OK &&
         curl_mime_type(part, type.c_str()) == CURLE_OK &&
         curl_mime_filename(part, safe_filename(a.filename).c_str()) == CURLE_OK &&
         curl_mime_encoder(part, "base64") == CURLE_OK;
  }
  if (!ok) return {SendStatus::temporary_failure, "out of memory while building the message", 0, result.message_id};

  std::string host = settings.host.find(':') != std::string::npos ? "[" + settings.host + "]" : settings.host;
  std::string url =
      (settings.tls == SmtpTls::implicit ? "smtps://" : "smtp://") + host + ':' + std::to_string(settings.port);
  std::string mail_from = "<" + settings.from + ">";
  char error_buffer[CURL_ERROR_SIZE] = {};
  std::string last_reply;

  CURLcode rc = CURLE_OK;
  auto set = [&](CURLoption option, auto value) {
    if (rc == CURLE_OK) rc = curl_easy_setopt(curl, option, value);
  };
  set(CURLOPT_ERRORBUFFER, error_buffer);
  set(CURLOPT_URL, url.c_str());
  set(CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  set(CURLOPT_NOSIGNAL, 1L);
  set(CURLOPT_PROXY, "");  // never through a proxy named in the environment
  set(CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  set(CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
  set(CURLOPT_SSL_VERIFYPEER, 1L);
  set(CURLOPT_SSL_VERIFYHOST, 2L);
  if (!settings.ca_file.empty()) {
    set(CURLOPT_CAINFO, settings.ca_file.c_str());
    set(CURLOPT_CAPATH, static_cast<const char*>(nullptr));
  }
  set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(settings.connect_timeout.count()));
  set(CURLOPT_TIMEOUT_MS, static_cast<long>(settings.timeout.count()));
  if (!settings.user.empty()) {
    set(CURLOPT_USERNAME, settings.user.c_str());
    set(CURLOPT_PASSWORD, settings.password.c_str());
  }
  set(CURLOPT_MAIL_FROM, mail_from.c_str());
  set(CURLOPT_MAIL_RCPT, recipients.get());
  set(CURLOPT_HTTPHEADER, headers.get());
  set(CURLOPT_MIMEPOST, mime.get());
  set(CURLOPT_HEADERFUNCTION, &on_reply_line);
  set(CURLOPT_HEADERDATA, static_cast<void*>(&last_reply));
  if (rc != CURLE_OK) {
    result.status = SendStatus::permanent_failure;
    result.detail = "libcurl refused an option: " + std::string(curl_easy_strerror(rc));
    return result;
  }

  rc = curl_easy_perform(curl);
  long code = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  result.smtp_code = static_cast<int>(code);
  result.status = classify(rc, code);
  if (rc == CURLE_OK) {
    result.detail = "accepted by " + host + ':' + std::to_string(settings.port) +
                    (last_reply.empty() ? std::string() : ": " + last_reply);
  } else {
    result.detail = explain(rc, settings, curl_words(rc, error_buffer));
    if (!last_reply.empty()) result.detail += "; last reply: " + last_reply;
  }
  return result;
}

}  // namespace planetude::notify
