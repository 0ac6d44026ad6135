// services/ai/ai_gateway: the deadline handed to the provider, the single retry on 429/503, the
// circuit breaker and the metrics of every call. Time is a hand-moved clock (AiSettings::now); a
// retry waits on a real timer for the provider's retry-after, so the retries here ask for 0 s.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "core/cancellation.hpp"
#include "llm/provider.hpp"
#include "observability/metrics.hpp"
#include "services/ai/ai_gateway.hpp"
#include "support/fake_provider.hpp"
#include "support/run_async.hpp"

namespace {

namespace asio = boost::asio;
namespace llm = planetude::llm;
using namespace std::chrono_literals;
using planetude::AiGateway;
using planetude::AiSettings;
using planetude::Cancellation;
using planetude::testing::FakeProvider;
using planetude::testing::run_async;
using Clock = std::chrono::steady_clock;
using Kind = llm::FailureKind;

// A steady clock that only moves when the test (or the provider below) moves it.
struct ManualClock {
  Clock::time_point now = Clock::time_point{} + 1000h;
  void advance(Clock::duration d) { now += d; }
};

// The scripted provider, plus: each call takes `call_takes` on the manual clock, reports `usage`
// when it succeeds, and records the first-byte timeout and cancellation it was given.
class TimedProvider : public FakeProvider {
 public:
  TimedProvider(ManualClock& clock, const char* name) : FakeProvider(name), clock_(clock) {}

  asio::awaitable<llm::Completion> complete(const llm::Prompt& prompt, llm::DeltaFn on_delta,
                                            llm::CallOptions options) override {
    first_bytes.push_back(options.first_byte);
    cancels.push_back(options.cancel);
    clock_.advance(call_takes);
    llm::Completion done = co_await FakeProvider::complete(prompt, std::move(on_delta), options);
    done.usage = usage;
    co_return done;
  }

  Clock::duration call_takes{0};
  llm::Usage usage;
  std::vector<std::chrono::milliseconds> first_bytes;
  std::vector<Cancellation*> cancels;

 private:
  ManualClock& clock_;
};

asio::awaitable<void> collect(std::vector<std::string>* out, std::string text) {
  out->push_back(std::move(text));
  co_return;
}

llm::DeltaFn collector(std::vector<std::string>& out) {
  return [&out](std::string text) { return collect(&out, std::move(text)); };
}

llm::Prompt hello() {
  llm::Prompt p;
  p.system = "Tu es PixelCoach.";
  p.turns.push_back({llm::Turn::Role::user, "Bonjour"});
  return p;
}

llm::ProviderFailure failure(Kind kind, std::optional<int> retry_after = std::nullopt) {
  return llm::ProviderFailure(kind, llm::failure_label(kind), retry_after);
}

// The value of one sample in the Prometheus text, e.g. `llm_requests_total{provider="gemini",outcome="ok"}`.
std::string sample(const planetude::metrics::Registry& metrics, const std::string& series) {
  std::istringstream in(metrics.render());
  for (std::string line; std::getline(in, line);)
    if (line.rfind(series + " ", 0) == 0) return line.substr(series.size() + 1);
  return "<absent>";
}

class AiGatewayTest : public ::testing::Test {
 protected:
  explicit AiGatewayTest(const char* provider_name = "gemini") : provider(clock, provider_name) {
    settings.timeout = 20s;
    settings.first_byte_timeout = 5s;
    settings.breaker_failures = 3;
    settings.breaker_open = 30s;
    settings.now = [this] { return clock.now; };
  }

  AiGateway& gateway() {
    if (!gateway_) gateway_.emplace(metrics, &provider, settings);
    return *gateway_;
  }

  llm::Completion ask(llm::DeltaFn on_delta = {}, Cancellation* cancel = nullptr) {
    return run_async(gateway().ask(hello(), std::move(on_delta), cancel, "chat"));
  }

  // The kind of the failure `ask` throws; fails the test when it returns instead.
  std::optional<Kind> ask_failure(llm::DeltaFn on_delta = {}) {
    try {
      ask(std::move(on_delta));
    } catch (const llm::ProviderFailure& f) {
      return f.kind();
    }
    ADD_FAILURE() << "ask returned instead of throwing ProviderFailure";
    return std::nullopt;
  }

  ManualClock clock;
  planetude::metrics::Registry metrics;
  TimedProvider provider;
  AiSettings settings;

 private:
  std::optional<AiGateway> gateway_;
};

// ---------------------------------------------------------------------------------------------
// The deadline and call options

class AiGatewayDeadline : public AiGatewayTest {};

TEST_F(AiGatewayDeadline, IsNowPlusTheTimeoutWithTheFirstByteTimeoutAndCancellation) {
  settings.timeout = 7s;
  settings.first_byte_timeout = 3s;
  const Clock::time_point start = clock.now;
  Cancellation cancel;
  provider.then_reply("Salut");
  llm::Completion done = ask({}, &cancel);
  EXPECT_EQ(done.text, "Salut");
  ASSERT_EQ(provider.deadlines.size(), 1u);
  EXPECT_EQ(provider.deadlines[0], start + 7s);
  EXPECT_EQ(provider.first_bytes[0], 3s);
  EXPECT_EQ(provider.cancels[0], &cancel);
  EXPECT_EQ(provider.prompts[0].system, "Tu es PixelCoach.");
  ASSERT_EQ(provider.prompts[0].turns.size(), 1u);
  EXPECT_EQ(provider.prompts[0].turns[0].text, "Bonjour");
  EXPECT_FALSE(provider.streamed[0]);  // no on_delta: a unary call
}

TEST_F(AiGatewayDeadline, FollowsTheClockAtTheTimeOfTheCall) {
  provider.then_reply("un").then_reply("deux");
  ask();
  clock.advance(90s);
  ask();
  ASSERT_EQ(provider.deadlines.size(), 2u);
  EXPECT_EQ(provider.deadlines[1] - provider.deadlines[0], 90s);
}

TEST_F(AiGatewayDeadline, TheRetryKeepsTheFirstDeadline) {
  const Clock::time_point start = clock.now;
  provider.call_takes = 2s;
  provider.then_fail(Kind::rate_limited, 0).then_reply("Voilà");
  EXPECT_EQ(ask().text, "Voilà");
  ASSERT_EQ(provider.deadlines.size(), 2u);
  EXPECT_EQ(provider.deadlines[0], start + 20s);
  EXPECT_EQ(provider.deadlines[1], start + 20s);  // the timeout covers the whole call, retry included
}

// ---------------------------------------------------------------------------------------------
// The retry

class AiGatewayRetry : public AiGatewayTest {};

TEST_F(AiGatewayRetry, RetriesOnceOnRateLimitedWithTheSamePrompt) {
  provider.then_fail(Kind::rate_limited, 0).then_reply("Voilà");
  EXPECT_EQ(ask().text, "Voilà");
  ASSERT_EQ(provider.prompts.size(), 2u);
  EXPECT_EQ(provider.prompts[1].system, "Tu es PixelCoach.");
  ASSERT_EQ(provider.prompts[1].turns.size(), 1u);
  EXPECT_EQ(provider.prompts[1].turns[0].text, "Bonjour");
}

TEST_F(AiGatewayRetry, RetriesOnceOnUnavailable) {
  provider.then_fail(Kind::unavailable, 0).then_reply("Voilà");
  EXPECT_EQ(ask().text, "Voilà");
  EXPECT_EQ(provider.prompts.size(), 2u);
}

TEST_F(AiGatewayRetry, RetriesAStreamWhenNothingWasStreamedYet) {
  std::vector<std::string> deltas;
  provider.then_fail(Kind::rate_limited, 0).then(FakeProvider::Reply{{"Bon", "jour"}, {}, llm::Finish::stop, {}});
  EXPECT_EQ(ask(collector(deltas)).text, "Bonjour");
  EXPECT_EQ(deltas, (std::vector<std::string>{"Bon", "jour"}));
  ASSERT_EQ(provider.streamed.size(), 2u);
  EXPECT_TRUE(provider.streamed[0]);
  EXPECT_TRUE(provider.streamed[1]);
}

TEST_F(AiGatewayRetry, NeverRetriesTwice) {
  provider.then_fail(Kind::rate_limited, 0).then_fail(Kind::unavailable, 0).then_reply("trop tard");
  EXPECT_EQ(ask_failure(), Kind::unavailable);
  EXPECT_EQ(provider.prompts.size(), 2u);
  EXPECT_EQ(provider.calls_left(), 1u);
}

TEST_F(AiGatewayRetry, NoRetryWhenTheRetryAfterDoesNotFitInTheTimeout) {
  // 1 s of waiting plus the 1 s margin reach the 2 s deadline: not worth starting.
  settings.timeout = 2s;
  provider.then_fail(Kind::rate_limited, 1).then_reply("trop tard");
  EXPECT_EQ(ask_failure(), Kind::rate_limited);
  EXPECT_EQ(provider.prompts.size(), 1u);
  EXPECT_EQ(provider.calls_left(), 1u);
}

TEST_F(AiGatewayRetry, TheTimeAlreadySpentCounts) {
  // The first attempt took 19 s of the 20: even a retry-after of 0 no longer fits the 1 s margin.
  provider.call_takes = 19s;
  provider.then_fail(Kind::unavailable, 0).then_reply("trop tard");
  EXPECT_EQ(ask_failure(), Kind::unavailable);
  EXPECT_EQ(provider.prompts.size(), 1u);
}

TEST_F(AiGatewayRetry, JustUnderTheMarginStillRetries) {
  provider.call_takes = 19s - 1ms;
  provider.then_fail(Kind::unavailable, 0).then_reply("Voilà");
  EXPECT_EQ(ask().text, "Voilà");
  EXPECT_EQ(provider.prompts.size(), 2u);
}

TEST_F(AiGatewayRetry, AMissingRetryAfterCountsAsOneSecond) {
  // With 2 s in all, a stated 0 s fits (0 + 1 < 2) but the assumed 1 s does not (1 + 1 = 2).
  settings.timeout = 2s;
  provider.then_fail(Kind::rate_limited, 0).then_reply("Voilà");
  EXPECT_EQ(ask().text, "Voilà");
  EXPECT_EQ(provider.prompts.size(), 2u);

  provider.then_fail(Kind::rate_limited).then_reply("trop tard");
  EXPECT_EQ(ask_failure(), Kind::rate_limited);
  EXPECT_EQ(provider.prompts.size(), 3u);
  EXPECT_EQ(provider.calls_left(), 1u);
}

TEST_F(AiGatewayRetry, NoRetryOnceADeltaWasStreamed) {
  std::vector<std::string> deltas;
  provider.then(FakeProvider::Reply{{"Bon"}, {}, llm::Finish::stop, failure(Kind::rate_limited, 0)}).then_reply("jour");
  EXPECT_EQ(ask_failure(collector(deltas)), Kind::rate_limited);
  EXPECT_EQ(deltas, std::vector<std::string>{"Bon"});  // the student never sees "Bon" twice
  EXPECT_EQ(provider.prompts.size(), 1u);
  EXPECT_EQ(provider.calls_left(), 1u);
}

class AiGatewayNoRetry : public AiGatewayTest, public ::testing::WithParamInterface<Kind> {};

TEST_P(AiGatewayNoRetry, FailsAtOnceEvenWithARetryAfterOfZero) {
  provider.then_fail(GetParam(), 0).then_reply("jamais");
  EXPECT_EQ(ask_failure(), GetParam());
  EXPECT_EQ(provider.prompts.size(), 1u);
  EXPECT_EQ(provider.calls_left(), 1u);
}

INSTANTIATE_TEST_SUITE_P(AiGatewayKinds, AiGatewayNoRetry,
                         ::testing::Values(Kind::timeout, Kind::network, Kind::http_error, Kind::bad_key,
                                           Kind::quota_exhausted, Kind::malformed, Kind::blocked, Kind::cancelled),
                         [](const ::testing::TestParamInfo<Kind>& info) {
                           return std::string(llm::failure_label(info.param));
                         });

// ---------------------------------------------------------------------------------------------
// The circuit breaker (3 failures open it for 30 s here)

class AiGatewayBreaker : public AiGatewayTest {};

TEST_F(AiGatewayBreaker, OpensAfterTheConfiguredConsecutiveFailures) {
  provider.then_fail(Kind::network).then_fail(Kind::timeout).then_fail(Kind::bad_key);
  EXPECT_TRUE(gateway().available());
  EXPECT_EQ(ask_failure(), Kind::network);
  EXPECT_EQ(ask_failure(), Kind::timeout);
  EXPECT_TRUE(gateway().available());
  EXPECT_EQ(ask_failure(), Kind::bad_key);
  EXPECT_FALSE(gateway().available());
}

TEST_F(AiGatewayBreaker, WhenOpenAskIsRefusedWithoutCallingTheProvider) {
  provider.then_fail(Kind::network).then_fail(Kind::network).then_fail(Kind::network).then_reply("jamais");
  for (int i = 0; i < 3; ++i) ask_failure();
  ASSERT_FALSE(gateway().available());
  EXPECT_EQ(ask_failure(), Kind::unavailable);
  EXPECT_EQ(provider.prompts.size(), 3u);
  EXPECT_EQ(provider.calls_left(), 1u);
}

TEST_F(AiGatewayBreaker, ClosesAgainAfterTheOpenPeriod) {
  provider.then_fail(Kind::network).then_fail(Kind::network).then_fail(Kind::network).then_reply("de retour");
  for (int i = 0; i < 3; ++i) ask_failure();
  clock.advance(30s - 1ms);
  EXPECT_FALSE(gateway().available());
  clock.advance(1ms);
  EXPECT_TRUE(gateway().available());
  EXPECT_EQ(ask().text, "de retour");
  EXPECT_EQ(provider.prompts.size(), 4u);
}

TEST_F(AiGatewayBreaker, TheOpenPeriodStartsAtTheLastFailure) {
  provider.then_fail(Kind::network).then_fail(Kind::network).then_fail(Kind::network);
  ask_failure();
  ask_failure();
  clock.advance(10s);
  ask_failure();  // opens now, 10 s after the first failure
  clock.advance(29s);
  EXPECT_FALSE(gateway().available());
  clock.advance(1s);
  EXPECT_TRUE(gateway().available());
}

TEST_F(AiGatewayBreaker, ASuccessResetsTheCount) {
  provider.then_fail(Kind::network).then_fail(Kind::network).then_reply("ok");
  provider.then_fail(Kind::network).then_fail(Kind::network).then_fail(Kind::network);
  ask_failure();
  ask_failure();
  ask();
  ask_failure();
  ask_failure();
  EXPECT_TRUE(gateway().available());  // two in a row since the success, not four
  ask_failure();
  EXPECT_FALSE(gateway().available());
}

TEST_F(AiGatewayBreaker, ACutOffAnswerCountsAsASuccess) {
  provider.then_fail(Kind::network).then_fail(Kind::network);
  provider.then(FakeProvider::Reply{{"coupé"}, {}, llm::Finish::max_tokens, {}});
  provider.then_fail(Kind::network).then_fail(Kind::network);
  ask_failure();
  ask_failure();
  EXPECT_EQ(ask().finish, llm::Finish::max_tokens);
  ask_failure();
  ask_failure();
  EXPECT_TRUE(gateway().available());
}

TEST_F(AiGatewayBreaker, CancelledAndBlockedCallsDoNotCount) {
  // The student hung up, or the provider refused this prompt: the provider itself is fine.
  for (int i = 0; i < 3; ++i) provider.then_fail(Kind::cancelled).then_fail(Kind::blocked);
  for (int i = 0; i < 6; ++i) ask_failure();
  EXPECT_TRUE(gateway().available());
  EXPECT_EQ(provider.prompts.size(), 6u);
}

TEST_F(AiGatewayBreaker, ARetriedCallCountsOnce) {
  settings.breaker_failures = 2;
  provider.then_fail(Kind::rate_limited, 0).then_fail(Kind::unavailable, 0).then_fail(Kind::network);
  EXPECT_EQ(ask_failure(), Kind::unavailable);  // two attempts, one failed call
  EXPECT_TRUE(gateway().available());
  EXPECT_EQ(ask_failure(), Kind::network);
  EXPECT_FALSE(gateway().available());
}

TEST_F(AiGatewayBreaker, WithoutAProviderNothingIsAvailable) {
  AiGateway none(metrics, nullptr, settings);
  EXPECT_FALSE(none.available());
  EXPECT_STREQ(none.provider_name(), "fallback");
  try {
    run_async(none.ask(hello(), {}, nullptr, "chat"));
    ADD_FAILURE() << "ask without a provider returned";
  } catch (const llm::ProviderFailure& f) {
    EXPECT_EQ(f.kind(), Kind::unavailable);
  }
  EXPECT_STREQ(gateway().provider_name(), "gemini");
}

// ---------------------------------------------------------------------------------------------
// Metrics

class AiGatewayMetrics : public AiGatewayTest {
 protected:
  AiGatewayMetrics() : AiGatewayTest("openai") {}
};

TEST_F(AiGatewayMetrics, ASuccessRecordsItsOutcomeLatencyAndTokens) {
  provider.call_takes = 2500ms;
  provider.usage = {12, 34, 46};
  provider.then_reply("Voilà");
  ask();
  EXPECT_EQ(sample(metrics, R"(llm_requests_total{provider="openai",outcome="ok"})"), "1");
  EXPECT_EQ(sample(metrics, R"(llm_request_duration_seconds_count{provider="openai"})"), "1");
  EXPECT_EQ(sample(metrics, R"(llm_request_duration_seconds_sum{provider="openai"})"), "2.5");
  EXPECT_EQ(sample(metrics, R"(llm_request_duration_seconds_bucket{provider="openai",le="2"})"), "0");
  EXPECT_EQ(sample(metrics, R"(llm_request_duration_seconds_bucket{provider="openai",le="5"})"), "1");
  EXPECT_EQ(sample(metrics, R"(llm_tokens_total{provider="openai",kind="prompt"})"), "12");
  EXPECT_EQ(sample(metrics, R"(llm_tokens_total{provider="openai",kind="output"})"), "34");
}

TEST_F(AiGatewayMetrics, TokensAddUpAndNegativeCountsAreZero) {
  provider.usage = {10, -3, 7};
  provider.then_reply("un").then_reply("deux");
  ask();
  ask();
  EXPECT_EQ(sample(metrics, R"(llm_requests_total{provider="openai",outcome="ok"})"), "2");
  EXPECT_EQ(sample(metrics, R"(llm_tokens_total{provider="openai",kind="prompt"})"), "20");
  EXPECT_EQ(sample(metrics, R"(llm_tokens_total{provider="openai",kind="output"})"), "0");
}

TEST_F(AiGatewayMetrics, ACutOffAnswerIsRecordedAsMaxTokens) {
  provider.then(FakeProvider::Reply{{"coupé"}, {}, llm::Finish::max_tokens, {}});
  ask();
  EXPECT_EQ(sample(metrics, R"(llm_requests_total{provider="openai",outcome="max_tokens"})"), "1");
  EXPECT_EQ(sample(metrics, R"(llm_requests_total{provider="openai",outcome="ok"})"), "<absent>");
}

TEST_F(AiGatewayMetrics, AFailureRecordsItsLabelAndLatencyButNoTokens) {
  provider.call_takes = 300ms;
  provider.then_fail(Kind::quota_exhausted);
  ask_failure();
  EXPECT_EQ(sample(metrics, R"(llm_requests_total{provider="openai",outcome="quota_exhausted"})"), "1");
  EXPECT_EQ(sample(metrics, R"(llm_request_duration_seconds_count{provider="openai"})"), "1");
  EXPECT_EQ(sample(metrics, R"(llm_request_duration_seconds_sum{provider="openai"})"), "0.3");
  EXPECT_EQ(metrics.render().find("llm_tokens_total{"), std::string::npos);
}

TEST_F(AiGatewayMetrics, ARetryRecordsBothAttemptsAndOneDuration) {
  provider.call_takes = 1s;
  provider.then_fail(Kind::rate_limited, 0).then_reply("Voilà");
  ask();
  EXPECT_EQ(sample(metrics, R"(llm_requests_total{provider="openai",outcome="rate_limited"})"), "1");
  EXPECT_EQ(sample(metrics, R"(llm_requests_total{provider="openai",outcome="ok"})"), "1");
  EXPECT_EQ(sample(metrics, R"(llm_request_duration_seconds_count{provider="openai"})"), "1");
  EXPECT_EQ(sample(metrics, R"(llm_request_duration_seconds_sum{provider="openai"})"), "2");  // both attempts
}

TEST_F(AiGatewayMetrics, ARefusalByTheOpenBreakerIsNotAProviderCall) {
  provider.then_fail(Kind::network).then_fail(Kind::network).then_fail(Kind::network);
  for (int i = 0; i < 3; ++i) ask_failure();
  ask_failure();
  EXPECT_EQ(sample(metrics, R"(llm_requests_total{provider="openai",outcome="network_error"})"), "3");
  EXPECT_EQ(sample(metrics, R"(llm_requests_total{provider="openai",outcome="unavailable"})"), "<absent>");
  EXPECT_EQ(sample(metrics, R"(llm_request_duration_seconds_count{provider="openai"})"), "3");
}

}  // namespace
