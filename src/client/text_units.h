// How commands write sizes, durations and times for people.
#pragma once

#include <cstdint>
#include <string>

namespace uc::client {

// "512.0 MiB", "1.5 GiB".
std::string human_bytes(uint64_t b);
// "-" (none), "42s", "3m07s", "2h05m".
std::string human_duration(double seconds);
// Local time as 20261126-020130: names verify runs and report folders.
std::string time_stamp();

}  // namespace uc::client
