// FNV-1a's scheme, 64 bits, as 16 hex digits: the key of a cache entry (root images, kernel
// builds), not a security boundary. Its offset is not FNV's standard one (a digit short, since
// the first image cache); it stays, so that cached keys stay valid.
#pragma once

#include <cstdint>
#include <string>

namespace uc {

inline std::string fnv1a_hex(const std::string& data) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  static const char* digits = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, h >>= 4) out[static_cast<size_t>(i)] = digits[h & 15];
  return out;
}

}  // namespace uc
