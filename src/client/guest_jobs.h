// GuestJobs: one command on each of several nodes at once, through the supervisor (one
// connection a job), with each job's stdout cut into lines as it arrives. What verify and
// chaos run their workload with. A job ends with its exit code, or -1 when the node or the
// connection went away.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "client/control_client.h"

namespace uc::client {

class GuestJobs {
 public:
  using Clock = std::chrono::steady_clock;
  using LineHandler = std::function<void(const std::string& job, const std::string& line)>;
  using ExitHandler =
      std::function<void(const std::string& job, int code, const std::string& error)>;

  explicit GuestJobs(std::string control_socket) : socket_(std::move(control_socket)) {}
  // Starts `argv` on `node` as job `job` (a name of the caller's choice).
  Status start(const std::string& job, const std::string& node,
               const std::vector<std::string>& argv);
  // Runs until `until` or until no job is left; lines and exits go to the handlers.
  void run_until(Clock::time_point until, const LineHandler& on_line, const ExitHandler& on_exit);
  void signal_all(int sig);
  size_t running() const { return jobs_.size(); }
  bool has(const std::string& job) const { return jobs_.count(job) != 0; }

  // Stdout of a job that holds a bounded amount of bytes (dump): all of it, or an error.
  static Result<std::string> capture(const std::string& control_socket, const std::string& node,
                                     const std::vector<std::string>& argv, int timeout_ms,
                                     size_t max_bytes);

 private:
  struct Job {
    ControlClient client;
    std::string partial;  // the start of a line not yet ended
  };
  std::string socket_;
  std::map<std::string, Job> jobs_;
};

}  // namespace uc::client
