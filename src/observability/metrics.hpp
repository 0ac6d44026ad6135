// Prometheus metrics: labelled counters and histograms, rendered in the text exposition format.
// Label values must come from bounded sets (route templates, never raw paths).
#pragma once
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace planetude::metrics {

using Labels = std::vector<std::string>;  // values, in the order of the family's label names

class Counter {
 public:
  Counter(std::string name, std::string help, std::vector<std::string> label_names);
  void add(const Labels& values, std::uint64_t amount = 1);
  void render(std::string& out) const;

 private:
  std::string name_, help_;
  std::vector<std::string> label_names_;
  mutable std::mutex mu_;
  std::map<Labels, std::uint64_t> series_;
};

class Histogram {
 public:
  Histogram(std::string name, std::string help, std::vector<std::string> label_names, std::vector<double> bounds);
  void observe(const Labels& values, double value);
  void render(std::string& out) const;

 private:
  struct Series {
    std::vector<std::uint64_t> buckets;  // non-cumulative counts, one per bound
    std::uint64_t count = 0;
    double sum = 0;
  };
  std::string name_, help_;
  std::vector<std::string> label_names_;
  std::vector<double> bounds_;
  mutable std::mutex mu_;
  std::map<Labels, Series> series_;
};

// The registry of this process's metrics.
class Registry {
 public:
  Registry();
  Counter http_requests;
  Histogram http_duration;
  Counter llm_requests;    // {provider, outcome}
  Histogram llm_duration;  // {provider}
  Counter llm_tokens;      // {provider, kind}
  std::string render() const;
};

}  // namespace planetude::metrics
