// What one monitor sample costs, piece by piece, on the nodes of a running cluster:
// UC_BENCH_ROOTS="pid,pid,..." (each node's root pid: `umlcluster status --json`, .nodes[].pid).
// bench/sampler_cost.sh brings up 32 nodes and runs this and `top` for the whole figure.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <sstream>

#include "monitor/guest_view.h"
#include "monitor/sampler.h"

namespace {

std::map<std::string, pid_t> roots() {
  std::map<std::string, pid_t> out;
  const char* env = std::getenv("UC_BENCH_ROOTS");
  std::stringstream in(env ? env : "");
  for (std::string p; std::getline(in, p, ',');)
    if (!p.empty()) out["n" + p] = static_cast<pid_t>(std::stoi(p));
  return out;
}

void BM_SampleHost(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(uc::monitor::sample_host());
}
BENCHMARK(BM_SampleHost);

// Every node without PSS (trees known, as in steady state), then one node with it.
void BM_SampleNodesWithoutPss(benchmark::State& state) {
  auto nodes = roots();
  if (nodes.empty()) return state.SkipWithError("set UC_BENCH_ROOTS");
  uc::monitor::NodeSampler s;
  for (const auto& [n, pid] : nodes) (void)s.sample_one(pid, false);
  for (auto _ : state)
    for (const auto& [n, pid] : nodes) benchmark::DoNotOptimize(s.sample_one(pid, false));
  state.counters["nodes"] = static_cast<double>(nodes.size());
}
BENCHMARK(BM_SampleNodesWithoutPss)->Unit(benchmark::kMillisecond);

void BM_OneNodeWithPss(benchmark::State& state) {
  auto nodes = roots();
  if (nodes.empty()) return state.SkipWithError("set UC_BENCH_ROOTS");
  uc::monitor::NodeSampler s;
  pid_t pid = nodes.begin()->second;
  for (auto _ : state) benchmark::DoNotOptimize(s.sample_one(pid, true));
}
BENCHMARK(BM_OneNodeWithPss)->Unit(benchmark::kMillisecond);

}  // namespace

namespace {

// A guest's files as its agent returns them (recorded from a node).
const char* kGuestMeminfo =
    "MemTotal:         114356 kB\nMemFree:           79744 kB\nMemAvailable:      96416 kB\n"
    "Buffers:            1724 kB\nCached:            18240 kB\nSwapCached:            0 kB\n"
    "Active:             4052 kB\nInactive:          18568 kB\nActive(anon):        120 kB\n"
    "Inactive(anon):     2672 kB\nActive(file):       3932 kB\nInactive(file):    15896 kB\n"
    "Unevictable:           0 kB\nMlocked:               0 kB\nSwapTotal:             0 kB\n"
    "SwapFree:              0 kB\nDirty:                 0 kB\nWriteback:             0 kB\n"
    "AnonPages:          2676 kB\nMapped:             5504 kB\nShmem:               124 kB\n"
    "KReclaimable:       2596 kB\nSlab:               8300 kB\nSReclaimable:       2596 kB\n"
    "SUnreclaim:         5704 kB\nKernelStack:         544 kB\nPageTables:          236 kB\n"
    "NFS_Unstable:          0 kB\nBounce:                0 kB\nWritebackTmp:          0 kB\n"
    "CommitLimit:       57176 kB\nCommitted_AS:       6320 kB\nVmallocTotal:   67108863 kB\n"
    "VmallocUsed:         468 kB\nVmallocChunk:          0 kB\nPercpu:               64 kB\n";
const char* kGuestMounts =
    "/dev/root / ext4 ro,relatime 0 0\nproc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n"
    "sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0\ndevtmpfs /dev devtmpfs rw,nosuid 0 0\n"
    "devpts /dev/pts devpts rw,nosuid,noexec,relatime,gid=5,mode=620 0 0\n"
    "tmpfs /dev/shm tmpfs rw,nosuid,nodev 0 0\ntmpfs /run tmpfs rw,nosuid,nodev,mode=755 0 0\n"
    "configfs /sys/kernel/config configfs rw,relatime 0 0\nocfs2_dlmfs /dlm ocfs2_dlmfs "
    "rw,relatime 0 0\n"
    "/dev/ubdb /cluster ocfs2 rw,relatime,heartbeat=local,nointr,data=ordered 0 0\n";

void BM_ParseGuestView(benchmark::State& state) {
  for (auto _ : state)
    benchmark::DoNotOptimize(
        uc::monitor::parse_guest_view("0.00 0.01 0.00 1/43 312\n", kGuestMeminfo, kGuestMounts));
}
BENCHMARK(BM_ParseGuestView);

}  // namespace
