#!/usr/bin/env bash
# umlcluster's benchmark suite: every figure beside its floor, measured in the same run.
# `umlcluster bench` runs this script. Needs root. Timing targets live here (and in
# docs/benchmarks.md), never in the tests.
#
# Usage: bench/run.sh [--suite NAME] [--json FILE] [--nodes "2 4 8 ..."] [--runs N]
#                     [--kernels "debian built:NAME ..."]
#   ready     the default cluster's ready time (image cached, volume formatted), --runs
#             times, against bench/floor/floor.sh --used-disk (same kernel, image,
#             addresses and in-guest steps with no tool around them)
#   scale     for each node count: the first up (it formats), then the ready time and its
#             phases (boot, O2CB online, heartbeat, mount), host memory per node (counted
#             once: MemTotal - MemAvailable, and PSS), idle CPU per node, `down` time;
#             floors: floor.sh up to 8 nodes, the guest's own used memory. With --kernels,
#             each size on each kernel side by side ("debian": Debian's, up to 64 nodes: 24
#             minutes at 128; "built:NAME": a built one, at every size), and with a kernel
#             built with DEBUG_FS the DLM's master requests (o2dlm's Blocking counts summed)
#   failover  on the default cluster: fault crash, partition and disk stall, from the fault
#             to the survivors' recovery end and to the node mounted again; floor: the
#             O2CB dead time (no node can be declared dead sooner)
#   io        bench/io.sh: fio and a lock handed between nodes in the guests, against fio
#             on the host (the image gets fio and dbench: a long first build)
#   monitor   bench/sampler_cost.sh: what `top` itself costs with 32 nodes
#   smoke     one 2-node run of ready and scale with one run each: checks the harness works
#   all       ready, scale, failover, monitor, io
# BENCH_SETTLE and BENCH_SAMPLE set the scale suite's idle and sampling seconds (30, 20).
# Clusters are named bench*, in $UMLCLUSTER_HOME (the image cache is shared), and are
# destroyed at the end, also on failure or interrupt.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin=${UMLCLUSTER_BIN:-$root/build/bin/umlcluster}
suite=all json_out="" nodes="2 4 8 16 32 64 128" runs=3 kernels=debian debian_max=64
settle=${BENCH_SETTLE:-30} sample=${BENCH_SAMPLE:-20}   # scale: seconds idle after ready, then seconds of CPU sampling
while [ $# -gt 0 ]; do
  case "$1" in
    --suite) suite=$2; shift 2 ;;
    --json) json_out=$2; shift 2 ;;
    --nodes) nodes=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --kernels) kernels=$2; shift 2 ;;
    -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
    *) echo "bench: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$suite" in ready|scale|failover|io|monitor|smoke|all) ;;
  *) echo "bench: no suite \"$suite\" (ready, scale, failover, io, monitor, smoke, all)" >&2; exit 2 ;;
esac
[ "$(id -u)" -eq 0 ] || { echo "bench: run as root" >&2; exit 1; }
[ -x "$bin" ] || { echo "bench: no umlcluster at $bin (build first, or set UMLCLUSTER_BIN)" >&2; exit 1; }
for t in jq awk; do command -v $t >/dev/null || { echo "bench: needs $t" >&2; exit 1; }; done
export UMLCLUSTER_HOME=${UMLCLUSTER_HOME:-/var/lib/umlcluster}

work=$(mktemp -d /tmp/uc-bench.XXXXXX)
# Clusters this run made, destroyed at the end. A file: the suites run in subshells ($(...)).
made_list="$work/made"
: > "$made_list"
made() { echo "$1" >> "$made_list"; }
cleanup() {
  local c
  for c in $(sort -u "$made_list" 2>/dev/null); do
    "$bin" down -n "$c" >/dev/null 2>&1 || true
    "$bin" destroy -n "$c" --yes >/dev/null 2>&1 || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { echo "bench: $*" >&2; }
now() { date +%s.%N; }
since() { awk -v s="$1" -v e="$(now)" 'BEGIN { printf "%.2f", e - s }'; }
median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "null"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "null" || b == "null" || b == 0) print "null"; else printf "%.2f", a / b }'; }

# A cluster file for N nodes named NAME (a /21 holds 255 paper-style addresses), on KERNEL
# ("debian" or absent: Debian's; else a cluster file's kernel field, e.g. built:hint).
cluster_file() {
  local name=$1 n=$2 k=${3:-debian} f="$work/$1.toml"
  printf '[cluster]\nname = "%s"\nnode_count = %d\nsubnet = "192.168.0.0/21"\n' "$name" "$n" > "$f"
  [ "$k" = debian ] || printf '[defaults]\nkernel = "%s"\n' "$k" >> "$f"
  echo "$f"
}
# The DLM's master requests that made a BLOCK mle, summed over NAME's N nodes (o2dlm's
# debugfs: needs a kernel built with DEBUG_FS), or null.
blocking_total() {
  local name=$1 n=$2 i sum=0 b
  for i in $(seq 0 $((n - 1))); do
    b=$("$bin" exec -n "$name" "node$i" -- sh -c 'mountpoint -q /sys/kernel/debug ||
        mount -t debugfs none /sys/kernel/debug 2>/dev/null; cat /sys/kernel/debug/o2dlm/*/dlm_state' </dev/null 2>/dev/null |
        sed -n 's/.*Blocking: [0-9]* (\([0-9]*\)).*/\1/p' | head -1) || b=""
    [ -n "$b" ] || { echo null; return; }  # no debugfs: a kernel without DEBUG_FS
    sum=$((sum + b))
  done
  echo "$sum"
}
up_timed() {  # FILE -> seconds from the command's start to every node mounted, or fails
  "$bin" up -f "$1" >"$work/up.log" 2>&1 || { tail -5 "$work/up.log" >&2; return 1; }
  # "... ready in 9.4 s (9.5 s in all)": in all counts from the command's start; the status
  # table printed after it is not part of the wait.
  sed -n 's/.*(\([0-9.]*\) s in all).*/\1/p' "$work/up.log" | tail -1
}
down_timed() {
  local s; s=$(now)
  "$bin" down -n "$1" >/dev/null
  since "$s"
}
image_path() { ls -t "$UMLCLUSTER_HOME"/images/*/rootfs.img 2>/dev/null | head -1; }
floor_ready() {  # N -> the floor's ready seconds, or null
  local out
  if out=$("$root/bench/floor/floor.sh" --nodes "$1" --used-disk --image "$(image_path)" \
             --switch "$(dirname "$bin")/umlcluster-switch" 2>"$work/floor.log"); then
    echo "$out" | jq .ready_s
  else
    say "floor run failed: $(tail -1 "$work/floor.log")"; echo null
  fi
}
# Seconds from the supervisor's start to the first and last event of TYPE in the last run.
phase_times() {
  local name=$1
  jq -s --arg n "$name" '
    (map(.type == "supervisor_started") | rindex(true)) as $i | .[$i:] as $run |
    ($run[0].ts) as $t0 |
    def span($t): [$run[] | select(.type == $t) | (.ts - $t0) / 1000] |
      if length == 0 then null else {first: min, last: max, count: length} end;
    {launched: span("launched"), booted: span("booted"), o2cb_online: span("o2cb_online"),
     heartbeat_steady: span("heartbeat_started"), joined_domain: span("joined_domain"),
     mounted: span("mounted"), ready: span("ready")}' \
    "$UMLCLUSTER_HOME/clusters/$name/events.jsonl"
}
# Host memory in use, page cache aside but tmpfs (the guests' RAM files) counted.
used_mem() { awk '/^MemTotal:/ { t = $2 } /^MemAvailable:/ { a = $2 } END { printf "%.0f\n", (t - a) * 1024 }' /proc/meminfo; }

suite_ready() {
  local r=$1 name=benchready f up=() floor=()
  f=$(cluster_file $name 2)
  made $name
  say "ready: first up of $name (builds the image if needed, formats the volume)"
  "$bin" up -f "$f" >/dev/null
  "$bin" down -n $name >/dev/null
  for i in $(seq "$r"); do
    up+=("$(up_timed "$f")"); "$bin" down -n $name >/dev/null
    floor+=("$(floor_ready 2)")
    say "ready: run $i: umlcluster ${up[-1]} s, floor ${floor[-1]} s"
  done
  local mu mf; mu=$(echo "${up[*]}" | median); mf=$(echo "${floor[*]}" | median)
  jq -n --argjson up "[$(IFS=,; echo "${up[*]}")]" --argjson floor "[$(IFS=,; echo "${floor[*]}")]" \
    --argjson mu "$mu" --argjson mf "$mf" --argjson ratio "$(ratio "$mu" "$mf")" \
    '{nodes: 2, up_s: $up, floor_s: $floor, median_s: $mu, floor_median_s: $mf, ratio: $ratio, target_ratio: 1.0}'
}

suite_scale() {
  local list=$1 out="[]" k more
  for k in $kernels; do
    more=$(scale_on "$list" "$k")  # not inside the pipe below: its commands read stdin
    out=$(echo "$out" | jq --argjson more "$more" '. + $more')
  done
  echo "$out"
}
scale_on() {
  local list=$1 kernel=$2 out="[]" n name f first ready down before after idle
  for n in $list; do
    if [ "$kernel" = debian ] && [ "$n" -gt "$debian_max" ]; then
      say "scale: $n nodes: not on Debian's kernel (cubic mounts: 24 minutes at 128 nodes)"
      continue
    fi
    name=bench$n; f=$(cluster_file "$name" "$n" "$kernel"); made "$name"
    say "scale: kernel $kernel"
    before=$(used_mem)
    say "scale: $n nodes: first up (formats the volume)"
    if ! first=$(up_timed "$f"); then
      say "scale: $n nodes did not come up: the largest that did is the one before"
      out=$(echo "$out" | jq --argjson n "$n" '. + [{nodes: $n, ready_s: null, error: "did not come up"}]')
      "$bin" down -n "$name" >/dev/null 2>&1 || true
      "$bin" destroy -n "$name" --yes >/dev/null 2>&1 || true
      break
    fi
    "$bin" down -n "$name" >/dev/null
    say "scale: $n nodes: first up $first s; up again, the volume formatted"
    ready=$(up_timed "$f")
    say "scale: $n nodes ready in $ready s; idle $settle s, then $sample s of sampling"
    sleep "$settle"
    idle=$("$bin" top -n "$name" --json --count 2 --interval "$sample" | tail -1)
    # Live samples read only as many PSS figures as 2 ms allows: --once reads every node's.
    local pss; pss=$("$bin" top -n "$name" --json --once | jq '[.nodes[].pss_bytes | select(. != null and . > 0)] | if length == 0 then null else add / length end')
    after=$(used_mem)
    local phases; phases=$(phase_times "$name")
    local blocking; blocking=$(blocking_total "$name" "$n")
    down=$(down_timed "$name")
    say "scale: $n nodes down in $down s"
    # The floor mounts every node at once, as umlcluster did before its ordered bring-up:
    # past 8 nodes it does not finish (see docs/benchmarks.md).
    local fl=null; [ "$n" -le 8 ] && [ "$kernel" = debian ] && fl=$(floor_ready "$n")
    out=$(echo "$out" | jq --argjson n "$n" --argjson first "$first" --argjson ready "$ready" \
      --argjson down "$down" --argjson fl "$fl" --argjson phases "$phases" --argjson idle "$idle" \
      --argjson pss "$pss" --arg kernel "$kernel" --argjson blocking "$blocking" \
      --argjson mem "$(( (after - before) / n ))" '. + [{
        nodes: $n, kernel: $kernel, first_up_s: $first, ready_s: $ready, floor_ready_s: $fl,
        dlm_blocking_total: $blocking,
        ratio: (if $fl == null then null else ($ready / $fl * 100 | round / 100) end),
        phases_s: $phases, down_s: $down,
        host_mem_per_node_bytes: $mem,
        pss_per_node_bytes: $pss,
        guest_used_per_node_bytes: ([$idle.nodes[].guest.mem_used_bytes // 0] | add / length),
        idle_cpu_per_node_percent: ([$idle.nodes[].cpu_percent // 0] | add / length),
        idle_host_cpu_percent: $idle.host.cpu_percent}]')
    "$bin" destroy -n "$name" --yes >/dev/null
  done
  echo "$out"
}

# Seconds from FROM_MS to the first event of TYPE (on NODE, or any) after it, or null.
event_after() {
  local name=$1 from=$2 type=$3 node=${4:-} deadline=$5
  local end=$(( $(date +%s) + deadline ))
  while [ "$(date +%s)" -lt "$end" ]; do
    local t
    t=$(jq -r --argjson f "$from" --arg t "$type" --arg n "$node" \
      'select(.ts > $f and .type == $t and ($n == "" or .node == $n)) | .ts' \
      "$UMLCLUSTER_HOME/clusters/$name/events.jsonl" | head -1)
    if [ -n "$t" ]; then awk -v a="$t" -v b="$from" 'BEGIN { printf "%.1f", (a - b) / 1000 }'; return; fi
    sleep 1
  done
  echo null
}
suite_failover() {
  local name=benchfail f out="[]" dead
  f=$(cluster_file $name 2); made $name
  "$bin" up -f "$f" >/dev/null
  dead=$(jq '.spec.o2cb.heartbeat_threshold' "$UMLCLUSTER_HOME/clusters/$name/cluster.json" 2>/dev/null || echo 7)
  dead=$(( (dead - 1) * 2 ))
  local kind
  for kind in crash partition disk-stall; do
    local t0; t0=$(date +%s%3N)
    case $kind in
      crash) "$bin" fault crash -n $name node1 >/dev/null ;;
      partition) "$bin" fault partition -n $name node0 node1 --for 40 >/dev/null ;;
      disk-stall) "$bin" fault disk-stall -n $name node1 --for 30 >/dev/null ;;
    esac
    say "failover: $kind"
    local rec back
    rec=$(event_after $name "$t0" recovery_end "" 120)
    back=$(event_after $name "$t0" ready node1 180)
    say "failover: $kind: survivors recovered after $rec s, node1 mounted again after $back s"
    out=$(echo "$out" | jq --arg k "$kind" --argjson rec "$rec" --argjson back "$back" --argjson dead "$dead" \
      '. + [{fault: $k, recovery_end_s: $rec, node_mounted_again_s: $back, floor_dead_time_s: $dead,
             ratio: (if $rec == null then null else ($rec / $dead * 100 | round / 100) end)}]')
    "$bin" fault clear -n $name >/dev/null 2>&1 || true
    sleep 5
  done
  echo "$out"
}

host=$(jq -n --arg k "$(uname -r)" --argjson c "$(nproc)" --argjson m "$(free -b | awk '/^Mem:/ {print $2}')" \
  --arg cpu "$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)" \
  '{kernel: $k, cores: $c, mem_bytes: $m, cpu: $cpu}')
result=$(jq -n --arg s "$suite" --arg d "$(date -u +%FT%TZ)" --argjson h "$host" \
  --arg v "$(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo unknown)" \
  '{suite: $s, date: $d, commit: $v, host: $h}')
add() { result=$(echo "$result" | jq --arg k "$1" --argjson v "$2" '.[$k] = $v'); }

case "$suite" in
  smoke)
    settle=2 sample=3
    add ready "$(suite_ready 1)"
    add scale "$(suite_scale 2)" ;;
  ready) add ready "$(suite_ready "$runs")" ;;
  scale) add scale "$(suite_scale "$nodes")" ;;
  failover) add failover "$(suite_failover)" ;;
  io) add io "$("$root/bench/io.sh")" ;;
  monitor) add monitor "$(jq -Rn --arg l "$("$root/bench/sampler_cost.sh" 2>/dev/null | tail -1)" '{top: $l}')" ;;
  all)
    add ready "$(suite_ready "$runs")"
    add scale "$(suite_scale "$nodes")"
    add failover "$(suite_failover)"
    add monitor "$(jq -Rn --arg l "$("$root/bench/sampler_cost.sh" 2>/dev/null | tail -1)" '{top: $l}')"
    add io "$("$root/bench/io.sh")" ;;
esac
if [ -n "$json_out" ]; then echo "$result" > "$json_out"; say "wrote $json_out"; else echo "$result"; fi
