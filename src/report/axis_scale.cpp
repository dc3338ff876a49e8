#include "report/axis_scale.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace uc::report {
namespace {

int intervals(double lo, double hi, double step) {
  return static_cast<int>(std::lround(std::ceil(hi / step - 1e-9) - std::floor(lo / step + 1e-9)));
}

// Of the round steps near span / target, the one whose rounded-out axis has the number of
// intervals closest to the target; on a tie, the larger step (fewer, plainer labels).
double nice_step(double lo, double hi, int target_ticks) {
  int target = std::max(1, target_ticks);
  double magnitude = std::pow(10.0, std::floor(std::log10((hi - lo) / target)));
  double best = magnitude;
  int best_miss = 1 << 30;
  for (double scale : {0.1, 1.0, 10.0}) {
    for (double m : {1.0, 2.0, 2.5, 5.0}) {
      double step = m * magnitude * scale;
      int miss = std::abs(intervals(lo, hi, step) - target);
      if (miss < best_miss || (miss == best_miss && step > best)) best = step, best_miss = miss;
    }
  }
  return best;
}

// Decimals needed to print multiples of `step` exactly (2.5 -> 1, 0.25 -> 2, 50 -> 0).
int decimals_for(double step) {
  for (int d = 0; d < 10; ++d) {
    double scaled = step * std::pow(10.0, d);
    if (std::abs(scaled - std::round(scaled)) < 1e-6 * std::max(1.0, scaled)) return d;
  }
  return 10;
}

}  // namespace

AxisScale nice_scale(double lo, double hi, int target_ticks) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) lo = 0, hi = 1;
  if (lo > hi) std::swap(lo, hi);
  if (hi - lo < 1e-12 * std::max(1.0, std::abs(hi))) {
    double pad = lo == 0 ? 1 : std::abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
    if (lo < 0 && lo + pad >= 0) lo = 0;  // a constant non-negative series keeps its zero baseline
  }
  AxisScale s;
  s.step = nice_step(lo, hi, target_ticks);
  s.lo = std::floor(lo / s.step + 1e-9) * s.step;
  s.hi = std::ceil(hi / s.step - 1e-9) * s.step;
  if (s.hi <= s.lo) s.hi = s.lo + s.step;
  int count = static_cast<int>(std::lround((s.hi - s.lo) / s.step));
  for (int i = 0; i <= count; ++i) s.ticks.push_back(s.lo + i * s.step);
  return s;
}

std::string tick_label(double value, double step) {
  int decimals = decimals_for(step);
  if (std::abs(value) < step * 1e-6) value = 0;
  return fmt::format("{:.{}f}", value, decimals);
}

}  // namespace uc::report
