// Loads a page in headless Chromium for tests: once to dump the DOM after its scripts ran,
// once to take a screenshot. Chromium runs in a fresh network namespace (the page needs no
// network and the host must send no traffic), with a throw-away profile and a time limit.
#pragma once

#include <string>

namespace uc::test {

inline constexpr const char* kChromiumPath = "/usr/bin/chromium";

struct BrowserResult {
  bool ran = false;             // both runs exited 0 within the time limit
  std::string dom;              // the DOM as --dump-dom printed it
  std::string screenshot_path;  // out_dir/report.png when Chromium wrote it, else empty
  std::string stderr_text;      // Chromium's diagnostics, and ours when a run failed
};

bool chromium_available();
// True if this process may create a network namespace (root, or a user namespace).
bool can_isolate_network();

BrowserResult load_in_chromium(const std::string& html_path, const std::string& out_dir,
                               int timeout_s = 90);

}  // namespace uc::test
