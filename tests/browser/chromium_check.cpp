#include "browser/chromium_check.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <vector>

#include "sys/files.h"
#include "sys/process.h"

namespace uc::test {
namespace {

struct RunOutput {
  bool ok = false;
  std::string out, err;
};

// Waits for the child up to `timeout_s`; on time-out kills its whole process group
// (Chromium's helpers included) and says so.
bool wait_with_timeout(ChildProcess& child, int timeout_s, std::string* why) {
  pid_t group = child.pid();
  pollfd p{child.pidfd(), POLLIN, 0};
  int ready = p.fd >= 0 ? ::poll(&p, 1, timeout_s * 1000) : 1;
  if (ready == 0) {
    ::kill(-group, SIGKILL);
    child.wait();
    *why = "chromium did not finish within " + std::to_string(timeout_s) + " s and was killed";
    return false;
  }
  int status = child.wait();
  ::kill(-group, SIGKILL);  // a helper that outlived the browser
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return true;
  *why = WIFEXITED(status) ? "chromium exited with status " + std::to_string(WEXITSTATUS(status))
                           : "chromium was killed by signal " + std::to_string(WTERMSIG(status));
  return false;
}

RunOutput run_isolated(std::vector<std::string> argv, const std::string& scratch, int timeout_s) {
  RunOutput r;
  auto out = open_file(scratch + "/stdout", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC);
  auto err = open_file(scratch + "/stderr", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC);
  if (!out || !err) {
    r.err = !out ? out.error().message : err.error().message;
    return r;
  }
  SpawnOptions o;
  o.argv = std::move(argv);
  // Its own session, so a time-out can kill every process Chromium started; HOME in the
  // scratch directory, so nothing is written to the real one.
  o.new_session = true;
  o.env = {"HOME=" + scratch, "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8"};
  o.fds = {{out->get(), 1}, {err->get(), 2}};
  auto child = spawn(o);
  if (!child) {
    r.err = child.error().message;
    return r;
  }
  out->reset();
  err->reset();
  std::string why;
  r.ok = wait_with_timeout(*child, timeout_s, &why);
  auto out_text = read_file(scratch + "/stdout");
  auto err_text = read_file(scratch + "/stderr");
  if (out_text) r.out = *out_text;
  if (err_text) r.err = *err_text;
  if (!why.empty()) r.err += "\n" + why;
  return r;
}

std::vector<std::string> chromium_argv(const std::string& profile) {
  return {"/usr/bin/unshare",
          "--net",
          "--",
          kChromiumPath,
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--no-first-run",
          "--no-default-browser-check",
          "--disable-dev-shm-usage",
          "--hide-scrollbars",
          "--user-data-dir=" + profile};
}

}  // namespace

bool chromium_available() { return ::access(kChromiumPath, X_OK) == 0; }

bool can_isolate_network() {
  SpawnOptions o;
  o.argv = {"/usr/bin/unshare", "--net", "--", "/bin/true"};
  auto child = spawn(o);
  if (!child) return false;
  int status = child->wait();
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

BrowserResult load_in_chromium(const std::string& html_path, const std::string& out_dir,
                               int timeout_s) {
  BrowserResult result;
  auto scratch = TempDir::create("/tmp", "uc-chromium-");
  if (!scratch) {
    result.stderr_text = scratch.error().message;
    return result;
  }
  std::string profile = scratch->path() + "/profile";
  std::string url = "file://" + std::filesystem::absolute(html_path).string();

  auto dump = chromium_argv(profile);
  dump.push_back("--dump-dom");
  dump.push_back(url);
  auto dom = run_isolated(dump, scratch->path(), timeout_s);
  result.dom = dom.out;
  result.stderr_text = dom.err;

  std::string png = out_dir + "/report.png";
  ::unlink(png.c_str());
  auto shot = chromium_argv(profile);
  shot.push_back("--screenshot=" + png);
  shot.push_back("--window-size=1400,2400");
  shot.push_back(url);
  auto screenshot = run_isolated(shot, scratch->path(), timeout_s);
  result.stderr_text += screenshot.err;
  if (path_exists(png)) result.screenshot_path = png;

  result.ran = dom.ok && screenshot.ok;
  return result;
}

}  // namespace uc::test
