// config: .env parsing, load_config's checks (every problem reported), the development JWT secret file.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "config/config.hpp"

using planetude::Config;
using planetude::ConfigError;
using planetude::EnvMap;
using planetude::load_config;
using planetude::parse_dotenv;

namespace fs = std::filesystem;

namespace {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/planetude-config-test-XXXXXX";
    char* p = ::mkdtemp(tmpl);
    if (!p) throw std::runtime_error("mkdtemp failed");
    path_ = p;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// The problems load_config reports for `env` (empty when it accepts it).
std::vector<std::string> problems_of(const EnvMap& env) {
  try {
    load_config(env);
  } catch (const ConfigError& e) {
    return e.problems();
  }
  return {};
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

// ---- parse_dotenv ---------------------------------------------------------------------------------

TEST(ParseDotenv, CommentsBlankLinesExportQuotesAndInlineComments) {
  EnvMap env = parse_dotenv(
      "# a comment\n"
      "\n"
      "   \n"
      "   # an indented comment\n"
      "PORT=8080\n"
      "export HOST=0.0.0.0\n"
      "DOUBLE=\"double quoted # not a comment\"\n"
      "SINGLE='single quoted'\n"
      "INLINE=value # inline comment\n"
      "HASH=with#hash\n"
      "EQUALS=a=b=c\n"
      "URL=sqlite:data/x.db?mode=rw\n"
      "  SPACED  =   spaced value  \n"
      "EMPTY=\n"
      "NOEQUALS\n"
      "=novalue\n"
      "QUOTED_EMPTY=\"\"\n"
      "LONE_QUOTE=\"\n"
      "MISMATCHED=\"abc'\n");
  EXPECT_EQ(env.at("PORT"), "8080");
  EXPECT_EQ(env.at("HOST"), "0.0.0.0");
  EXPECT_EQ(env.at("DOUBLE"), "double quoted # not a comment");
  EXPECT_EQ(env.at("SINGLE"), "single quoted");
  EXPECT_EQ(env.at("INLINE"), "value");
  EXPECT_EQ(env.at("HASH"), "with#hash");
  EXPECT_EQ(env.at("EQUALS"), "a=b=c");
  EXPECT_EQ(env.at("URL"), "sqlite:data/x.db?mode=rw");
  EXPECT_EQ(env.at("SPACED"), "spaced value");
  EXPECT_EQ(env.at("EMPTY"), "");
  EXPECT_EQ(env.at("QUOTED_EMPTY"), "");
  EXPECT_EQ(env.at("LONE_QUOTE"), "\"");
  EXPECT_EQ(env.at("MISMATCHED"), "\"abc'");
  EXPECT_EQ(env.count("NOEQUALS"), 0u);
  EXPECT_EQ(env.count(""), 0u);
  EXPECT_EQ(env.count("# a comment"), 0u);
  EXPECT_EQ(env.size(), 13u);
}

TEST(ParseDotenv, WindowsLineEndingsAndLastLineWithoutNewline) {
  EnvMap env = parse_dotenv("A=1\r\nB=\"two\"\r\nC=3");
  EXPECT_EQ(env.at("A"), "1");
  EXPECT_EQ(env.at("B"), "two");
  EXPECT_EQ(env.at("C"), "3");
}

// Found by tests/fuzz/dotenv_fuzz: a byte that is not UTF-8 before the space around '=' kept the
// space in the key.
TEST(ParseDotenv, KeysAreTrimmedAfterBytesThatAreNotUtf8) {
  EnvMap env = parse_dotenv("HOST\xd9 = x\n");
  EXPECT_EQ(env.count("HOST\xd9"), 1u);
  EXPECT_EQ(env.size(), 1u);
}

TEST(ParseDotenv, LaterLinesWin) {
  EnvMap env = parse_dotenv("A=1\nA=2\n");
  EXPECT_EQ(env.at("A"), "2");
}

TEST(ParseDotenv, QuotedValueFollowedByAComment) {
  // As the dotenv package reads it: the quotes delimit the value, the comment is dropped.
  EnvMap env = parse_dotenv("JWT_SECRET=\"abc def\" # generated with openssl rand\nNAME='x' # c\n");
  EXPECT_EQ(env.at("JWT_SECRET"), "abc def");
  EXPECT_EQ(env.at("NAME"), "x");
}

// ---- load_config: defaults and good values --------------------------------------------------------

TEST(LoadConfig, Defaults) {
  Config c = load_config({});
  EXPECT_EQ(c.host, "127.0.0.1");
  EXPECT_EQ(c.port, 5000);
  EXPECT_EQ(c.database_url, "sqlite:data/planetude.db");
  EXPECT_EQ(c.sqlite_path, "data/planetude.db");
  EXPECT_EQ(c.data_dir, "data");
  EXPECT_EQ(c.jwt_secret, "");
  EXPECT_EQ(c.jwt_ttl_seconds, 7 * 24 * 3600);
  EXPECT_FALSE(c.production);
  EXPECT_EQ(c.log_level, planetude::log::Level::info);
  EXPECT_TRUE(c.cors_origins.empty());
  EXPECT_EQ(c.max_body_bytes, 1024u * 1024u);
  EXPECT_EQ(c.public_url, "");
  EXPECT_EQ(c.llm_timeout_ms, 20000);
  EXPECT_EQ(c.llm_first_byte_timeout_ms, 10000);
}

TEST(LoadConfig, EmptyValuesMeanDefault) {
  Config c = load_config({{"PORT", ""}, {"LOG_LEVEL", ""}, {"APP_ENV", ""}});
  EXPECT_EQ(c.port, 5000);
  EXPECT_FALSE(c.production);
}

TEST(LoadConfig, GoodValues) {
  Config c = load_config({{"PORT", "8080"},
                          {"HOST", "0.0.0.0"},
                          {"LOG_LEVEL", "debug"},
                          {"APP_ENV", "test"},
                          {"MAX_BODY_BYTES", "1024"},
                          {"DATABASE_URL", "sqlite:///var/lib/planetude/db.sqlite"},
                          {"PUBLIC_URL", "https://api.example/"},
                          {"LLM_FIRST_BYTE_TIMEOUT_MS", "45000"},
                          {"TRUSTED_PROXIES", "10.0.0.0/8"},
                          {"CORS_ORIGIN", " https://app.example/ , http://localhost:5173,"}});
  EXPECT_EQ(c.port, 8080);
  EXPECT_EQ(c.host, "0.0.0.0");
  EXPECT_EQ(c.log_level, planetude::log::Level::debug);
  EXPECT_EQ(c.max_body_bytes, 1024u);
  EXPECT_EQ(c.sqlite_path, "/var/lib/planetude/db.sqlite");
  EXPECT_EQ(c.data_dir, "/var/lib/planetude");
  EXPECT_EQ(c.public_url, "https://api.example");
  EXPECT_EQ(c.llm_first_byte_timeout_ms, 45000);
  EXPECT_TRUE(c.trusted_proxies.contains("10.1.2.3"));
  EXPECT_FALSE(c.trusted_proxies.contains("127.0.0.1"));
  EXPECT_EQ(c.cors_origins, (std::vector<std::string>{"https://app.example", "http://localhost:5173"}));
}

TEST(LoadConfig, SqliteFileInTheWorkingDirectory) {
  Config c = load_config({{"DATABASE_URL", "sqlite:planetude.db"}});
  EXPECT_EQ(c.sqlite_path, "planetude.db");
  EXPECT_EQ(c.data_dir, ".");
}

TEST(LoadConfig, PortBounds) {
  EXPECT_EQ(load_config({{"PORT", "0"}}).port, 0);
  EXPECT_EQ(load_config({{"PORT", "65535"}}).port, 65535);
  for (const char* bad : {"65536", "-1", "80a", " 80", "8.0"})
    EXPECT_EQ(problems_of({{"PORT", bad}}).size(), 1u) << bad;
}

TEST(LoadConfig, JwtTtlForms) {
  EXPECT_EQ(load_config({{"JWT_TTL", "7d"}}).jwt_ttl_seconds, 7 * 86400);
  EXPECT_EQ(load_config({{"JWT_TTL", "12h"}}).jwt_ttl_seconds, 12 * 3600);
  EXPECT_EQ(load_config({{"JWT_TTL", "30m"}}).jwt_ttl_seconds, 1800);
  EXPECT_EQ(load_config({{"JWT_TTL", "3600"}}).jwt_ttl_seconds, 3600);
  EXPECT_EQ(load_config({{"JWT_TTL", "90s"}}).jwt_ttl_seconds, 90);
  EXPECT_EQ(load_config({{"JWT_TTL", "2w"}}).jwt_ttl_seconds, 14 * 86400);
  EXPECT_EQ(load_config({{"JWT_TTL", "60"}}).jwt_ttl_seconds, 60);             // 1 minute: the minimum
  EXPECT_EQ(load_config({{"JWT_TTL", "366d"}}).jwt_ttl_seconds, 366 * 86400);  // the maximum
  for (const char* bad : {"59", "0", "367d", "-5m", "1.5h", "7 d", "d", "7x", "abc"})
    EXPECT_EQ(problems_of({{"JWT_TTL", bad}}).size(), 1u) << bad;
}

// ---- load_config: each bad value ---------------------------------------------------------------------

TEST(LoadConfig, EachBadValueIsReported) {
  struct Case {
    const char* key;
    const char* value;
  } cases[] = {
      {"PORT", "abc"},
      {"PORT", "70000"},
      {"JWT_TTL", "abc"},
      {"LOG_LEVEL", "loud"},
      {"MAX_BODY_BYTES", "10"},
      {"APP_ENV", "staging"},
      {"CORS_ORIGIN", "foo"},
      {"PUBLIC_URL", "api.example"},
      {"DATABASE_URL", "mysql://x"},
      {"MAX_CONNECTIONS", "0"},
      {"LLM_PROVIDER", "claude"},
      {"DB_THREADS", "x"},
      {"LLM_FIRST_BYTE_TIMEOUT_MS", "50"},
      {"TRUSTED_PROXIES", "proxy.local"},
  };
  for (const auto& c : cases) {
    auto problems = problems_of({{c.key, c.value}});
    ASSERT_EQ(problems.size(), 1u) << c.key << "=" << c.value;
    EXPECT_TRUE(contains(problems[0], c.key)) << problems[0];
    EXPECT_TRUE(contains(problems[0], c.value)) << problems[0];
  }
}

TEST(LoadConfig, LogLevelNamesAreExact) {
  EXPECT_EQ(load_config({{"LOG_LEVEL", "warn"}}).log_level, planetude::log::Level::warn);
  EXPECT_EQ(load_config({{"LOG_LEVEL", "error"}}).log_level, planetude::log::Level::error);
  EXPECT_EQ(problems_of({{"LOG_LEVEL", "warning"}}).size(), 1u);
}

TEST(LoadConfig, SeveralProblemsAreReportedAtOnce) {
  auto problems = problems_of({{"PORT", "abc"},
                               {"JWT_TTL", "abc"},
                               {"LOG_LEVEL", "loud"},
                               {"MAX_BODY_BYTES", "10"},
                               {"APP_ENV", "staging"},
                               {"CORS_ORIGIN", "foo"}});
  ASSERT_EQ(problems.size(), 6u);
  for (const char* key : {"PORT", "JWT_TTL", "LOG_LEVEL", "MAX_BODY_BYTES", "APP_ENV", "CORS_ORIGIN"}) {
    int n = 0;
    for (const auto& p : problems)
      if (p.rfind(key, 0) == 0) ++n;
    EXPECT_EQ(n, 1) << key;
  }
  // what() lists them all too.
  try {
    load_config({{"PORT", "abc"}, {"LOG_LEVEL", "loud"}});
    FAIL() << "no ConfigError";
  } catch (const ConfigError& e) {
    std::string what = e.what();
    EXPECT_TRUE(contains(what, "PORT"));
    EXPECT_TRUE(contains(what, "LOG_LEVEL"));
  }
}

TEST(LoadConfig, ProductionNeedsALongJwtSecret) {
  auto missing = problems_of({{"APP_ENV", "production"}});
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_TRUE(contains(missing[0], "JWT_SECRET"));

  auto short_secret = problems_of({{"APP_ENV", "production"}, {"JWT_SECRET", std::string(31, 'x')}});
  ASSERT_EQ(short_secret.size(), 1u);
  EXPECT_TRUE(contains(short_secret[0], "JWT_SECRET"));
  EXPECT_TRUE(contains(short_secret[0], "short"));

  Config ok = load_config({{"APP_ENV", "production"}, {"JWT_SECRET", std::string(32, 'x')}});
  EXPECT_TRUE(ok.production);
  EXPECT_EQ(ok.jwt_secret, std::string(32, 'x'));

  // NODE_ENV is read when APP_ENV is not set.
  EXPECT_EQ(problems_of({{"NODE_ENV", "production"}}).size(), 1u);
  // Development does not need one.
  EXPECT_TRUE(problems_of({{"APP_ENV", "development"}}).empty());
}

TEST(LoadConfig, MongodbUriAloneIsRefusedNamingDatabaseUrl) {
  auto problems = problems_of({{"MONGODB_URI", "mongodb://localhost:27017/planetude"}});
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_TRUE(contains(problems[0], "MONGODB_URI"));
  EXPECT_TRUE(contains(problems[0], "DATABASE_URL"));
  // With DATABASE_URL set, the old variable is ignored.
  EXPECT_TRUE(problems_of({{"MONGODB_URI", "mongodb://x"}, {"DATABASE_URL", "sqlite:data/p.db"}}).empty());
}

// ---- load_config: the outbound proxy ---------------------------------------------------------------

TEST(LoadConfig, HttpsProxyMustBeAnHttpUrl) {
  EXPECT_EQ(load_config({{"HTTPS_PROXY", "http://proxy.local:3128"}}).https_proxy, "http://proxy.local:3128");
  EXPECT_EQ(load_config({{"https_proxy", "http://proxy.local:3128"}}).https_proxy, "http://proxy.local:3128");
  // The hop to the proxy would be plain text although the URL promises TLS: refused.
  for (const char* key : {"HTTPS_PROXY", "https_proxy"}) {
    for (const char* bad : {"https://proxy.local:3128", "proxy.local:3128", "socks5://proxy.local:1080"}) {
      auto problems = problems_of({{key, bad}});
      ASSERT_EQ(problems.size(), 1u) << key << "=" << bad;
      EXPECT_EQ(problems[0], "HTTPS_PROXY must be an http:// URL");
    }
  }
}

TEST(LoadConfig, NoProxyEntriesAreTrimmedAndLowerCased) {
  EXPECT_TRUE(load_config({}).no_proxy.empty());
  Config c = load_config({{"NO_PROXY", " LocalHost, .Example.COM ,,10.0.0.7:8443 , [::1] , *,"}});
  EXPECT_EQ(c.no_proxy, (std::vector<std::string>{"localhost", ".example.com", "10.0.0.7:8443", "[::1]", "*"}));
}

TEST(LoadConfig, NoProxyUpperCaseWinsOverLowerCase) {
  EXPECT_EQ(load_config({{"no_proxy", "a.example"}}).no_proxy, std::vector<std::string>{"a.example"});
  EXPECT_EQ(load_config({{"NO_PROXY", "b.example"}, {"no_proxy", "a.example"}}).no_proxy,
            std::vector<std::string>{"b.example"});
}

// ---- resolve_jwt_secret -----------------------------------------------------------------------------

TEST(ResolveJwtSecret, CreatesAPrivateFileOnceThenReadsItBack) {
  TempDir tmp;
  Config c;
  c.data_dir = (tmp.path() / "data").string();  // does not exist yet
  planetude::resolve_jwt_secret(c);
  EXPECT_GE(c.jwt_secret.size(), 32u);

  fs::path file = tmp.path() / "data" / "jwt-secret";
  ASSERT_TRUE(fs::exists(file));
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_FALSE(fs::exists(file.string() + ".tmp"));
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, c.jwt_secret);

  Config again;
  again.data_dir = c.data_dir;
  planetude::resolve_jwt_secret(again);
  EXPECT_EQ(again.jwt_secret, c.jwt_secret);
  EXPECT_EQ(std::distance(fs::directory_iterator(tmp.path() / "data"), fs::directory_iterator()), 1);
}

TEST(ResolveJwtSecret, DifferentFoldersGetDifferentSecrets) {
  TempDir a, b;
  Config ca, cb;
  ca.data_dir = a.path().string();
  cb.data_dir = b.path().string();
  planetude::resolve_jwt_secret(ca);
  planetude::resolve_jwt_secret(cb);
  EXPECT_NE(ca.jwt_secret, cb.jwt_secret);
}

TEST(ResolveJwtSecret, AConfiguredSecretIsKeptAndNoFileIsWritten) {
  TempDir tmp;
  Config c;
  c.data_dir = (tmp.path() / "data").string();
  c.jwt_secret = "from-the-environment";
  planetude::resolve_jwt_secret(c);
  EXPECT_EQ(c.jwt_secret, "from-the-environment");
  EXPECT_FALSE(fs::exists(tmp.path() / "data"));
}

TEST(ResolveJwtSecret, ATooShortFileIsReplaced) {
  TempDir tmp;
  {
    std::ofstream out(tmp.path() / "jwt-secret");
    out << "short\n";
  }
  Config c;
  c.data_dir = tmp.path().string();
  planetude::resolve_jwt_secret(c);
  EXPECT_GE(c.jwt_secret.size(), 32u);
  EXPECT_NE(c.jwt_secret, "short");
}

TEST(LoadConfig, DatabaseUrlNamesPostgresInEveryForm) {
  for (const char* url : {"postgres://eleve:secret@db.example:5432/planetude", "postgresql://db.example/planetude",
                          "host=/run/postgresql dbname=planetude"}) {
    auto config = load_config({{"DATABASE_URL", url}});
    EXPECT_EQ(config.postgres_conninfo, url);
    EXPECT_TRUE(config.sqlite_path.empty()) << url;
  }
  EXPECT_TRUE(load_config({}).postgres_conninfo.empty());
}

TEST(LoadConfig, AnUnknownDatabaseUrlIsRefusedWithoutItsPassword) {
  auto problems = problems_of({{"DATABASE_URL", "mysql://root:tres-secret@localhost/planetude"}});
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_TRUE(contains(problems[0], "mysql://root:***@localhost/planetude")) << problems[0];
  EXPECT_FALSE(contains(problems[0], "tres-secret")) << problems[0];
}
