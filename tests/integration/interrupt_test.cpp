// An `up` interrupted while it builds a new root image (mmdebstrap running) leaves nothing:
// no process of mmdebstrap's session, no half-made build folder, no cluster, the image
// cache as it was.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "cluster_fixture.h"
#include "sys/process.h"

namespace uc::test {
namespace {

struct ProcStat {
  int pid = 0, ppid = 0, session = 0;
  std::string comm;
};

std::vector<ProcStat> processes() {
  std::vector<ProcStat> out;
  for (const auto& e : list_dir("/proc")) {
    if (e.empty() || !std::all_of(e.begin(), e.end(), ::isdigit)) continue;
    auto st = read_file("/proc/" + e + "/stat");
    if (!st) continue;
    auto open = st->find('('), close = st->rfind(')');
    if (open == std::string::npos || close == std::string::npos) continue;
    ProcStat p;
    p.pid = std::stoi(e);
    p.comm = st->substr(open + 1, close - open - 1);
    char state;
    int pgrp;
    if (std::sscanf(st->c_str() + close + 2, "%c %d %d %d", &state, &p.ppid, &pgrp, &p.session) !=
        4)
      continue;
    if (state != 'Z') out.push_back(p);
  }
  return out;
}

TEST(Interrupt, AnUpKilledBySigtermLeavesNoChildAndNoHalfMadeFolder) {
  auto dir = TempDir::create(scratch(), "intr-");
  ASSERT_TRUE(dir);
  std::string file = dir->path() + "/intr.toml";
  // A package list of its own: its image is not cached, so up runs mmdebstrap.
  ASSERT_TRUE(
      write_file_atomic(file, "[cluster]\nname = \"intr\"\n\n[image]\npackages = [\"less\"]\n"));
  auto images = list_dir(home() + "/images");
  SpawnOptions o;
  o.argv = {umlcluster_binary(), "up", "-f", file};
  auto up = spawn(o);
  ASSERT_TRUE(up);
  int mm = 0;
  for (int i = 0; i < 600 && !mm && up->running(); ++i) {
    for (const auto& p : processes())
      if (p.ppid == up->pid() && p.comm == "mmdebstrap") mm = p.pid;
    if (!mm) ::usleep(100000);
  }
  ASSERT_GT(mm, 0) << "up never started mmdebstrap";
  ::usleep(2000000);  // well into its download and install
  up->signal(SIGTERM);
  int st = up->wait();
  EXPECT_FALSE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  // mmdebstrap ran in a session of its own: nothing of that session is left.
  std::vector<std::string> left;
  for (const auto& p : processes())
    if (p.session == mm || p.pid == mm) left.push_back(std::to_string(p.pid) + " " + p.comm);
  EXPECT_TRUE(left.empty()) << left.front();
  for (const auto& e : list_dir(home()))
    EXPECT_NE(e.rfind(".image-build-", 0), 0u) << "half-made build folder " << e;
  EXPECT_FALSE(path_exists(home() + "/clusters/intr"));
  EXPECT_EQ(list_dir(home() + "/images"), images);
}

}  // namespace
}  // namespace uc::test
