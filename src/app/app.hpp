// The composition root: configuration → store → services → routes → server.
#pragma once
#include <memory>

#include "config/config.hpp"
#include "core/worker_pool.hpp"
#include "http/router.hpp"
#include "http_client/client.hpp"
#include "llm/provider.hpp"
#include "observability/metrics.hpp"
#include "routes/auth_routes.hpp"
#include "routes/calendar_routes.hpp"
#include "routes/chat_routes.hpp"
#include "routes/ops_routes.hpp"
#include "routes/planning_routes.hpp"
#include "routes/progress_routes.hpp"
#include "routes/rest_day_routes.hpp"
#include "routes/timetable_routes.hpp"
#include "routes/users_routes.hpp"
#include "routes/web_app_routes.hpp"
#include "services/accounts/auth_service.hpp"
#include "services/accounts/user_service.hpp"
#include "services/ai/ai_gateway.hpp"
#include "services/coach/coach_service.hpp"
#include "services/coach/proposal_service.hpp"
#include "services/planning/ai_planning_service.hpp"
#include "services/planning/calendar_service.hpp"
#include "services/planning/planning_service.hpp"
#include "services/planning/timetable_service.hpp"
#include "services/progress/progress_service.hpp"
#include "services/progress/rest_day_service.hpp"
#include "store/store.hpp"

namespace planetude {

// Opens the database the configuration names (creating its folder) and applies migrations.
std::unique_ptr<store::Database> open_database(const Config& config);
// The database for a log line: the SQLite path, or PostgreSQL's host, port, name and user (never
// the password).
std::string describe_database(const Config& config);

class App {
 public:
  explicit App(Config config);
  ~App();

  const http::Router& router() const { return router_; }
  // Serves until SIGTERM/SIGINT; returns the process exit code.
  int serve();

 private:
  Config config_;
  metrics::Registry metrics_;
  std::size_t expired_tokens_purged_ = 0;
  store::AsyncDatabase db_;
  WorkerPool cpu_pool_;
  std::unique_ptr<http::HttpClient> http_client_;
  std::unique_ptr<llm::LlmProvider> provider_;
  AiGateway ai_;
  AuthService auth_;
  UserService users_;
  PlanningService plannings_;
  AiPlanningService ai_plannings_;
  ProposalService proposals_;
  ProgressService progress_;
  CalendarService calendars_;
  TimetableService timetable_;
  RestDayService rest_days_;
  CoachService coach_;
  routes::AuthRoutes auth_routes_;
  routes::UsersRoutes users_routes_;
  routes::PlanningRoutes planning_routes_;
  routes::ProgressRoutes progress_routes_;
  routes::CalendarRoutes calendar_routes_;
  routes::TimetableRoutes timetable_routes_;
  routes::RestDayRoutes rest_day_routes_;
  routes::ChatRoutes chat_routes_;
  routes::OpsRoutes ops_routes_;
  routes::WebAppRoutes web_app_routes_;
  http::Router router_;
};

}  // namespace planetude
