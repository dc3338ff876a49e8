// Axis scales for the charts: a data range widened to round numbers, with ticks at
// steps of 1, 2, 2.5 or 5 times a power of ten, and labels that show just enough decimals.
#pragma once

#include <string>
#include <vector>

namespace uc::report {

struct AxisScale {
  double lo = 0, hi = 1;  // the axis' ends: multiples of step
  double step = 1;
  std::vector<double> ticks;  // lo, lo + step, ..., hi
};

// A scale covering [lo, hi] with about `target_ticks` intervals. An empty range (lo == hi)
// is widened around its value; non-finite input gives 0..1.
AxisScale nice_scale(double lo, double hi, int target_ticks = 5);

// A tick value printed with the decimals its step needs ("2.5", "0.25", "150"), never "-0".
std::string tick_label(double value, double step);

}  // namespace uc::report
