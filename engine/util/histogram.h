// A fixed-bucket histogram for Prometheus, safe to record into from any
// thread without a lock (each bucket is an atomic counter).
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace jalon {

class Histogram {
 public:
  // `bounds` are the upper bounds of the buckets, increasing; a last +Inf
  // bucket is implied.
  explicit Histogram(std::vector<double> bounds)
      : bounds_(std::move(bounds)), counts_(bounds_.size() + 1) {}
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  void Record(double value) {
    size_t i = 0;
    while (i < bounds_.size() && value > bounds_[i]) ++i;
    counts_[i].fetch_add(1, std::memory_order_relaxed);
    // Sum kept in micro-units so that it stays an integer atomic.
    sum_micro_.fetch_add(static_cast<uint64_t>(value * 1e6), std::memory_order_relaxed);
  }

  // The Prometheus text lines (_bucket, _sum, _count) for metric `name`.
  std::string Render(const std::string& name, const std::string& help) const {
    std::string out = "# HELP " + name + " " + help + "\n# TYPE " + name + " histogram\n";
    uint64_t cumulative = 0;
    for (size_t i = 0; i <= bounds_.size(); ++i) {
      cumulative += counts_[i].load(std::memory_order_relaxed);
      const std::string le = i < bounds_.size() ? Format(bounds_[i]) : "+Inf";
      out += name + "_bucket{le=\"" + le + "\"} " + std::to_string(cumulative) + "\n";
    }
    out += name + "_sum " + Format(static_cast<double>(sum_micro_.load()) / 1e6) + "\n";
    out += name + "_count " + std::to_string(cumulative) + "\n";
    return out;
  }

 private:
  static std::string Format(double v) {
    std::string s = std::to_string(v);
    while (s.size() > 1 && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
  }

  const std::vector<double> bounds_;
  std::vector<std::atomic<uint64_t>> counts_;
  std::atomic<uint64_t> sum_micro_{0};
};

}  // namespace jalon
