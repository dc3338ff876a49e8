// Event times: the log's UTC timestamps, and what --since accepts.
#include <fmt/format.h>

#include <charconv>
#include <ctime>
#include <limits>

#include "events/event.h"

namespace uc::cluster {
namespace {

std::tm utc(int64_t ms, int* millis) {
  int64_t sec = ms / 1000, rem = ms % 1000;
  if (rem < 0) rem += 1000, sec -= 1;
  *millis = static_cast<int>(rem);
  std::time_t t = static_cast<std::time_t>(sec);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  return tm;
}

// A cursor over the text of --since.
struct Scan {
  std::string_view s;
  size_t i = 0;
  bool done() const { return i == s.size(); }
  bool eat(char c) {
    if (i < s.size() && s[i] == c) return ++i, true;
    return false;
  }
  // Exactly n digits.
  std::optional<int> digits(size_t n) {
    if (i + n > s.size()) return std::nullopt;
    int v = 0;
    for (size_t k = 0; k < n; ++k) {
      char c = s[i + k];
      if (c < '0' || c > '9') return std::nullopt;
      v = v * 10 + (c - '0');
    }
    i += n;
    return v;
  }
};

std::optional<int64_t> parse_int64(std::string_view s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

// "10m" and friends: that long before now.
std::optional<int64_t> parse_age(std::string_view s, int64_t now_ms) {
  size_t n = 0;
  while (n < s.size() && s[n] >= '0' && s[n] <= '9') ++n;
  if (n == 0 || n == s.size()) return std::nullopt;
  auto count = parse_int64(s.substr(0, n));
  std::string_view unit = s.substr(n);
  int64_t per = 0;
  if (unit == "ms")
    per = 1;
  else if (unit == "s")
    per = 1000;
  else if (unit == "m" || unit == "min")
    per = 60'000;
  else if (unit == "h")
    per = 3'600'000;
  else if (unit == "d")
    per = 86'400'000;
  else if (unit == "w")
    per = 7 * 86'400'000LL;
  if (!count || per == 0 || *count > std::numeric_limits<int64_t>::max() / per) return std::nullopt;
  return now_ms - *count * per;
}

// YYYY-MM-DD[(T| )HH:MM[:SS[.frac]]][Z|(+|-)HH[:]MM]; no offset means UTC.
std::optional<int64_t> parse_iso(std::string_view text) {
  Scan c{text};
  std::tm tm{};
  auto y = c.digits(4);
  if (!y || !c.eat('-')) return std::nullopt;
  auto mo = c.digits(2);
  if (!mo || !c.eat('-')) return std::nullopt;
  auto d = c.digits(2);
  if (!d) return std::nullopt;
  int hh = 0, mm = 0, ss = 0, millis = 0, offset_min = 0;
  if (!c.done()) {
    if (!c.eat('T') && !c.eat('t') && !c.eat(' ')) return std::nullopt;
    auto h = c.digits(2);
    if (!h || !c.eat(':')) return std::nullopt;
    auto m = c.digits(2);
    if (!m) return std::nullopt;
    hh = *h, mm = *m;
    if (c.eat(':')) {
      auto sec = c.digits(2);
      if (!sec) return std::nullopt;
      ss = *sec;
      if (c.eat('.')) {
        int scale = 100, k = 0;
        for (; k < 9 && !c.done() && c.s[c.i] >= '0' && c.s[c.i] <= '9'; ++k, ++c.i) {
          millis += (c.s[c.i] - '0') * scale;
          scale /= 10;
        }
        if (k == 0) return std::nullopt;
      }
    }
    if (c.eat('Z') || c.eat('z')) {
    } else if (!c.done()) {
      int sign = c.eat('+') ? 1 : c.eat('-') ? -1 : 0;
      auto oh = sign ? c.digits(2) : std::nullopt;
      if (!oh) return std::nullopt;
      c.eat(':');
      auto om = c.digits(2);
      if (!om || *oh > 23 || *om > 59) return std::nullopt;
      offset_min = sign * (*oh * 60 + *om);
    }
  }
  if (!c.done() || *mo < 1 || *mo > 12 || *d < 1 || *d > 31 || hh > 23 || mm > 59 || ss > 59)
    return std::nullopt;
  tm.tm_year = *y - 1900;
  tm.tm_mon = *mo - 1;
  tm.tm_mday = *d;
  tm.tm_hour = hh;
  tm.tm_min = mm;
  tm.tm_sec = ss;
  std::time_t t = ::timegm(&tm);
  // timegm normalises 2026-02-30 to March; a date that moved was not a date.
  if (tm.tm_mday != *d || tm.tm_mon != *mo - 1) return std::nullopt;
  return static_cast<int64_t>(t) * 1000 + millis - offset_min * 60'000LL;
}

}  // namespace

std::string iso_time(int64_t ms) {
  int millis = 0;
  std::tm tm = utc(ms, &millis);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
}

std::string human_time(int64_t ms) {
  std::string t = iso_time(ms);
  t[10] = ' ';
  t.pop_back();
  return t;
}

Result<int64_t> parse_since(std::string_view text, int64_t now_ms) {
  std::string_view s = text;
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  std::optional<int64_t> v;
  if (!s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos)
    v = parse_int64(s);
  else if (auto age = parse_age(s, now_ms))
    v = age;
  else
    v = parse_iso(s);
  if (v) return *v;
  return err(
      fmt::format("\"{}\" is not a time: give an age (30s, 10m, 2h, 1d, 1w), a UTC date "
                  "and time (2026-11-25T22:10:00Z, \"2026-11-25 22:10:00\", 2026-11-25) "
                  "or epoch milliseconds",
                  text));
}

}  // namespace uc::cluster
