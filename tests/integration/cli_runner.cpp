#include "cli_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "sys/files.h"
#include "sys/process.h"

namespace uc::test {

std::string umlcluster_binary() { return UMLCLUSTER_BIN; }

RunResult run_cli_env(const std::vector<std::string>& args, const std::vector<std::string>& env,
                      const std::string& stdin_data) {
  std::vector<std::string> argv{umlcluster_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_program(argv, env, stdin_data);
}

RunResult run_program(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                      const std::string& stdin_data) {
  RunResult r;
  auto out = make_pipe();
  auto err = make_pipe();
  auto in = make_pipe();
  SpawnOptions o;
  o.argv = argv;
  if (!env.empty()) {
    for (char** e = environ; *e; ++e) o.env.push_back(*e);
    o.env.insert(o.env.end(), env.begin(), env.end());
  }
  o.fds = {{in->first.get(), 0}, {out->second.get(), 1}, {err->second.get(), 2}};
  auto child = spawn(o);
  if (!child) {
    r.err = child.error().message;
    return r;
  }
  out->second.reset();
  err->second.reset();
  in->first.reset();
  (void)write_all(in->second.get(), stdin_data.data(), stdin_data.size());
  in->second.reset();
  pollfd fds[2] = {{out->first.get(), POLLIN, 0}, {err->first.get(), POLLIN, 0}};
  int open = 2;
  while (open > 0) {
    if (::poll(fds, 2, -1) < 0) break;
    for (int i = 0; i < 2; ++i) {
      if (!fds[i].revents) continue;
      char buf[65536];
      ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        fds[i].fd = -1;
        --open;
      } else {
        (i == 0 ? r.out : r.err).append(buf, static_cast<size_t>(n));
      }
    }
  }
  int st = child->wait();
  r.code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  return r;
}

RunResult run_cli(const std::vector<std::string>& args, const std::string& stdin_data) {
  return run_cli_env(args, {}, stdin_data);
}

}  // namespace uc::test
