// planetude: serve | migrate | backup | copy | version | --help
#include <cstdint>
#include <iostream>
#include <optional>
#include <string>
#include <utility>

#include "app/app.hpp"
#include "config/config.hpp"
#include "observability/log.hpp"
#include "store_copy/copy.hpp"
#include "store_pg/pg_database.hpp"
#include "store_sqlite/backup.hpp"

#if PLANETUDE_WITH_JEMALLOC
// Read by jemalloc at its first allocation (MALLOC_CONF in the environment still adds to it). Its
// background thread (one is enough) returns freed pages to the system as they age, also while the server sits idle
// after a burst (thousands of chats ending together); without it, pages are purged only during
// later allocations, so an idle server would keep its peak.
// NOLINTNEXTLINE(cppcoreguidelines-avoid-non-const-global-variables): the name and type are jemalloc's
extern "C" const char* malloc_conf;
const char* malloc_conf = "background_thread:true,max_background_threads:1";
#endif

namespace {

constexpr const char* kUsage = R"(PlanÉtude — study planner server with the PixelCoach AI coach

Usage: planetude [command]

Commands:
  serve     start the HTTP server (the default)
  migrate   apply database migrations and exit
  backup PATH
            copy the SQLite database, live, to PATH (a new file) and exit
  copy --from sqlite:PATH --to postgres://USER:PASSWORD@HOST:PORT/DB
            copy a SQLite database, every id kept, into an empty PostgreSQL database
            (also postgresql:// or libpq settings) and exit; needs no other setting
  version   print the version and exit

Options:
  -h, --help  show this help

Configuration comes from the environment, then from a .env file in the working directory.
See README.md for every variable (PORT, HOST, DATABASE_URL, JWT_SECRET, ...).
)";

int fail_config(const planetude::ConfigError& e) {
  std::cerr << "planetude: " << e.what() << std::endl;
  return 2;
}

int copy_usage_error(const std::string& problem) {
  std::cerr << "planetude: copy: " << problem << "\n\n" << kUsage;
  return 2;
}

// `copy --from sqlite:PATH --to CONNINFO` (also --from=..., --to=...). Reads no settings: the two
// databases are named on the command line, and the target's password never reaches the output.
int run_copy(int argc, char** argv) {
  namespace copy = planetude::store::copy;
  std::optional<std::string> from;
  std::optional<std::string> to;
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::cout << kUsage;
      return 0;
    }
    std::optional<std::string>* slot = nullptr;
    std::string value;
    for (auto [name, target] : {std::pair{"--from", &from}, std::pair{"--to", &to}}) {
      if (arg == name) {
        if (i + 1 >= argc) return copy_usage_error(std::string(name) + " needs a value");
        slot = target;
        value = argv[++i];
      } else if (arg.starts_with(std::string(name) + "=")) {
        slot = target;
        value = arg.substr(std::string(name).size() + 1);
      }
    }
    // An unknown argument is not repeated: it may be a misplaced URL with its password.
    if (!slot) return copy_usage_error("unexpected argument (expected --from sqlite:PATH --to postgres://...)");
    if (*slot) return copy_usage_error("--from and --to are each given once");
    *slot = value;
  }
  if (!from || !to) return copy_usage_error("needs --from sqlite:PATH and --to postgres://...");
  auto path = copy::sqlite_path(*from);
  if (!path) return copy_usage_error("--from must be sqlite:PATH, the SQLite database to copy");
  if (auto problem = copy::target_problem(*to); !problem.empty()) return copy_usage_error(problem);

  try {
    auto result = copy::copy_sqlite_to_postgres(*path, *to);
    std::int64_t total = 0;
    for (const auto& t : result.tables) {
      planetude::log::info("copied", {{"table", t.table}, {"rows", t.rows}});
      total += t.rows;
    }
    planetude::log::info("copy_done", {{"from", *path},
                                       {"to", planetude::store::pg::describe_conninfo(*to)},
                                       {"tables", result.tables.size()},
                                       {"rows", total},
                                       {"schema_version", result.schema_version}});
    return 0;
  } catch (const copy::CopyError& e) {
    std::cerr << "planetude: copy: " << e.what() << std::endl;
    return 1;
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string command = argc > 1 ? argv[1] : "serve";
  if (command == "-h" || command == "--help" || command == "help") {
    std::cout << kUsage;
    return 0;
  }
  if (command == "version" || command == "--version") {
    std::cout << "planetude " << PLANETUDE_VERSION << " (malloc: " << PLANETUDE_ALLOCATOR << ")" << std::endl;
    return 0;
  }
  if (command == "copy") return run_copy(argc, argv);
  if (command != "serve" && command != "migrate" && command != "backup") {
    std::cerr << "planetude: unknown command '" << command << "'\n\n" << kUsage;
    return 2;
  }
  if (command == "backup" && (argc != 3 || std::string(argv[2]).empty())) {
    std::cerr << "planetude: backup needs one argument, the path of the copy\n\n" << kUsage;
    return 2;
  }
  if (command != "backup" && argc > 2) {
    std::cerr << "planetude: unexpected argument '" << argv[2] << "'\n\n" << kUsage;
    return 2;
  }

  try {
    planetude::Config config = planetude::load_config(planetude::read_environment(".env"));
    planetude::log::set_level(config.log_level);
    if (command == "backup") {
      if (!config.postgres_conninfo.empty()) {
        std::cerr << "planetude: backup copies a SQLite database; for PostgreSQL use pg_dump\n";
        return 2;
      }
      auto copy = planetude::store::sqlite::backup_database(config.sqlite_path, argv[2]);
      planetude::log::info("backed_up", {{"database", config.sqlite_path},
                                         {"copy", argv[2]},
                                         {"pages", copy.pages},
                                         {"bytes", copy.bytes},
                                         {"schema_version", copy.schema_version}});
      return 0;
    }
    if (command == "migrate") {
      auto db = planetude::open_database(config);
      db->close();
      planetude::log::info("migrated", {{"database", planetude::describe_database(config)}});
      return 0;
    }
    planetude::resolve_jwt_secret(config);
    planetude::log::info("starting", {{"version", PLANETUDE_VERSION}, {"malloc", PLANETUDE_ALLOCATOR}});
    planetude::App app(std::move(config));
    return app.serve();
  } catch (const planetude::ConfigError& e) {
    return fail_config(e);
  } catch (const planetude::store::sqlite::BackupError& e) {
    std::cerr << "planetude: backup: " << e.what() << std::endl;
    return 1;
  } catch (const std::exception& e) {
    planetude::log::error("fatal", {{"error", e.what()}});
    std::cerr << "planetude: " << e.what() << std::endl;
    return 1;
  }
}
