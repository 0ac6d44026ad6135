// notify/smtp_mailer: SMTP_URL parsing (its problems never quote the password), the header checks, and
// real sends through libcurl to tests/fakes/fake_smtp.py (aiosmtpd, STARTTLS required, a fresh test PKI),
// started as a child process per test and stopped in teardown: what arrives (headers, the French subject,
// the UTF-8 text, the attachments, decoded by Python's email package in the sink), what a refusal gives
// (550 permanent, 451 temporary), and that nothing goes out without TLS.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/algorithm/string/predicate.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "notify/smtp_mailer.hpp"

extern char** environ;

namespace notify = planetude::notify;
using notify::MailAttachment;
using notify::MailMessage;
using notify::SendResult;
using notify::SendStatus;
using notify::SmtpSettings;
using notify::SmtpTls;

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

#ifdef PLANETUDE_SOURCE_DIR
const fs::path source_dir = PLANETUDE_SOURCE_DIR;
#else
const fs::path source_dir = fs::path(__FILE__).parent_path().parent_path().parent_path();
#endif

SmtpSettings parse(const std::string& url) {
  std::string problem;
  auto s = notify::parse_smtp_url(url, problem);
  if (!s) throw std::runtime_error("not accepted: " + url + " — " + problem);
  EXPECT_EQ(problem, "");
  return *s;
}

std::string problem_of(const std::string& url) {
  std::string problem;
  auto s = notify::parse_smtp_url(url, problem);
  EXPECT_FALSE(s.has_value()) << url;
  EXPECT_EQ(problem.rfind("SMTP_URL: ", 0), 0u) << problem;
  return problem;
}

constexpr char b64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64_encode(std::string_view in) {
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    for (int k = 18; k >= 0; k -= 6) out += b64_alphabet[(v >> k) & 63];
  }
  if (i < in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    out += b64_alphabet[(v >> 18) & 63];
    out += b64_alphabet[(v >> 12) & 63];
    out += i + 1 < in.size() ? b64_alphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string base64_decode(std::string_view in) {
  std::string out;
  unsigned v = 0;
  int bits = 0;
  for (char c : in) {
    const char* p = std::strchr(b64_alphabet, c);
    if (c == '=' || !p || !c) break;
    v = (v << 6) | static_cast<unsigned>(p - b64_alphabet);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((v >> bits) & 0xFF);
    }
  }
  return out;
}

std::string crlf(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

// A port nothing listens on: bound, read, closed.
int closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    throw std::runtime_error("cannot bind a loopback socket");
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// tests/fakes/fake_smtp.py as a child process: started on a free port, its listening line read (no sleep),
// stopped with SIGTERM (SIGKILL if it does not exit within 10 s) when destroyed.
class SmtpSink {
 public:
  SmtpSink(const fs::path& dir, const std::string& name, std::vector<std::string> extra) {
    records_ = dir / (name + ".jsonl");
    const char* python_env = std::getenv("PLANETUDE_TEST_PYTHON");
    std::string python = python_env && *python_env ? python_env : "/usr/bin/python3";  // Debian's, with aiosmtpd
    std::vector<std::string> args = {python,
                                     (source_dir / "tests/fakes/fake_smtp.py").string(),
                                     "--port",
                                     "0",
                                     "--pki",
                                     (dir / "pki").string(),
                                     "--records",
                                     records_.string(),
                                     "--exit-with-parent"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);

    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    int rc = ::posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    if (rc != 0) {
      ::close(fds[0]);
      pid_ = -1;
      throw std::runtime_error("cannot start " + python);
    }
    std::string line = read_line(fds[0], std::chrono::seconds(30));
    ::close(fds[0]);
    if (line.empty()) {
      stop();
      throw std::runtime_error("fake_smtp.py did not print its listening line (is python3-aiosmtpd installed?)");
    }
    json::object hello = json::parse(line).as_object();
    port_ = static_cast<int>(hello.at("listening").as_int64());
    ca_file_ = std::string(hello.at("ca_file").as_string());
  }
  ~SmtpSink() { stop(); }
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  int port() const { return port_; }
  const std::string& ca_file() const { return ca_file_; }

  // Settings for this sink: smtp://localhost:PORT (the certificate's name), the test CA trusted.
  SmtpSettings settings() const {
    SmtpSettings s;
    s.host = "localhost";
    s.port = static_cast<std::uint16_t>(port_);
    s.from = "noreply@exemple.fr";
    s.ca_file = ca_file_;
    return s;
  }

  // The records of the given event ("message" or "command"): each is written before the reply that ends
  // it is sent, so whatever the client got an answer to is there.
  std::vector<json::object> records(std::string_view event) const {
    std::vector<json::object> out;
    std::ifstream in(records_);
    std::string line;
    while (std::getline(in, line)) {
      json::object o = json::parse(line).as_object();
      if (o.at("event").as_string() == event) out.push_back(std::move(o));
    }
    return out;
  }
  std::vector<json::object> messages() const { return records("message"); }
  std::vector<std::string> verbs() const {
    std::vector<std::string> out;
    for (auto& c : records("command")) out.emplace_back(c.at("verb").as_string());
    return out;
  }

  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
    if (pidfd >= 0) {
      pollfd p{pidfd, POLLIN, 0};
      if (::poll(&p, 1, 10'000) <= 0) ::kill(pid_, SIGKILL);
      ::close(pidfd);
    }
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

 private:
  static std::string read_line(int fd, std::chrono::milliseconds limit) {
    std::string line;
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (true) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return {};
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return {};
      char c;
      ssize_t n = ::read(fd, &c, 1);
      if (n <= 0) return {};
      if (c == '\n') return line;
      line += c;
    }
  }

  pid_t pid_ = -1;
  int port_ = 0;
  std::string ca_file_;
  fs::path records_;
};

std::string header(const json::object& message, std::string_view name, const char* list = "headers") {
  for (auto& h : message.at("parsed").at(list).as_array()) {
    auto& pair = h.as_array();
    if (boost::algorithm::iequals(std::string_view(pair.at(0).as_string()), name))
      return pair.at(1).is_null() ? "<null>" : std::string(pair.at(1).as_string());
  }
  return "<missing>";
}

std::string str(const json::value& v) { return v.is_null() ? "<null>" : std::string(v.as_string()); }

MailMessage reminder(std::string to = "eleve@exemple.fr") {
  MailMessage m;
  m.to = std::move(to);
  m.subject = "Ta session de Maths commence dans 30 min";
  m.text = "Bonjour Léa,\nta session commence à 18 h.\n";
  return m;
}

class SmtpSend : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char tmpl[] = "/tmp/planetude-smtp-XXXXXX";
    if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
    dir_ = new fs::path(tmpl);
  }
  static void TearDownTestSuite() {
    std::error_code ignored;
    fs::remove_all(*dir_, ignored);
    delete dir_;
    dir_ = nullptr;
  }
  std::unique_ptr<SmtpSink> start(std::vector<std::string> extra = {}) {
    std::string name =
        std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "-" + std::to_string(++count_);
    return std::make_unique<SmtpSink>(*dir_, name, std::move(extra));
  }

  static inline fs::path* dir_ = nullptr;
  int count_ = 0;
};

}  // namespace

// ---- parse_smtp_url ----------------------------------------------------------------------------------

TEST(SmtpUrl, StarttlsWithDefaults) {
  SmtpSettings s = parse("smtp://mail.exemple.fr?from=noreply@exemple.fr");
  EXPECT_EQ(s.tls, SmtpTls::starttls);
  EXPECT_EQ(s.host, "mail.exemple.fr");
  EXPECT_EQ(s.port, 587);
  EXPECT_EQ(s.user, "");
  EXPECT_EQ(s.password, "");
  EXPECT_EQ(s.from, "noreply@exemple.fr");
  EXPECT_EQ(s.ca_file, "");  // the system store unless the caller sets it
  EXPECT_EQ(s.describe(), "smtp://mail.exemple.fr:587 (STARTTLS) from noreply@exemple.fr");
}

TEST(SmtpUrl, ImplicitTlsUserAndPercentDecoding) {
  SmtpSettings s = parse(
      "SMTPS://planetude%40exemple.fr:p%40ss%2Fw%3Ard%20%C3%A9%3F%23@smtp.exemple.fr:2465/"
      "?from=noreply%2Bplan@exemple.fr");
  EXPECT_EQ(s.tls, SmtpTls::implicit);
  EXPECT_EQ(s.host, "smtp.exemple.fr");
  EXPECT_EQ(s.port, 2465);
  EXPECT_EQ(s.user, "planetude@exemple.fr");
  EXPECT_EQ(s.password, "p@ss/w:rd é?#");
  EXPECT_EQ(s.from, "noreply+plan@exemple.fr");
  EXPECT_EQ(s.describe(),
            "smtps://planetude@exemple.fr@smtp.exemple.fr:2465 (implicit TLS) from noreply+plan@exemple.fr");
  EXPECT_EQ(parse("smtps://relay.exemple.fr?from=a@exemple.fr").port, 465);
  EXPECT_EQ(parse("smtp://u:raw@pass@relay.exemple.fr?from=a@exemple.fr").password, "raw@pass");  // last @ ends it
}

TEST(SmtpUrl, Ipv6AndIpv4Hosts) {
  SmtpSettings a = parse("smtp://u:pw@[::1]:2525?from=a@exemple.fr");
  EXPECT_EQ(a.host, "::1");
  EXPECT_EQ(a.port, 2525);
  EXPECT_EQ(a.describe(), "smtp://u@[::1]:2525 (STARTTLS) from a@exemple.fr");
  SmtpSettings b = parse("smtps://[2001:db8::25]?from=a@exemple.fr");
  EXPECT_EQ(b.host, "2001:db8::25");
  EXPECT_EQ(b.port, 465);
  EXPECT_EQ(parse("smtp://192.0.2.25:25?from=a@exemple.fr").host, "192.0.2.25");

  EXPECT_EQ(problem_of("smtp://[::1?from=a@exemple.fr"), "SMTP_URL: an IPv6 address without its closing ]");
  EXPECT_NE(problem_of("smtp://[not-ipv6]:25?from=a@exemple.fr").find("not an IPv6 address"), std::string::npos);
  problem_of("smtp://[::1]x?from=a@exemple.fr");
}

TEST(SmtpUrl, BadSchemes) {
  EXPECT_EQ(problem_of("http://mail.exemple.fr?from=a@exemple.fr"),
            "SMTP_URL: unsupported scheme 'http' (use smtp:// with STARTTLS or smtps://)");
  EXPECT_EQ(problem_of("submission://mail.exemple.fr?from=a@exemple.fr"),
            "SMTP_URL: unsupported scheme 'submission' (use smtp:// with STARTTLS or smtps://)");
  EXPECT_NE(problem_of("mail.exemple.fr:587").find("no scheme"), std::string::npos);
  EXPECT_NE(problem_of("").find("empty"), std::string::npos);
}

TEST(SmtpUrl, SenderRequiredAndValidated) {
  EXPECT_EQ(problem_of("smtp://mail.exemple.fr"), "SMTP_URL: the sender is missing: add ?from=adresse@exemple.fr");
  EXPECT_EQ(problem_of("smtp://mail.exemple.fr/"), "SMTP_URL: the sender is missing: add ?from=adresse@exemple.fr");
  EXPECT_EQ(problem_of("smtp://mail.exemple.fr?from="), "SMTP_URL: 'from' has no value (?from=adresse@exemple.fr)");
  EXPECT_EQ(problem_of("smtp://mail.exemple.fr?from=pas-une-adresse"),
            "SMTP_URL: 'from' is not a valid e-mail address: 'pas-une-adresse'");
  problem_of("smtp://mail.exemple.fr?from=a@localhost");
  problem_of("smtp://mail.exemple.fr?from=Nom%20%3Ca@exemple.fr%3E");
  EXPECT_EQ(problem_of("smtp://mail.exemple.fr?from=a@exemple.fr&from=b@exemple.fr"),
            "SMTP_URL: 'from' is given twice");
  EXPECT_NE(problem_of("smtp://mail.exemple.fr?from=a@exemple.fr&fromm=x").find("unknown query parameter"),
            std::string::npos);
}

TEST(SmtpUrl, BadHostsPortsAndShapes) {
  EXPECT_NE(problem_of("smtp://?from=a@exemple.fr").find("no host"), std::string::npos);
  EXPECT_EQ(problem_of("smtp://mail_relay.exemple.fr?from=a@exemple.fr"),
            "SMTP_URL: 'mail_relay.exemple.fr' is not a valid host name");
  for (const char* port : {"0", "65536", "99999", "abc", "-1", "5870000"})
    EXPECT_NE(problem_of(std::string("smtp://mail.exemple.fr:") + port + "?from=a@exemple.fr").find("port"),
              std::string::npos)
        << port;
  EXPECT_NE(problem_of("smtp://mail.exemple.fr:?from=a@exemple.fr").find("empty port"), std::string::npos);
  EXPECT_NE(problem_of("smtp://mail.exemple.fr/relay?from=a@exemple.fr").find("path"), std::string::npos);
  EXPECT_NE(problem_of("smtp://mail.exemple.fr?from=a@exemple.fr#x").find("fragment"), std::string::npos);
  EXPECT_NE(problem_of("smtp://user@mail.exemple.fr?from=a@exemple.fr").find("no password"), std::string::npos);
  EXPECT_NE(problem_of("smtp://user:@mail.exemple.fr?from=a@exemple.fr").find("empty password"), std::string::npos);
  EXPECT_NE(problem_of("smtp://:pw@mail.exemple.fr?from=a@exemple.fr").find("without a user"), std::string::npos);
  EXPECT_NE(problem_of("smtp://us%zzer:pw@mail.exemple.fr?from=a@exemple.fr").find("user has an invalid"),
            std::string::npos);
  EXPECT_NE(problem_of("smtp://user:pw%00@mail.exemple.fr?from=a@exemple.fr").find("password has an invalid"),
            std::string::npos);
}

TEST(SmtpUrl, PasswordNeverInTheProblem) {
  // The password is "Sekr3t" + one of / ? # (unencoded, so the URL is cut inside it) + "Hidd3n".
  const std::vector<std::string> urls = {
      "http://user:Sekr3tHidd3n@mail.exemple.fr?from=a@exemple.fr",
      "smtp://user:Sekr3t/Hidd3n@mail.exemple.fr?from=a@exemple.fr",
      "smtp://user:Sekr3t?Hidd3n@mail.exemple.fr?from=a@exemple.fr",
      "smtp://user:Sekr3t#Hidd3n@mail.exemple.fr?from=a@exemple.fr",
      "smtp://user:Sekr3t?x=Hidd3n@mail.exemple.fr?from=a@exemple.fr",
      "smtp://user:Sekr3t%zzHidd3n@mail.exemple.fr?from=a@exemple.fr",
      "smtp://user:Sekr3tHidd3n@mail.exemple.fr:99999?from=a@exemple.fr",
      "smtp://user:Sekr3tHidd3n@mail.exemple.fr?from=bad",
      "smtp://user:Sekr3tHidd3n@mail.exemple.fr",
      "smtp://user:Sekr3tHidd3n@bad_host?from=a@exemple.fr",
      "smtp://user:Sekr3tHidd3n@mail.exemple.fr/x?from=a@exemple.fr",
      "smtp://user:Sekr3tHidd3n@mail.exemple.fr?fromm=a@exemple.fr",
      "smtp:/user:Sekr3tHidd3n@mail.exemple.fr?from=a@exemple.fr",
      "smtp://user:Sekr3tHidd3n@[::1?from=a@exemple.fr",
  };
  for (const auto& url : urls) {
    std::string problem = problem_of(url);
    EXPECT_EQ(problem.find("Sekr3t"), std::string::npos) << problem;
    EXPECT_EQ(problem.find("Hidd3n"), std::string::npos) << problem;
    EXPECT_EQ(problem.find("ekr3"), std::string::npos) << problem;
  }
  SmtpSettings s = parse("smtp://user:Sekr3tHidd3n@mail.exemple.fr?from=a@exemple.fr");
  EXPECT_EQ(s.describe().find("Sekr3t"), std::string::npos);
}

TEST(SmtpUrl, MailAddresses) {
  for (const char* ok :
       {"a@exemple.fr", "prenom.nom+tag@sous.domaine.exemple.fr", "x_y-z@a-b.io", "o'hara@exemple.com"})
    EXPECT_TRUE(notify::is_mail_address(ok)) << ok;
  for (const char* bad : {"", "a", "@exemple.fr", "a@", "a@exemple", "a@@exemple.fr", ".a@exemple.fr", "a.@exemple.fr",
                          "a..b@exemple.fr", "a b@exemple.fr", "<a@exemple.fr>", "a@exemple.fr\r\nBcc: x@y.fr",
                          "a@-x.fr", "a@1.2.3.4", "é@exemple.fr", "a@exemple.fr,b@exemple.fr", "a@ex ample.fr"})
    EXPECT_FALSE(notify::is_mail_address(bad)) << bad;
}

TEST(SmtpHeaders, EncodedWordsStayShortAndDecode) {
  std::string subject =
      "Ta session de Maths commence dans 30 min — « Révisions d'algèbre » : prépare tes exercices, "
      "ça va être génial ✓ 📚";
  std::string folded = notify::encode_header_words(subject, 9);  // after "Subject: "
  std::string decoded;
  std::size_t start = 0, line_no = 0;
  while (start <= folded.size()) {
    std::size_t end = folded.find("\r\n", start);
    std::string line = folded.substr(start, end == std::string::npos ? std::string::npos : end - start);
    EXPECT_LE(line.size() + (line_no == 0 ? 9 : 0), 76u) << line;
    if (line_no > 0) {
      ASSERT_EQ(line.rfind(" ", 0), 0u);  // folded with a space
      line.erase(0, 1);
    }
    ASSERT_EQ(line.rfind("=?UTF-8?B?", 0), 0u) << line;
    ASSERT_EQ(line.substr(line.size() - 2), "?=");
    std::string word = base64_decode(line.substr(10, line.size() - 12));
    // Each word holds whole characters: it does not end inside a UTF-8 sequence.
    ASSERT_FALSE(word.empty());
    unsigned char last_lead = 0;
    for (unsigned char c : word)
      if ((c & 0xC0) != 0x80) last_lead = c;
    std::size_t tail = 0;
    for (auto it = word.rbegin(); it != word.rend() && (static_cast<unsigned char>(*it) & 0xC0) == 0x80; ++it) ++tail;
    std::size_t need = last_lead >= 0xF0 ? 3 : last_lead >= 0xE0 ? 2 : last_lead >= 0xC0 ? 1 : 0;
    EXPECT_EQ(tail, need) << line;
    decoded += word;
    ++line_no;
    if (end == std::string::npos) break;
    start = end + 2;
  }
  EXPECT_GT(line_no, 1u);
  EXPECT_EQ(decoded, subject);
  EXPECT_EQ(notify::encode_header_words("é", 9), "=?UTF-8?B?w6k=?=");
}

TEST(SmtpHeaders, RefusesHeaderInjectionAndBadInputBeforeConnecting) {
  SmtpSettings s;
  s.host = "127.0.0.1";
  s.port = static_cast<std::uint16_t>(closed_port());  // would be a temporary failure if it tried
  s.from = "noreply@exemple.fr";

  MailMessage m = reminder("eleve@exemple.fr\r\nBcc: victime@exemple.fr");
  SendResult r = notify::send_mail(s, m);
  EXPECT_EQ(r.status, SendStatus::permanent_failure);
  EXPECT_NE(r.detail.find("header injection"), std::string::npos) << r.detail;

  m = reminder();
  m.subject = "Rappel\nBcc: victime@exemple.fr";
  r = notify::send_mail(s, m);
  EXPECT_EQ(r.status, SendStatus::permanent_failure);
  EXPECT_NE(r.detail.find("header injection"), std::string::npos) << r.detail;

  m = reminder("pas une adresse");
  EXPECT_EQ(notify::send_mail(s, m).status, SendStatus::permanent_failure);
  m = reminder();
  m.subject = "\xC3(";  // not UTF-8
  EXPECT_EQ(notify::send_mail(s, m).status, SendStatus::permanent_failure);
  m = reminder();
  m.attachments.push_back({"a.ics", "text/calendar\r\nX-Injected: 1", "x"});
  EXPECT_EQ(notify::send_mail(s, m).status, SendStatus::permanent_failure);
  s.from = "pas-une-adresse";
  EXPECT_EQ(notify::send_mail(s, reminder()).status, SendStatus::permanent_failure);
  EXPECT_EQ(notify::to_string(SendStatus::temporary_failure), "temporary_failure");
}

// ---- real sends ----------------------------------------------------------------------------------------

TEST_F(SmtpSend, DeliversHeadersSubjectTextAndAttachments) {
  auto sink = start();
  MailMessage m;
  m.to = "eleve@exemple.fr";
  m.subject = "Ta session de Maths commence dans 30 min — « Révisions d'algèbre » : prépare tes exercices ✓";
  m.text =
      "Bonjour Léa,\n"
      "\n"
      "Ta session « Mathématiques » commence à 18 h 30 (salle B-12). Une très longue ligne suit, bien plus longue "
      "que les 76 caractères d'une ligne quoted-printable, pour vérifier les coupures douces : éèêëàâîïôöùûüç.\n"
      ".Une ligne qui commence par un point\n"
      "=?UTF-8?B?pas un mot encodé?= et des espaces à la fin   \n"
      "Tabulation\tet = signe égal\n"
      "😀 Bon courage !";
  const std::string ics =
      "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//PlanEtude//FR\r\nMETHOD:PUBLISH\r\nBEGIN:VEVENT\r\n"
      "UID:session-42@exemple.fr\r\nDTSTAMP:20250310T080000Z\r\nDTSTART:20250310T170000Z\r\n"
      "DTEND:20250310T180000Z\r\nSUMMARY:Révisions de mathématiques\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
  std::string binary;
  for (int i = 0; i < 256; ++i) binary += static_cast<char>(i);
  m.attachments.push_back({"planning.ics", "text/calendar; charset=UTF-8; method=PUBLISH", ics});
  m.attachments.push_back({"notes\r\n\"é\".bin", "", binary});

  SmtpSettings s = sink->settings();
  SendResult r = notify::send_mail(s, m);
  ASSERT_TRUE(r.ok()) << r.detail;
  EXPECT_EQ(r.status, SendStatus::sent);
  EXPECT_EQ(r.smtp_code, 250);
  EXPECT_NE(r.detail.find("250 2.0.0 Ok"), std::string::npos) << r.detail;

  auto messages = sink->messages();
  ASSERT_EQ(messages.size(), 1u);
  const json::object& got = messages[0];
  EXPECT_EQ(str(got.at("mail_from")), "noreply@exemple.fr");
  ASSERT_EQ(got.at("rcpt_tos").as_array().size(), 1u);
  EXPECT_EQ(str(got.at("rcpt_tos").as_array()[0]), "eleve@exemple.fr");
  ASSERT_TRUE(got.at("tls").is_object()) << "the message arrived in clear";
  EXPECT_EQ(str(got.at("tls").at("mode")), "starttls");
  EXPECT_EQ(str(got.at("tls").at("version")).rfind("TLSv1.", 0), 0u);
  EXPECT_FALSE(got.at("eight_bit").as_bool());  // every non-ASCII byte is encoded
  EXPECT_FALSE(got.at("bare_lf").as_bool());
  EXPECT_LE(got.at("max_line_length").as_int64(), 998);  // RFC 5322's limit
  // …and within the 78 it recommends, but for libcurl's multipart Content-Type line (a 40-character boundary).
  std::string raw = str(got.at("raw"));
  for (std::size_t start = 0, end; start < raw.size(); start = end + 2) {
    end = raw.find("\r\n", start);
    if (end == std::string::npos) end = raw.size();
    std::string_view line(raw.data() + start, end - start);
    if (line.rfind("Content-Type: multipart/mixed; boundary=", 0) != 0) {
      EXPECT_LE(line.size(), 78u) << line;
    }
  }

  const json::object& parsed = got.at("parsed").as_object();
  EXPECT_TRUE(parsed.at("defects").as_array().empty()) << json::serialize(parsed.at("defects"));
  EXPECT_EQ(header(got, "Subject"), m.subject);
  EXPECT_EQ(header(got, "Subject", "raw_headers").rfind("=?UTF-8?B?", 0), 0u);
  EXPECT_EQ(header(got, "From"), "PlanÉtude <noreply@exemple.fr>");
  EXPECT_EQ(header(got, "To"), "eleve@exemple.fr");
  EXPECT_EQ(header(got, "MIME-Version"), "1.0");
  EXPECT_EQ(header(got, "Auto-Submitted"), "auto-generated");
  EXPECT_EQ(header(got, "Message-ID"), r.message_id);
  EXPECT_EQ(r.message_id.front(), '<');
  EXPECT_EQ(r.message_id.substr(r.message_id.size() - 12), "@exemple.fr>");
  EXPECT_NE(header(got, "Date"), "<missing>");
  EXPECT_TRUE(parsed.at("date_valid").as_bool()) << header(got, "Date");
  EXPECT_EQ(str(parsed.at("content_type")), "multipart/mixed");

  EXPECT_EQ(str(parsed.at("text")), crlf(m.text));
  EXPECT_EQ(str(parsed.at("text_content_type")).rfind("text/plain;", 0), 0u);
  EXPECT_EQ(str(parsed.at("text_charset")), "utf-8");
  EXPECT_EQ(str(parsed.at("text_transfer_encoding")), "quoted-printable");

  const json::array& attachments = parsed.at("attachments").as_array();
  ASSERT_EQ(attachments.size(), 2u);
  const json::object& cal = attachments[0].as_object();
  EXPECT_EQ(str(cal.at("filename")), "planning.ics");
  EXPECT_EQ(str(cal.at("disposition")), "attachment");
  EXPECT_EQ(str(cal.at("content_type")), "text/calendar");
  EXPECT_EQ(str(cal.at("params").at("method")), "PUBLISH");
  EXPECT_EQ(str(cal.at("params").at("charset")), "UTF-8");
  EXPECT_EQ(str(cal.at("transfer_encoding")), "base64");
  EXPECT_EQ(str(cal.at("content_text")), ics);
  const json::object& bin = attachments[1].as_object();
  EXPECT_EQ(str(bin.at("filename")), "notes______.bin");  // CR, LF, quotes and é replaced
  EXPECT_EQ(str(bin.at("content_type")), "application/octet-stream");
  EXPECT_EQ(str(bin.at("content_base64")), base64_encode(binary));

  // Each message gets its own Message-ID.
  ASSERT_TRUE(notify::send_mail(s, reminder()).ok());
  messages = sink->messages();
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_NE(header(messages[1], "Message-ID"), r.message_id);
  EXPECT_EQ(header(messages[1], "Subject"), "Ta session de Maths commence dans 30 min");
  EXPECT_EQ(header(messages[1], "Subject", "raw_headers"), "Ta session de Maths commence dans 30 min");  // ASCII as is
  EXPECT_EQ(str(messages[1].at("parsed").at("text")), crlf(reminder().text));
}

TEST_F(SmtpSend, AuthenticatesWithPercentDecodedCredentialsAfterStarttls) {
  const std::string password = "p@ss/w:rd é";
  auto sink = start({"--auth-user", "planetude@exemple.fr", "--auth-password", password});
  SmtpSettings s =
      parse("smtp://planetude%40exemple.fr:p%40ss%2Fw%3Ard%20%C3%A9@localhost:" + std::to_string(sink->port()) +
            "?from=noreply@exemple.fr");
  s.ca_file = sink->ca_file();
  SendResult r = notify::send_mail(s, reminder());
  ASSERT_TRUE(r.ok()) << r.detail;
  auto messages = sink->messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(str(messages[0].at("auth_user")), "planetude@exemple.fr");

  s.password = "wrong-Sekr3t";
  r = notify::send_mail(s, reminder());
  EXPECT_EQ(r.status, SendStatus::permanent_failure) << r.detail;
  EXPECT_EQ(r.smtp_code, 535);
  EXPECT_EQ(r.detail.find("Sekr3t"), std::string::npos) << r.detail;
  EXPECT_EQ(sink->messages().size(), 1u);

  s.user.clear();  // no AUTH: the server wants it before MAIL
  s.password.clear();
  r = notify::send_mail(s, reminder());
  EXPECT_EQ(r.status, SendStatus::permanent_failure) << r.detail;
  EXPECT_EQ(r.smtp_code, 530);
}

TEST_F(SmtpSend, RefusedRecipientIsPermanent) {
  auto sink = start({"--reject-recipient", "inconnu@exemple.fr"});
  SendResult r = notify::send_mail(sink->settings(), reminder("inconnu@exemple.fr"));
  EXPECT_EQ(r.status, SendStatus::permanent_failure) << r.detail;
  EXPECT_EQ(r.smtp_code, 550);
  EXPECT_NE(r.detail.find("550 5.1.1"), std::string::npos) << r.detail;
  EXPECT_TRUE(sink->messages().empty());
  EXPECT_TRUE(notify::send_mail(sink->settings(), reminder("connu@exemple.fr")).ok());
}

TEST_F(SmtpSend, TemporaryRepliesAreTemporary) {
  auto sink = start({"--fail-next", "451", "--fail-next", "451:data", "--fail-next", "554:data"});
  SendResult r = notify::send_mail(sink->settings(), reminder());  // greylisted at RCPT
  EXPECT_EQ(r.status, SendStatus::temporary_failure) << r.detail;
  EXPECT_EQ(r.smtp_code, 451);
  EXPECT_NE(r.detail.find("451 4.7.1"), std::string::npos) << r.detail;

  r = notify::send_mail(sink->settings(), reminder());  // 451 after the data
  EXPECT_EQ(r.status, SendStatus::temporary_failure) << r.detail;
  EXPECT_EQ(r.smtp_code, 451);

  r = notify::send_mail(sink->settings(), reminder());  // 554 after the data: the content is refused
  EXPECT_EQ(r.status, SendStatus::permanent_failure) << r.detail;
  EXPECT_EQ(r.smtp_code, 554);
  EXPECT_TRUE(sink->messages().empty());

  r = notify::send_mail(sink->settings(), reminder());  // trying again later works
  EXPECT_TRUE(r.ok()) << r.detail;
  EXPECT_EQ(sink->messages().size(), 1u);
}

TEST_F(SmtpSend, NoStarttlsMeansNoMail) {
  auto sink = start({"--no-tls"});  // a server that would take the mail in clear
  SendResult r = notify::send_mail(sink->settings(), reminder());
  EXPECT_EQ(r.status, SendStatus::temporary_failure) << r.detail;
  EXPECT_NE(r.detail.find("STARTTLS"), std::string::npos) << r.detail;
  EXPECT_NE(r.detail.find("not sent in clear"), std::string::npos) << r.detail;
  EXPECT_TRUE(sink->messages().empty());
  auto verbs = sink->verbs();
  ASSERT_FALSE(verbs.empty());  // it did talk to the server…
  EXPECT_EQ(verbs.front(), "EHLO");
  for (const auto& v : verbs) EXPECT_TRUE(v == "EHLO" || v == "QUIT") << v;  // …but sent no AUTH, MAIL or DATA
}

TEST_F(SmtpSend, ImplicitTls) {
  auto sink = start({"--implicit-tls"});
  SmtpSettings s = sink->settings();
  s.tls = SmtpTls::implicit;
  SendResult r = notify::send_mail(s, reminder());
  ASSERT_TRUE(r.ok()) << r.detail;
  auto messages = sink->messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(str(messages[0].at("tls").at("mode")), "implicit");
}

TEST_F(SmtpSend, CertificateIsVerified) {
  {
    auto sink = start();
    SmtpSettings s = sink->settings();
    s.ca_file.clear();  // the system store does not know the test CA
    SendResult r = notify::send_mail(s, reminder());
    EXPECT_EQ(r.status, SendStatus::temporary_failure) << r.detail;
    EXPECT_NE(r.detail.find("certificate"), std::string::npos) << r.detail;
    EXPECT_TRUE(sink->messages().empty());
    sink->stop();  // the sink has seen the client's alert once it has exited
    for (const auto& v : sink->verbs()) EXPECT_NE(v, "MAIL");
    auto failures = sink->records("tls_error");
    ASSERT_EQ(failures.size(), 1u);
    EXPECT_NE(str(failures[0].at("error")).find("UNKNOWN_CA"), std::string::npos) << str(failures[0].at("error"));
  }
  {
    auto sink = start({"--pki-cert", "wrong_name"});  // from the trusted CA, for wrong.example only
    SendResult r = notify::send_mail(sink->settings(), reminder());
    EXPECT_EQ(r.status, SendStatus::temporary_failure) << r.detail;
    EXPECT_TRUE(sink->messages().empty());
  }
}

TEST_F(SmtpSend, ClosedPortIsTemporaryAndQuick) {
  SmtpSettings s;
  s.host = "127.0.0.1";
  s.port = static_cast<std::uint16_t>(closed_port());
  s.from = "noreply@exemple.fr";
  auto t0 = std::chrono::steady_clock::now();
  SendResult r = notify::send_mail(s, reminder());
  auto elapsed = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(r.status, SendStatus::temporary_failure) << r.detail;
  EXPECT_EQ(r.smtp_code, 0);
  EXPECT_NE(r.detail.find("cannot connect"), std::string::npos) << r.detail;
  EXPECT_LT(elapsed, std::chrono::seconds(3));
}

TEST_F(SmtpSend, HeaderInjectionNeverReachesTheServer) {
  auto sink = start();
  MailMessage m = reminder();
  m.subject = "Rappel\r\nBcc: victime@exemple.fr";
  SendResult r = notify::send_mail(sink->settings(), m);
  EXPECT_EQ(r.status, SendStatus::permanent_failure);
  sink->stop();  // every command the sink saw is recorded once it has exited
  EXPECT_TRUE(sink->verbs().empty());
}
