// `verify` run beside a fault, and the checks the fault and chaos tests make after one: its
// report passed, the volume still works on a node, every node is running again.
#pragma once

#include <unistd.h>

#include <chrono>
#include <future>
#include <string>

#include "cluster_fixture.h"
#include "event_helpers.h"

namespace uc::test {

inline std::future<RunResult> verify_in_background(int seconds) {
  return std::async(std::launch::async, [seconds] {
    return run_cli({"verify", "--duration", std::to_string(seconds), "--json"});
  });
}

// verify's report says every acknowledged write is intact, and that there were some.
inline json expect_verify_passed(const RunResult& r) {
  auto j = json::parse(r.out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << r.out << r.err;
  if (j.is_discarded()) return j;
  EXPECT_EQ(r.code, 0) << j.dump(2) << r.err;
  EXPECT_TRUE(j.value("passed", false)) << j.dump(2);
  EXPECT_GT(j["total"].value("acknowledged", 0), 50) << j.dump(2);
  EXPECT_EQ(j["total"].value("lost", -1), 0);
  EXPECT_EQ(j["total"].value("corrupt", -1), 0);
  return j;
}

// A file written and read back on `node` within the deadline: the volume works there.
inline bool writes_and_reads(const std::string& node, const std::string& file, int timeout_s) {
  auto r = run_cli({"exec", "--timeout", std::to_string(timeout_s), node, "--", "sh", "-c",
                    "echo ok > /cluster/" + file + " && sync && cat /cluster/" + file});
  return r.code == 0 && r.out == "ok\n";
}

inline void wait_all_running(int timeout_s) {
  auto give_up = Clock::now() + std::chrono::seconds(timeout_s);
  while (Clock::now() < give_up) {
    if (node_status("ocfs2", "node0").value("state", "") == "running" &&
        node_status("ocfs2", "node1").value("state", "") == "running")
      return;
    ::sleep(1);
  }
  ADD_FAILURE() << "not every node is running after " << timeout_s << " s";
}

}  // namespace uc::test
