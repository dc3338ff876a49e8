#!/usr/bin/env bash
# Times `umlcluster up` of a cluster file (default: the paper's) with the image cached,
# N times (down in between), in a state directory of its own. Prints each run's split
# (boot, O2CB online, mount) and the total. Needs root. Usage: bench/up_bench.sh [N] [FILE]
set -euo pipefail
n=${1:-3}
file=${2:-}
bin="$(cd "$(dirname "$0")/.." && pwd)/build/bin/umlcluster"
export UMLCLUSTER_HOME=${UMLCLUSTER_HOME:-/var/tmp/umlcluster-bench}
args=(); [ -n "$file" ] && args=(-f "$file")
"$bin" up "${args[@]}" >/dev/null   # builds the image and formats the volume once
"$bin" down >/dev/null
for i in $(seq "$n"); do
  start=$(date +%s.%N)
  "$bin" up "${args[@]}" | grep -E 'booted|online|mounted|ready'
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" -v i="$i" 'BEGIN { printf "run %d: up took %.1f s\n", i, e - s }'
  "$bin" down >/dev/null
done
