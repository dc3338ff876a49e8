// VerifyRun: the verify workload on a live cluster. It starts the worker (verify/
// worker_script.h) on every running node, records each line it prints in acks.jsonl on
// the host as it arrives (an "ack" is a write the node reported done after fsync), starts a
// new worker on a node that came back from a crash, and at the end reads the volume from
// every running node and checks it. Shared by `verify` and `chaos`.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "client/guest_jobs.h"
#include "sys/fd.h"
#include "sys/result.h"
#include "verify/verify_checker.h"

namespace uc::client {

struct VerifyRunOptions {
  std::string control_socket;
  std::string guest_dir;  // on the shared volume, e.g. /cluster/verify/RUN
  std::string host_dir;   // acks.jsonl and report.json go here
  double duration_s = 30;
  uint64_t seed = 1;
};

class VerifyRun {
 public:
  using Clock = std::chrono::steady_clock;
  explicit VerifyRun(VerifyRunOptions o);

  Status start();
  // Instead of start(): the acks of an earlier run (host_dir/acks.jsonl), to check the
  // volume as it is now against them (after a whole-cluster restart, say).
  Status load_earlier();
  // Runs until `until` (a worker that ended early is started again on its node once the
  // node is running again). Call repeatedly: chaos injects faults in between.
  void pump(Clock::time_point until);
  // Lets the workers end by themselves (they stop at duration_s), then signals any left.
  void finish();
  // Reads the volume from every running node and checks it; the report also goes to
  // host_dir/report.json.
  Result<verify::VerifyReport> check();

  uint64_t acks() const { return acks_; }
  // Acks per node in each whole second since start() (for chaos's throughput chart).
  const std::map<std::string, std::map<int64_t, uint64_t>>& acks_per_second() const {
    return per_second_;
  }
  Clock::time_point started_at() const { return started_; }

 private:
  std::vector<std::string> running_nodes();
  void start_worker(const std::string& node);
  void on_line(const std::string& job, const std::string& line);

  VerifyRunOptions o_;
  GuestJobs jobs_;
  verify::VerifyChecker checker_;
  Fd acks_file_;
  std::map<std::string, int> incarnation_;  // node -> workers started on it
  std::map<std::string, std::string> job_node_;
  Clock::time_point started_, ends_;
  Clock::time_point next_restart_check_{};
  uint64_t acks_ = 0;
  std::map<std::string, std::map<int64_t, uint64_t>> per_second_;
};

}  // namespace uc::client
