// E-mail over SMTP with libcurl: the reminders (« Ta session de Maths commence dans 30 min ») and the
// evening digest. One setting, SMTP_URL, says where and as whom; the mail never goes out in clear
// (STARTTLS is required on smtp://, smtps:// is TLS from the first byte), and the server's certificate
// and name are always verified. send_mail blocks (a background worker calls it), bounded by timeouts.
// Nothing of libcurl shows here.
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace planetude::notify {

enum class SmtpTls {
  starttls,  // smtp://: plain connection upgraded by STARTTLS, which the server must offer (else no mail)
  implicit,  // smtps://: TLS from the first byte
};

struct SmtpSettings {
  SmtpTls tls = SmtpTls::starttls;
  std::string host;  // a name, an IPv4 address, or an IPv6 address without its brackets
  std::uint16_t port = 587;
  std::string user;  // empty: no AUTH
  std::string password;
  std::string from;                     // the envelope sender and the From address (adresse@exemple.fr)
  std::string from_name = "PlanÉtude";  // the From display name (empty: the address alone)
  // PEM file of the CAs to trust, instead of the system store; empty: the system store. Set by the
  // caller from its own setting. Verification of the certificate and the host name is always on.
  std::string ca_file;
  std::chrono::milliseconds connect_timeout{10'000};  // TCP connect (and the TLS handshake of smtps://)
  std::chrono::milliseconds timeout{30'000};          // the whole exchange

  // For logs: "smtp://user@host:587 (STARTTLS) from adresse@exemple.fr", never the password.
  std::string describe() const;
};

// smtp://[user[:password]@]host[:port]?from=adresse@exemple.fr (STARTTLS required, port 587 by default)
// or smtps://… (implicit TLS, port 465 by default). User and password are percent-decoded (write / ? # @ :
// in them as %2F %3F %23 %40 %3A); a user needs a password; `from` is required and must be an address.
// On a malformed URL: nullopt, and `problem` says what is wrong in English for the operator, naming
// SMTP_URL and never quoting the password.
std::optional<SmtpSettings> parse_smtp_url(std::string_view url, std::string& problem);

struct MailAttachment {
  std::string filename;      // ASCII letters, digits, space and ._()+- are kept, any other byte becomes '_'
  std::string content_type;  // e.g. "text/calendar; charset=UTF-8; method=PUBLISH"; empty: application/octet-stream
  std::string content;       // the bytes, sent in base64
};

struct MailMessage {
  std::string to;       // one address
  std::string subject;  // UTF-8, sent as RFC 2047 encoded-words when not plain ASCII
  std::string text;     // UTF-8 text/plain body (line ends made CRLF), sent quoted-printable
  std::vector<MailAttachment> attachments;
};

enum class SendStatus {
  sent,
  // Worth trying again later: no connection, timeout, TLS failure (handshake, certificate, no STARTTLS
  // offered), a 4xx reply (greylisting, server busy).
  temporary_failure,
  // The same message would be refused again: a 5xx reply (recipient unknown, sender or account refused,
  // content rejected), or a message this side refuses to send (bad address, CR/LF in a header, text not UTF-8).
  permanent_failure,
};
std::string_view to_string(SendStatus status);

struct SendResult {
  SendStatus status = SendStatus::permanent_failure;
  std::string detail;      // English, for logs: the server's last reply and curl's words; never the password
  int smtp_code = 0;       // the server's last reply code (0: none)
  std::string message_id;  // the Message-ID given to the message ("<…@domain>"), when it was built
  bool ok() const { return status == SendStatus::sent; }
};

// Sends one message: From, To, Subject, Date, Message-ID (@ the sender's domain), MIME-Version and
// Auto-Submitted: auto-generated; a multipart/mixed body with the text part and the attachments.
// Thread-safe; blocks for at most about settings.timeout.
SendResult send_mail(const SmtpSettings& settings, const MailMessage& message);

// An addr-spec as this side accepts it: ASCII local part (atext and inner dots), a domain of at least two
// DNS labels. No display name, no angle brackets.
bool is_mail_address(std::string_view address);

// RFC 2047 B encoded-words for a header value ("=?UTF-8?B?…?="), folded ("\r\n ") so that no line
// passes 76 characters; `first_line_used` is the length of "Name: " before the value.
std::string encode_header_words(std::string_view utf8, std::size_t first_line_used);

}  // namespace planetude::notify
