/// Clock: the one way umlcluster reads the time. Decisions take a `Clock&` so that tests
/// drive them with a FakeClock (leveldb's Env::NowMicros, as a seam of its own); the real
/// one is two clock_gettime calls. Monotonic milliseconds order and time things; wall
/// milliseconds only label them (event times, reports).
#pragma once

#include <cstdint>
#include <ctime>

namespace uc {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since an arbitrary start that never jumps (CLOCK_MONOTONIC).
  virtual int64_t mono_ms() const = 0;
  // Milliseconds since the epoch (CLOCK_REALTIME): for labels, never for deadlines.
  virtual int64_t wall_ms() const = 0;
};

class SystemClock : public Clock {
 public:
  int64_t mono_ms() const override { return read(CLOCK_MONOTONIC); }
  int64_t wall_ms() const override { return read(CLOCK_REALTIME); }
  // The process's one real clock, for code that is not handed one.
  static SystemClock& instance() {
    static SystemClock c;
    return c;
  }

 private:
  static int64_t read(clockid_t id) {
    timespec ts{};
    ::clock_gettime(id, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
  }
};

// A clock that moves only when told: for tests of anything that decides on time.
class FakeClock : public Clock {
 public:
  explicit FakeClock(int64_t mono = 1000, int64_t wall = 1'790'000'000'000)
      : mono_(mono), wall_(wall) {}
  int64_t mono_ms() const override { return mono_; }
  int64_t wall_ms() const override { return wall_; }
  void advance(int64_t ms) {
    mono_ += ms;
    wall_ += ms;
  }

 private:
  int64_t mono_;
  int64_t wall_;
};

}  // namespace uc
