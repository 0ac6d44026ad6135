#include "observability/metrics.hpp"

#include <charconv>

namespace planetude::metrics {

namespace {

std::string escape_label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string label_set(const std::vector<std::string>& names, const Labels& values, const std::string& extra = {}) {
  std::string out = "{";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i) out += ',';
    out += names[i] + "=\"" + escape_label(i < values.size() ? values[i] : std::string()) + "\"";
  }
  if (!extra.empty()) out += (names.empty() ? "" : ",") + extra;
  return out + "}";
}

// The shortest text that reads back as the same double ("0.1", not "0.10000000000000001"), as
// other Prometheus clients write bucket bounds.
std::string number(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : std::string("NaN");
}

}  // namespace

Counter::Counter(std::string name, std::string help, std::vector<std::string> label_names)
    : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)) {}

void Counter::add(const Labels& values, std::uint64_t amount) {
  std::lock_guard lock(mu_);
  series_[values] += amount;
}

void Counter::render(std::string& out) const {
  out += "# HELP " + name_ + " " + help_ + "\n# TYPE " + name_ + " counter\n";
  std::lock_guard lock(mu_);
  for (const auto& [labels, value] : series_)
    out += name_ + label_set(label_names_, labels) + " " + std::to_string(value) + "\n";
}

Histogram::Histogram(std::string name, std::string help, std::vector<std::string> label_names,
                     std::vector<double> bounds)
    : name_(std::move(name)),
      help_(std::move(help)),
      label_names_(std::move(label_names)),
      bounds_(std::move(bounds)) {}

void Histogram::observe(const Labels& values, double value) {
  std::lock_guard lock(mu_);
  Series& s = series_[values];
  if (s.buckets.empty()) s.buckets.assign(bounds_.size(), 0);
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    if (value <= bounds_[i]) {
      ++s.buckets[i];
      break;
    }
  }
  ++s.count;
  s.sum += value;
}

void Histogram::render(std::string& out) const {
  out += "# HELP " + name_ + " " + help_ + "\n# TYPE " + name_ + " histogram\n";
  std::lock_guard lock(mu_);
  for (const auto& [labels, s] : series_) {
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < bounds_.size(); ++i) {
      cumulative += s.buckets[i];
      out += name_ + "_bucket" + label_set(label_names_, labels, "le=\"" + number(bounds_[i]) + "\"") + " " +
             std::to_string(cumulative) + "\n";
    }
    out += name_ + "_bucket" + label_set(label_names_, labels, "le=\"+Inf\"") + " " + std::to_string(s.count) + "\n";
    out += name_ + "_sum" + label_set(label_names_, labels) + " " + number(s.sum) + "\n";
    out += name_ + "_count" + label_set(label_names_, labels) + " " + std::to_string(s.count) + "\n";
  }
}

Registry::Registry()
    : http_requests("http_requests_total", "HTTP requests answered, by method, route template and status.",
                    {"method", "route", "status"}),
      http_duration("http_request_duration_seconds", "Time to answer HTTP requests, by method and route template.",
                    {"method", "route"},
                    {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}),
      llm_requests("llm_requests_total", "Calls to AI providers, by provider and outcome.", {"provider", "outcome"}),
      llm_duration("llm_request_duration_seconds", "Time of AI provider calls, by provider.", {"provider"},
                   {0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60}),
      llm_tokens("llm_tokens_total", "Tokens used by AI providers, by provider and kind (prompt, output).",
                 {"provider", "kind"}) {}

std::string Registry::render() const {
  std::string out;
  http_requests.render(out);
  http_duration.render(out);
  llm_requests.render(out);
  llm_duration.render(out);
  llm_tokens.render(out);
  return out;
}

}  // namespace planetude::metrics
