#include "client/verify_run.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>

#include <thread>

#include "client/control_client.h"
#include "sys/files.h"
#include "verify/worker_lines.h"
#include "verify/worker_script.h"

namespace uc::client {
namespace {

constexpr int kDumpTimeoutMs = 120000;
constexpr size_t kMaxDumpBytes = 512u * 1024 * 1024;

}  // namespace

VerifyRun::VerifyRun(VerifyRunOptions o) : o_(std::move(o)), jobs_(o_.control_socket) {}

std::vector<std::string> VerifyRun::running_nodes() {
  std::vector<std::string> out;
  auto c = ControlClient::connect(o_.control_socket);
  if (!c) return out;
  auto reply = c->request({control::Op::kStatus});
  if (!reply || !reply->status) return out;
  for (const auto& n : reply->status->nodes)
    if (n.state == "running") out.push_back(n.name);
  return out;
}

Status VerifyRun::start() {
  UC_TRY(make_dirs(o_.host_dir, 0700));
  auto f = open_file(o_.host_dir + "/acks.jsonl", O_WRONLY | O_CREAT | O_APPEND, 0600);
  if (!f) return f.error();
  acks_file_ = std::move(*f);
  started_ = Clock::now();
  ends_ = started_ + std::chrono::milliseconds(static_cast<int64_t>(o_.duration_s * 1000));
  auto nodes = running_nodes();
  if (nodes.empty()) return err("no node is running");
  for (const auto& n : nodes) start_worker(n);
  if (jobs_.running() == 0) return err("the workload could not start on any node");
  return {};
}

Status VerifyRun::load_earlier() {
  auto text = read_file(o_.host_dir + "/acks.jsonl");
  if (!text) return err("no earlier run there: " + text.error().message);
  checker_.load_worker_jsonl(*text);
  return {};
}

void VerifyRun::start_worker(const std::string& node) {
  int k = incarnation_[node]++;
  // Each start of a worker on a node is its own writer, with its own log and ids.
  std::string job = k == 0 ? node : fmt::format("{}.{}", node, k);
  double left = std::chrono::duration<double>(ends_ - Clock::now()).count();
  if (left < 1) return;
  uint64_t seed = o_.seed * 1000003u + std::hash<std::string>{}(job) % 1000000u;
  auto s = jobs_.start(
      job, node,
      {"perl", "-e", verify::worker_script(), "run", o_.guest_dir, job,
       std::to_string(static_cast<int>(left)), std::to_string(seed % 100000000000000000ull)});
  if (s) job_node_[job] = node;
}

void VerifyRun::on_line(const std::string& job, const std::string& line) {
  std::string rec = verify::encode_worker_jsonl(job, line);
  (void)write_all(acks_file_.get(), rec.data(), rec.size());
  checker_.on_worker_line(job, line);
  if (line.rfind("ack ", 0) == 0) {
    ++acks_;
    auto sec = std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - started_).count();
    per_second_[job_node_[job]][sec]++;
  }
}

void VerifyRun::pump(Clock::time_point until) {
  for (;;) {
    auto now = Clock::now();
    if (now >= until) return;
    auto slice = std::min(until, now + std::chrono::seconds(2));
    jobs_.run_until(
        slice, [this](const std::string& job, const std::string& line) { on_line(job, line); },
        [](const std::string&, int, const std::string&) {});
    if (jobs_.running() == 0 && Clock::now() >= ends_) return;
    if (Clock::now() < next_restart_check_ || Clock::now() >= ends_) {
      if (jobs_.running() == 0)
        std::this_thread::sleep_until(
            std::min(until, Clock::now() + std::chrono::milliseconds(500)));
      continue;
    }
    next_restart_check_ = Clock::now() + std::chrono::seconds(2);
    // A node that came back (after a crash, a fence) gets a new worker.
    for (const auto& n : running_nodes()) {
      bool busy = false;
      for (const auto& [job, node] : job_node_)
        if (node == n && jobs_.has(job)) busy = true;
      if (!busy) start_worker(n);
    }
  }
}

void VerifyRun::finish() {
  pump(ends_ + std::chrono::seconds(1));
  // A worker ends its current operation and exits by itself; one on a stuck node is told to.
  auto handler = [this](const std::string& job, const std::string& line) { on_line(job, line); };
  jobs_.run_until(Clock::now() + std::chrono::seconds(20), handler,
                  [](const std::string&, int, const std::string&) {});
  if (jobs_.running() > 0) {
    jobs_.signal_all(SIGTERM);
    jobs_.run_until(Clock::now() + std::chrono::seconds(10), handler,
                    [](const std::string&, int, const std::string&) {});
  }
  if (jobs_.running() > 0) jobs_.signal_all(SIGKILL);
  ::fsync(acks_file_.get());
}

Result<verify::VerifyReport> VerifyRun::check() {
  auto nodes = running_nodes();
  if (nodes.empty()) return err("no node is running to read the volume from");
  for (const auto& n : nodes) {
    auto dump = GuestJobs::capture(o_.control_socket, n,
                                   {"perl", "-e", verify::worker_script(), "dump", o_.guest_dir},
                                   kDumpTimeoutMs, kMaxDumpBytes);
    if (!dump) return err("reading the volume on " + dump.error().message);
    if (auto s = checker_.add_dump(n, *dump); !s) return err(n + "'s dump: " + s.error().message);
  }
  auto report = checker_.check();
  std::string j = verify::to_json(report).dump(2) + "\n";
  (void)write_file_atomic(o_.host_dir + "/report.json", j, 0600);
  return report;
}

}  // namespace uc::client
