// SplitMix64: the chaos schedule's random numbers. Ours rather than <random>'s
// distributions, whose output differs between standard libraries: a seed must give the
// same plan on every host and build, or "reproduce with --seed N" would be a lie.
#pragma once

#include <cstdint>

namespace uc::chaos {

class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}

  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  // Uniform in [0, n), n > 0. Rejects the short last block of 2^64 so that no value is
  // favoured.
  uint64_t below(uint64_t n) {
    uint64_t threshold = (0 - n) % n;
    for (;;) {
      uint64_t r = next();
      if (r >= threshold) return r % n;
    }
  }

  // Uniform in [0, 1): the top 53 bits, exact in a double.
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  // Uniform in [lo, hi).
  double between(double lo, double hi) { return lo + (hi - lo) * unit(); }

 private:
  uint64_t state_;
};

}  // namespace uc::chaos
