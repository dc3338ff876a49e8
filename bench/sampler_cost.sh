#!/usr/bin/env bash
# The monitor's own cost with 32 nodes: brings up a 32-node cluster (state of its own),
# runs the sampler benchmarks on its nodes, then `top` at 1 sample a second for N samples
# and prints top's own CPU (mean and max, percent of one core). Needs root.
# Usage: bench/sampler_cost.sh [SAMPLES]   (the cluster "bench32" is stopped at the end;
# `umlcluster destroy -n bench32 --yes` removes it)
set -euo pipefail
samples=${1:-60}
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/build/bin"
export UMLCLUSTER_HOME=${UMLCLUSTER_HOME:-/var/tmp/umlcluster-bench}
work=$(mktemp -d)
trap '"$bin/umlcluster" down -n bench32 >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
cat > "$work/bench32.toml" <<'TOML'
[cluster]
name = "bench32"
subnet = "10.1.0.0/16"
node_count = 32

[[disk]]
name = "shared"
size = "4G"
mount = "/cluster"
TOML
"$bin/umlcluster" up -f "$work/bench32.toml" >/dev/null
roots=$("$bin/umlcluster" status -n bench32 --json | grep -o '"pid": *[0-9]*' | grep -o '[0-9]*' | paste -sd,)
UC_BENCH_ROOTS=$roots "$bin/benchmarks" --benchmark_filter='Sample|Pss|Guest'
"$bin/umlcluster" top -n bench32 --count "$samples" --json --interval 1 |
  grep -o '"sampler_cpu_percent":[0-9.e+-]*' | cut -d: -f2 | tail -n +2 |
  awk '{ s += $1; if ($1 > m) m = $1 } END { printf "top, 32 nodes, 1 sample/s: own CPU mean %.2f%%, max %.2f%% of one core (%d samples)\n", s / NR, m, NR }'
