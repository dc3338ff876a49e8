#!/usr/bin/env bash
# bench/io.sh: what the shared OCFS2 disk of a umlcluster costs, each figure next to its floor.
#
# Brings up a cluster of its own ("benchio", 2 nodes, a 4G shared OCFS2 disk at /cluster,
# fio in the image), measures, writes ONE JSON object (to --json FILE, else stdout; progress
# goes to stderr), then `down` and `destroy` that cluster (unless --keep), on failure and on
# interrupt as well. Needs root, as umlcluster does.
#
#   bench/io.sh [--json FILE] [--keep]
#
# What it measures, and the floor of each figure:
#
# 1. fio in a guest: sequential write and read (1 MiB blocks), 4 KiB random read and write,
#    iodepth 1, libaio if the guest's fio has it (Debian's does) else psync, 10 s each
#    (--time_based --runtime=10), on a 256 MiB file laid out beforehand (the guests have
#    128 MB of RAM). O_DIRECT (--direct=1) is used wherever the filesystem accepts it: it
#    is probed on each filesystem first (OCFS2 and ext4 both accept it) and recorded per row
#    ("direct"), so what is measured is the guest's block device, not its page cache.
#    (Each guest gets vm.overcommit_memory=1, or Debian's fio does not start in 128 MB.)
#    - target "ocfs2": the shared volume /cluster; node0 alone, then both nodes at once
#      (each its own file, both fio started at the same wall-clock instant), the sum and
#      each node.
#    - target "ext4": the same guest's root filesystem (/var/tmp), also a host file behind
#      the same UML block driver (ubd), with no cluster locking and no heartbeat: the floor
#      of the "ocfs2" rows (floor_ext4_*, ratio_to_ext4), so what OCFS2 itself costs; for
#      both nodes at once, both ext4 roots at once.
#    - floor_host_*: the same fio job with the same flags (O_DIRECT or not, engine, block
#      size, iodepth, size, runtime) on the HOST, on a scratch file next to the cluster's
#      shared disk file ($UMLCLUSTER_HOME/clusters/benchio/disks/fio-floor.N.tmp, removed;
#      shared.img itself is never written): one process for the 1-node rows, two at once
#      for the 2-node rows (a single node of a 2-node run gets the host's mean per
#      process). The host filesystem and disk that hold the guests' disk files: the most a
#      guest could get with no virtualisation in the way.
#    - floor_host_buffered_*: the same on the host without O_DIRECT and with its page cache
#      warm (--invalidate=0). A ubd device is a host file read and written with ordinary
#      buffered pread/pwrite, so a guest's O_DIRECT I/O ends in the HOST's page cache: this
#      is the ceiling of the ubd path, and a guest figure may beat the O_DIRECT host floor.
# 2. Lock handoff between nodes on /cluster: a small perl loop of ours on each node takes
#    flock(LOCK_EX) on /cluster/io-lockfile (OCFS2's flock is cluster-wide through its DLM),
#    reads a counter kept in that file and increments it only when it is its turn (node0 on
#    even values, node1 on odd), then unlocks. After 10 handoffs of warm-up, N=200 are timed
#    on node0; a round trip is two handoffs: round_trip_ms = elapsed / (N / 2), the median of
#    3 runs (each run is listed too). Floors: the same loop as two processes on node0 on a
#    fresh /cluster file (OCFS2 and its DLM, but the lock is mastered locally: no network),
#    on node0's ext4 root (the guest kernel alone), and on the host (no UML at all).
# 3. Host facts: cores, kernel, the load average at the end: the host is shared, and any
#    other load on its cores or disk moves every figure here.
#
# Environment: UMLCLUSTER_BIN (default <repo>/build/bin/umlcluster), UMLCLUSTER_HOME,
# IO_RUNTIME (10 s), IO_SIZE (256M), IO_IODEPTH (1), IO_HANDOFFS (200),
# IO_DEADLINE (3600 s for the whole run, image build included).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
UC=${UMLCLUSTER_BIN:-$root/build/bin/umlcluster}
UC_HOME=${UMLCLUSTER_HOME:-/var/lib/umlcluster}
NAME=benchio
RUNTIME=${IO_RUNTIME:-10}
SIZE=${IO_SIZE:-256M}
IODEPTH=${IO_IODEPTH:-1}
HANDOFFS=${IO_HANDOFFS:-200}
WARMUP=10
DEADLINE_S=${IO_DEADLINE:-3600}
JOBS=(seqwrite seqread randread randwrite)

json_out=""
keep=0
usage() { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case $1 in
    --json) [ $# -ge 2 ] || { echo "io.sh: --json needs a FILE" >&2; exit 2; }; json_out=$2; shift 2 ;;
    --json=*) json_out=${1#--json=}; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "io.sh: unknown argument: $1 (usage: bench/io.sh [--json FILE] [--keep])" >&2; exit 2 ;;
  esac
done

t_start=$(date +%s)
deadline=$((t_start + DEADLINE_S))
log() { printf 'io.sh %s: %s\n' "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

for v in RUNTIME IODEPTH HANDOFFS DEADLINE_S; do
  [[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer (got '${!v}')"
done
(( HANDOFFS % 2 == 0 )) || die "IO_HANDOFFS must be even (a round trip is two handoffs)"
[[ $SIZE =~ ^[0-9]+[KMG]?$ ]] || die "IO_SIZE must look like 256M (got '$SIZE')"
[ "$(id -u)" -eq 0 ] || die "needs root (umlcluster does)"
[ -x "$UC" ] || die "umlcluster binary not found or not executable: $UC (build it, or set UMLCLUSTER_BIN)"
for tool in jq timeout awk; do
  command -v "$tool" >/dev/null || die "$tool is needed on the host"
done

work=$(mktemp -d /tmp/io-bench.XXXXXX)
disk_dir="$UC_HOME/clusters/$NAME/disks"
created=0
declare -A live=()   # pids of our background children not yet waited for
host_files=()

# ---- cleanup: on exit, failure and interrupt --------------------------------------------
cleanup() {
  local rc=$?
  trap '' INT TERM
  set +e
  local p
  for p in "${!live[@]}"; do
    kill -0 "$p" 2>/dev/null && kill -TERM "$p" 2>/dev/null
  done
  for p in "${!live[@]}"; do wait "$p" 2>/dev/null; done
  for p in "${host_files[@]}"; do rm -f -- "$p"; done
  if [ "$created" = 1 ]; then
    if [ "$keep" = 1 ]; then
      log "--keep: cluster $NAME left running (umlcluster down -n $NAME; umlcluster destroy -n $NAME --yes)"
    else
      log "down -n $NAME"
      if ! timeout -k 10 180 "$UC" down -n "$NAME" >"$work/down.log" 2>&1; then
        log "ERROR: umlcluster down -n $NAME failed:"; tail -n 20 "$work/down.log" >&2; (( rc != 0 )) || rc=1
      fi
      log "destroy -n $NAME"
      if ! timeout -k 10 120 "$UC" destroy -n "$NAME" --yes >"$work/destroy.log" 2>&1; then
        log "ERROR: umlcluster destroy -n $NAME failed:"; tail -n 20 "$work/destroy.log" >&2; (( rc != 0 )) || rc=1
      fi
    fi
  fi
  rm -rf -- "$work"
  log "finished in $(( $(date +%s) - t_start )) s, exit $rc"
  exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted (SIGINT)"; exit 130' INT
trap 'log "terminated (SIGTERM)"; exit 143' TERM

# ---- running things with a deadline -------------------------------------------------------
# Sets $secs: the seconds a step that wants $1 seconds may have, never past the deadline.
budget() {
  local left=$((deadline - $(date +%s)))
  (( left > 5 )) || die "the run's deadline (${DEADLINE_S} s, IO_DEADLINE) has passed"
  secs=$1
  (( secs < left )) || secs=$left
}
# start_bg SECS OUT ERR CMD...: runs CMD under timeout(1) in the background (so a signal to
# this script is handled at once), stdout to OUT, stderr to ERR; its pid is in $bg_pid.
start_bg() {
  local secs out=$2 err=$3
  budget "$1"
  shift 3
  timeout -k 10 "$secs" "$@" >"$out" 2>"$err" </dev/null &
  bg_pid=$!
  live[$bg_pid]=1
}
# wait_bg PID WHAT ERR: waits for PID; a clear error with ERR's tail if it failed.
wait_bg() {
  local rc=0
  wait "$1" || rc=$?
  unset "live[$1]"
  if (( rc != 0 )); then
    local why="exit $rc"
    (( rc == 124 )) && why="timed out"
    (( rc == 125 )) && why="umlcluster could not run it (exit 125)"
    log "ERROR: $2 failed ($why); its stderr:"
    tail -n 20 "$3" >&2 || true
    exit 1
  fi
}
# run SECS OUT WHAT CMD...: start_bg + wait_bg.
run() {
  local secs=$1 out=$2 what=$3
  shift 3
  start_bg "$secs" "$out" "$out.err" "$@"
  wait_bg "$bg_pid" "$what" "$out.err"
}
# guest NODE SECS OUT CMD...: CMD as root in NODE of our cluster, killed after SECS.
guest_start() {
  local node=$1 secs=$2 out=$3
  shift 3
  start_bg "$((secs + 20))" "$out" "$out.err" "$UC" exec -n "$NAME" --timeout "$secs" "$node" -- "$@"
}
guest() {
  guest_start "$@"
  local what="on $1: $4 ${5:-}"
  wait_bg "$bg_pid" "${what:0:80}" "$3.err"
}
r3() { awk -v x="$1" 'BEGIN { printf "%.3f", x }'; }
add() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", a + b }'; }
div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", a / b }'; }

# ---- fio ---------------------------------------------------------------------------------
# Sets fio_args: the options of job $1 shared by guest and host (not the file names).
fio_job_args() {
  local job=$1 direct=$2 engine=$3 rw bs
  case $job in
    seqwrite) rw="write"; bs=1M ;;
    seqread) rw="read"; bs=1M ;;
    randread) rw=randread; bs=4k ;;
    randwrite) rw=randwrite; bs=4k ;;
    *) die "unknown fio job $job" ;;
  esac
  fio_args=(--rw="$rw" --bs="$bs" --size="$SIZE" --ioengine="$engine" --iodepth="$IODEPTH"
            --direct="$direct" --time_based --runtime="$RUNTIME" --output-format=json)
}
# fio_parse FILE: FILE.parsed, one line "bw_mib_s iops" per fio job of the fio output FILE
# (read + write).
fio_parse() {
  local f=$1
  sed -n '/^{/,$p' "$f" >"$f.json"
  jq -e '.jobs | length > 0' "$f.json" >/dev/null 2>&1 || { log "ERROR: no fio JSON in $f:"; head -c 2000 "$f" >&2; exit 1; }
  if ! jq -e 'all(.jobs[]; .error == 0)' "$f.json" >/dev/null; then
    log "ERROR: a fio job reported an error:"; jq -c '[.jobs[] | {jobname, error}]' "$f.json" >&2; exit 1
  fi
  jq -r '.jobs[] | "\((.read.bw_bytes + .write.bw_bytes) / 1048576) \(.read.iops + .write.iops)"' "$f.json" >"$f.parsed"
}
# record JOB WHERE NODES WHO DIRECT ENGINE BW IOPS: one measurement, a JSON line.
record() {
  jq -nc --arg job "$1" --arg where "$2" --argjson nodes "$3" --arg who "$4" \
    --argjson direct "$5" --arg engine "$6" --argjson bw "$7" --argjson iops "$8" \
    '{job: $job, where: $where, nodes: $nodes, who: $who, direct: ($direct == 1),
      engine: $engine, bw: $bw, iops: $iops}' >>"$work/meas.jsonl"
}

# Guest side: waits until wall-clock microsecond $1 (when it is in the next 30 s), then runs
# the rest: two nodes start their fio at the same instant (UML guests read the host's clock).
# shellcheck disable=SC2016
AT_SH='t=$1; shift; now=${EPOCHREALTIME//[.,]/}; d=$((t - now))
if ((d > 0 && d < 30000000)); then printf -v f %06d $((d % 1000000)); sleep "$((d / 1000000)).$f"; fi
exec "$@"'

declare -A gdir gdirect
gdir[ocfs2]=/cluster
gdir[ext4]=/var/tmp
gfile() { echo "${gdir[$1]}/io-fio-$2.dat"; }   # target node

# ---- lock handoff (our own loop; perl is in Debian's minbase as perl-base) -----------------
# perl -e LOCK_PL FILE PARITY WARMUP N LIMIT_S: takes flock(LOCK_EX) on FILE, reads the
# counter; when counter % 2 == PARITY and counter < WARMUP + N, writes counter + 1; unlocks;
# again until counter reaches WARMUP + N. Parity 0 prints the seconds from its own write of
# WARMUP + 1 until it sees WARMUP + N: N handoffs of the lock between the two sides.
# A side whose turn it is not sleeps 0.1 ms before it tries again: two processes on one
# (UML) CPU would otherwise spin against each other (sched_yield does not stop that: ~30
# useless lock takes a handoff); it adds at most that sleep and a timer wake-up a handoff.
# shellcheck disable=SC2016
LOCK_PL='use strict; use warnings; use Fcntl qw(:flock SEEK_SET O_RDWR); use Time::HiRes qw(time);
my ($file, $parity, $warm, $n, $limit) = @ARGV;
my $end = $warm + $n;
sysopen(my $fh, $file, O_RDWR) or die "open $file: $!\n";
my $deadline = time() + $limit;
my ($t0, $t1, $tries) = (undef, undef, 0);
while (1) {
  flock($fh, LOCK_EX) or die "flock: $!\n";
  sysseek($fh, 0, SEEK_SET) or die "seek: $!\n";
  my $buf = ""; defined(sysread($fh, $buf, 64)) or die "read: $!\n";
  $buf =~ /^\s*(\d+)/ or die "bad counter in $file: [$buf]\n";
  my $v = $1;
  if ($v < $end && $v % 2 == $parity) {
    sysseek($fh, 0, SEEK_SET) or die "seek: $!\n";
    syswrite($fh, sprintf("%-20d\n", $v + 1)) == 21 or die "write: $!\n";
    $t0 = time() if $v == $warm;
  }
  $tries++;
  flock($fh, LOCK_UN) or die "unlock: $!\n";
  if ($v >= $end) { $t1 = time(); last; }
  die "counter stuck at $v after ${limit} s (parity $parity)\n" if time() > $deadline;
  select(undef, undef, undef, 0.0001) unless $v % 2 == $parity;
}
if ($parity == 0) { defined $t0 or die "never timed\n"; printf "%.6f %d\n", $t1 - $t0, $tries; }
else { printf STDERR "parity 1: %d tries\n", $tries; }'
# Two processes on one machine: bash -c LOCAL_SH _ FILE WARMUP N LIMIT (perl code in $PL).
# shellcheck disable=SC2016
LOCAL_SH='f=$1; printf "%-20d\n" 0 > "$f" || exit 1
perl -e "$PL" "$f" 1 "$2" "$3" "$4" & p=$!
perl -e "$PL" "$f" 0 "$2" "$3" "$4"; rc=$?
wait "$p" || rc=$?
rm -f "$f"; exit "$rc"'
rt_ms() { awk -v e="$1" -v n="$HANDOFFS" 'BEGIN { printf "%.3f", e * 1000 / (n / 2) }'; }

# =========================================================================================
log "umlcluster: $UC; state: $UC_HOME; fio ${RUNTIME}s x ${SIZE}, iodepth $IODEPTH; deadline ${DEADLINE_S}s"
run 30 "$work/list" "umlcluster list" "$UC" list --json
jq -e --arg n "$NAME" 'any(.[]; (.name? // .) == $n)' "$work/list" >/dev/null 2>&1 &&
  die "a cluster named $NAME already exists in $UC_HOME (from an earlier --keep?); remove it with: $UC destroy -n $NAME --yes"
[ -e "$UC_HOME/clusters/$NAME" ] &&
  die "$UC_HOME/clusters/$NAME already exists; remove it with: $UC destroy -n $NAME --yes"

cat >"$work/$NAME.toml" <<TOML
[cluster]
name = "$NAME"

[image]
packages = ["fio", "dbench"]

[[disk]]
name = "shared"
size = "4G"
mount = "/cluster"
TOML

log "up -f $work/$NAME.toml (builds the image with fio first if it is not cached: minutes)"
created=1
t0=$(date +%s.%N)
start_bg "$DEADLINE_S" "$work/up.log" "$work/up.log.err" "$UC" up -f "$work/$NAME.toml"
up_pid=$bg_pid
# Show the image build's and the nodes' progress as it comes.
tail -q -n +1 -F --pid="$up_pid" "$work/up.log" "$work/up.log.err" 2>/dev/null | sed 's/^/  up: /' >&2 &
tail_pid=$!
live[$tail_pid]=1
wait_bg "$up_pid" "umlcluster up" "$work/up.log.err"
wait "$tail_pid" 2>/dev/null || true
unset "live[$tail_pid]"
up_s=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
image_build_s=$(cat "$work/up.log" "$work/up.log.err" | sed -n 's/.*image [0-9a-f]* built in \([0-9.]*\) s.*/\1/p' | tail -n 1)
log "cluster up in ${up_s} s${image_build_s:+ (image built in ${image_build_s} s)}"
[ -f "$disk_dir/shared.img" ] || die "the shared disk file is not where expected: $disk_dir/shared.img"

# ---- guest facts and probes --------------------------------------------------------------
# shellcheck disable=SC2016
PROBE_SH='set -u
echo "kernel $(uname -r)"
echo "fio $(fio --version 2>/dev/null || echo none)"
if fio --enghelp=libaio >/dev/null 2>&1; then echo "libaio 1"; else echo "libaio 0"; fi
for d in /cluster /var/tmp; do
  echo "fstype $d $(df --output=fstype "$d" | tail -n 1)"
  p="$d/.io-odirect-probe"
  if dd if=/dev/zero of="$p" bs=1M count=1 oflag=direct status=none 2>/dev/null &&
     dd if="$p" of=/dev/null bs=1M iflag=direct status=none 2>/dev/null; then echo "direct $d 1"; else echo "direct $d 0"; fi
  rm -f "$p"
done'
# Debian's fio links librbd, whose libceph-common.so.2 has a 130 MiB .bss: with the
# default heuristic overcommit (vm.overcommit_memory=0) a 128 MB guest refuses that mapping
# and fio does not even start ("cannot map zero-fill pages"). The pages are never touched,
# so each guest (ours only) gets overcommit_memory=1.
for node in node0 node1; do
  guest "$node" 60 "$work/overcommit-$node" bash -c 'echo 1 > /proc/sys/vm/overcommit_memory'
done
guest node0 120 "$work/probe" bash -c "$PROBE_SH"
guest node1 60 "$work/probe1" df --output=fstype /cluster
guest_kernel=$(awk '$1 == "kernel" { print $2 }' "$work/probe")
guest_fio=$(awk '$1 == "fio" { print $2 }' "$work/probe")
[[ -n $guest_fio && $guest_fio != none ]] || die "fio is not in the guest image"
[ "$(awk '$1 == "fstype" && $2 == "/cluster" { print $3 }' "$work/probe")" = ocfs2 ] || die "/cluster on node0 is not OCFS2: $(cat "$work/probe")"
[ "$(tail -n 1 "$work/probe1")" = ocfs2 ] || die "/cluster on node1 is not OCFS2"
ext4_type=$(awk '$1 == "fstype" && $2 == "/var/tmp" { print $3 }' "$work/probe")
[ "$ext4_type" = ext4 ] || die "/var/tmp in the guest is $ext4_type, not the ext4 root"
guest_engine=psync
[ "$(awk '$1 == "libaio" { print $2 }' "$work/probe")" = 1 ] && guest_engine=libaio
gdirect[ocfs2]=$(awk '$1 == "direct" && $2 == "/cluster" { print $3 }' "$work/probe")
gdirect[ext4]=$(awk '$1 == "direct" && $2 == "/var/tmp" { print $3 }' "$work/probe")
[[ ${gdirect[ocfs2]} =~ ^[01]$ && ${gdirect[ext4]} =~ ^[01]$ ]] || die "the O_DIRECT probe in node0 said: $(cat "$work/probe")"
log "guest: kernel $guest_kernel, $guest_fio, engine $guest_engine, O_DIRECT on ocfs2: ${gdirect[ocfs2]}, on ext4: ${gdirect[ext4]}"

# ---- 1. fio in the guests ------------------------------------------------------------------
fio_secs=$((RUNTIME * 3 + 60))
log "laying out the fio files ($SIZE each: /cluster and /var/tmp, both nodes)"
for target in ocfs2 ext4; do
  for node in node0 node1; do
    fio_job_args seqwrite "${gdirect[$target]}" "$guest_engine"
    guest "$node" 600 "$work/layout-$target-$node" fio --name=layout --filename="$(gfile "$target" "$node")" \
      "${fio_args[@]}" --create_only=1
  done
done

for nodes in 1 2; do
  for target in ocfs2 ext4; do
    for job in "${JOBS[@]}"; do
      fio_job_args "$job" "${gdirect[$target]}" "$guest_engine"
      if (( nodes == 1 )); then
        guest node0 "$fio_secs" "$work/fio-$job-$target-1" fio --name="$job" --filename="$(gfile "$target" node0)" "${fio_args[@]}"
        fio_parse "$work/fio-$job-$target-1"
        read -r bw iops <"$work/fio-$job-$target-1.parsed"
        record "$job" "$target" 1 node0 "${gdirect[$target]}" "$guest_engine" "$bw" "$iops"
        log "fio $job on $target, node0 alone: $(r3 "$bw") MiB/s, $(r3 "$iops") IOPS"
      else
        at=$(( $(date +%s%N) / 1000 + 4000000 ))
        pids=()
        for node in node0 node1; do
          guest_start "$node" "$((fio_secs + 4))" "$work/fio-$job-$target-2-$node" bash -c "$AT_SH" at "$at" \
            fio --name="$job" --filename="$(gfile "$target" "$node")" "${fio_args[@]}"
          pids+=("$bg_pid")
        done
        wait_bg "${pids[0]}" "fio $job on $target, node0 (2 nodes)" "$work/fio-$job-$target-2-node0.err"
        wait_bg "${pids[1]}" "fio $job on $target, node1 (2 nodes)" "$work/fio-$job-$target-2-node1.err"
        sum_bw=0; sum_iops=0; each=""
        for node in node0 node1; do
          fio_parse "$work/fio-$job-$target-2-$node"
          read -r bw iops <"$work/fio-$job-$target-2-$node.parsed"
          sum_bw=$(add "$sum_bw" "$bw"); sum_iops=$(add "$sum_iops" "$iops")
          each+=" $node $(r3 "$bw")"
        done
        record "$job" "$target" 2 sum "${gdirect[$target]}" "$guest_engine" "$sum_bw" "$sum_iops"
        for node in node0 node1; do
          read -r bw iops <"$work/fio-$job-$target-2-$node.parsed"
          record "$job" "$target" 2 "$node" "${gdirect[$target]}" "$guest_engine" "$bw" "$iops"
        done
        log "fio $job on $target, both nodes at once: sum $(r3 "$sum_bw") MiB/s, $(r3 "$sum_iops") IOPS (each:$each)"
      fi
    done
  done
done
for target in ocfs2 ext4; do
  for node in node0 node1; do
    guest "$node" 60 "$work/rm-$target-$node" rm -f "$(gfile "$target" "$node")"
  done
done

# ---- 2. lock handoff -----------------------------------------------------------------------
lock_limit=240
lock_reps=3
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
# lock_series KIND: $lock_reps runs of the lock loop; sets lock_med (ms, the median round
# trip) and lock_all (a JSON array of every run's round trip, ms).
lock_series() {
  local kind=$1 r rts=() secs
  for ((r = 1; r <= lock_reps; r++)); do
    local out="$work/lock-$kind-$r"
    case $kind in
      nodes)
        guest node0 60 "$out.init" bash -c 'printf "%-20d\n" 0 > /cluster/io-lockfile'
        guest_start node1 "$((lock_limit + 30))" "$out.node1" perl -e "$LOCK_PL" /cluster/io-lockfile 1 "$WARMUP" "$HANDOFFS" "$lock_limit"
        local p1=$bg_pid
        guest_start node0 "$((lock_limit + 30))" "$out" perl -e "$LOCK_PL" /cluster/io-lockfile 0 "$WARMUP" "$HANDOFFS" "$lock_limit"
        wait_bg "$bg_pid" "lock loop on node0" "$out.err"
        wait_bg "$p1" "lock loop on node1" "$out.node1.err"
        guest node0 60 "$out.rm" rm -f /cluster/io-lockfile ;;
      ocfs2-local)
        guest node0 "$((lock_limit + 30))" "$out" env PL="$LOCK_PL" bash -c "$LOCAL_SH" _ /cluster/io-lockfile-local "$WARMUP" "$HANDOFFS" "$lock_limit" ;;
      ext4-local)
        guest node0 "$((lock_limit + 30))" "$out" env PL="$LOCK_PL" bash -c "$LOCAL_SH" _ /var/tmp/io-lockfile "$WARMUP" "$HANDOFFS" "$lock_limit" ;;
      host)
        host_files+=("$disk_dir/io-lockfile.tmp")
        run "$((lock_limit + 30))" "$out" "lock loop on the host" env PL="$LOCK_PL" bash -c "$LOCAL_SH" _ "$disk_dir/io-lockfile.tmp" "$WARMUP" "$HANDOFFS" "$lock_limit" ;;
    esac
    read -r secs _ <"$out" || die "no time from the lock loop ($kind, run $r): $(cat "$out" "$out.err" 2>/dev/null)"
    rts+=("$(rt_ms "$secs")")
  done
  lock_med=$(median "${rts[@]}")
  lock_all=$(printf '%s\n' "${rts[@]}" | jq -sc .)
  log "lock round trip, $kind: median $lock_med ms (runs: ${rts[*]})"
}
log "lock handoff: $HANDOFFS handoffs after $WARMUP of warm-up, $lock_reps runs each: node0 <-> node1 on /cluster"
lock_series nodes; rt=$lock_med; rt_all=$lock_all
log "lock handoff floors: two processes on node0 on a fresh /cluster file, on its ext4 root, on the host"
lock_series ocfs2-local; local_rt=$lock_med; local_all=$lock_all
lock_series ext4-local; ext4_rt=$lock_med; ext4_all=$lock_all
host_rt=null; host_all=null
if command -v perl >/dev/null; then
  lock_series host; host_rt=$lock_med; host_all=$lock_all
else
  log "no perl on the host: no host lock floor"
fi

# ---- 3. floor: the same fio jobs on the host ---------------------------------------------------
floor_json=null
floor_reason=null
if ! command -v fio >/dev/null; then
  floor_reason='"fio is not installed on the host (apt-get install fio)"'
  log "no fio on the host: floor is null"
else
  host_fio=$(fio --version)
  host_engine=psync
  fio --enghelp=libaio >/dev/null 2>&1 && host_engine=libaio
  f0="$disk_dir/fio-floor.0.tmp"; f1="$disk_dir/fio-floor.1.tmp"
  probe="$disk_dir/fio-floor.probe.tmp"
  host_files+=("$f0" "$f1" "$probe")
  host_direct=0
  if dd if=/dev/zero of="$probe" bs=1M count=1 oflag=direct status=none 2>/dev/null &&
     dd if="$probe" of=/dev/null bs=1M iflag=direct status=none 2>/dev/null; then host_direct=1; fi
  rm -f -- "$probe"
  host_fs=$(df --output=fstype "$disk_dir" | tail -n 1)
  log "floor on the host: $host_fio, engine $host_engine, $host_fs in $disk_dir, O_DIRECT: $host_direct"
  for f in "$f0" "$f1"; do
    fio_job_args seqwrite 0 "$host_engine"
    run 600 "$work/host-layout" "fio layout on the host" fio --name=layout --filename="$f" "${fio_args[@]}" --create_only=1
  done
  modes=(0)
  (( host_direct == 1 )) && modes=(1 0)
  for direct in "${modes[@]}"; do
    where=host-buffered
    (( direct == 1 )) && where=host-direct
    for nodes in 1 2; do
      for job in "${JOBS[@]}"; do
        fio_job_args "$job" "$direct" "$host_engine"
        # Buffered: with the host's page cache warm (as the guests' disk files are), not
        # dropped before the job as fio does by default.
        (( direct == 1 )) || fio_args+=(--invalidate=0)
        names=(--name=p0 --filename="$f0")
        (( nodes == 2 )) && names+=(--name=p1 --filename="$f1")
        out="$work/host-$where-$job-$nodes"
        run "$fio_secs" "$out" "fio $job on the host ($where, $nodes)" fio "${fio_args[@]}" "${names[@]}"
        fio_parse "$out"
        sum_bw=0; sum_iops=0; i=0
        while read -r bw iops; do
          record "$job" "$where" "$nodes" "p$i" "$direct" "$host_engine" "$bw" "$iops"
          sum_bw=$(add "$sum_bw" "$bw"); sum_iops=$(add "$sum_iops" "$iops")
          i=$((i + 1))
        done <"$out.parsed"
        (( i == nodes )) || die "fio on the host reported $i jobs, not $nodes"
        record "$job" "$where" "$nodes" sum "$direct" "$host_engine" "$sum_bw" "$sum_iops"
        record "$job" "$where" "$nodes" each "$direct" "$host_engine" \
          "$(div "$sum_bw" "$nodes")" "$(div "$sum_iops" "$nodes")"
        log "host floor $job, $where, $nodes process(es): $(r3 "$sum_bw") MiB/s, $(r3 "$sum_iops") IOPS"
      done
    done
  done
  rm -f -- "$f0" "$f1"
  floor_json=$(jq -nc --arg fio "$host_fio" --arg engine "$host_engine" --arg dir "$disk_dir" \
    --arg fs "$host_fs" --argjson direct "$host_direct" \
    '{fio: $fio, ioengine: $engine, dir: $dir, fstype: $fs, direct_supported: ($direct == 1),
      files: "fio-floor.0.tmp, fio-floor.1.tmp (removed)"}')
fi

# ---- the JSON --------------------------------------------------------------------------------
total_s=$(( $(date +%s) - t_start ))
result=$(jq -s \
  --arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
  --argjson cores "$(nproc)" --arg kernel "$(uname -r)" --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" \
  --arg gkernel "$guest_kernel" --arg gfio "$guest_fio" --arg gengine "$guest_engine" \
  --argjson dir_ocfs2 "${gdirect[ocfs2]}" --argjson dir_ext4 "${gdirect[ext4]}" \
  --arg size "$SIZE" --argjson runtime "$RUNTIME" --argjson iodepth "$IODEPTH" \
  --argjson floor "$floor_json" --argjson floor_reason "$floor_reason" \
  --argjson rt "$rt" --argjson local_rt "$local_rt" --argjson ext4_rt "$ext4_rt" --argjson host_rt "$host_rt" \
  --argjson rt_all "$rt_all" --argjson local_all "$local_all" --argjson ext4_all "$ext4_all" --argjson host_all "$host_all" \
  --argjson reps "$lock_reps" \
  --argjson handoffs "$HANDOFFS" --argjson warmup "$WARMUP" \
  --argjson up_s "$up_s" --arg image_build_s "$image_build_s" --argjson total_s "$total_s" '
  def r3: if . == null then null else (. * 1000 | round) / 1000 end;
  def ratio($a; $b): if $a == null or $b == null or $b == 0 then null else ($a / $b | r3) end;
  . as $m
  | def find($job; $where; $nodes; $who):
      first($m[] | select(.job == $job and .where == $where and .nodes == $nodes and .who == $who)) // null;
  {
    suite: "io",
    date: $date,
    host: {cores: $cores, kernel: $kernel, loadavg_at_end: $load},
    guest: {kernel: $gkernel, fio: $gfio, memory: "128M", ioengine: $gengine, vm_overcommit_memory: 1,
            direct: {ocfs2: ($dir_ocfs2 == 1), ext4: ($dir_ext4 == 1)},
            ocfs2_dir: "/cluster", ext4_dir: "/var/tmp"},
    fio_config: {size: $size, runtime_s: $runtime, iodepth: $iodepth,
                 jobs: {seqwrite: "write 1M", seqread: "read 1M", randread: "randread 4k", randwrite: "randwrite 4k"}},
    floor: $floor,
    fio: [ $m[] | select(.where == "ocfs2" or .where == "ext4") | . as $g
      | (if $g.nodes == 1 then "p0" elif $g.who == "sum" then "sum" else "each" end) as $hw
      | ((if $g.direct then find($g.job; "host-direct"; $g.nodes; $hw) else null end)
         // find($g.job; "host-buffered"; $g.nodes; $hw)) as $hf
      | find($g.job; "host-buffered"; $g.nodes; $hw) as $hb
      | {job: $g.job, target: $g.where, nodes: $g.nodes, node: $g.who,
         direct: $g.direct, ioengine: $g.engine,
         bw_mib_s: ($g.bw | r3), iops: ($g.iops | r3),
         floor_host_bw_mib_s: ($hf.bw | r3), floor_host_iops: ($hf.iops | r3), floor_host_direct: $hf.direct,
         ratio_to_floor: ratio($g.bw; $hf.bw),
         floor_host_buffered_bw_mib_s: ($hb.bw | r3), floor_host_buffered_iops: ($hb.iops | r3),
         ratio_to_buffered_floor: ratio($g.bw; $hb.bw)}
      + (if $g.where == "ocfs2" then
           find($g.job; "ext4"; $g.nodes; $g.who) as $e
           | {floor_ext4_bw_mib_s: ($e.bw | r3), floor_ext4_iops: ($e.iops | r3), ratio_to_ext4: ratio($g.bw; $e.bw)}
         else {} end) ],
    lock_handoff: {handoffs: $handoffs, warmup: $warmup, runs: $reps,
                   round_trip_ms: $rt, one_way_ms: ($rt / 2 | r3), round_trip_ms_runs: $rt_all,
                   local_round_trip_ms: $local_rt, ratio_to_local: ratio($rt; $local_rt), local_round_trip_ms_runs: $local_all,
                   local_ext4_round_trip_ms: $ext4_rt, ratio_to_local_ext4: ratio($rt; $ext4_rt), local_ext4_round_trip_ms_runs: $ext4_all,
                   host_round_trip_ms: $host_rt, ratio_to_host: ratio($rt; $host_rt), host_round_trip_ms_runs: $host_all,
                   method: "perl flock(LOCK_EX) on one file with the counter in it; node0 increments even values, node1 odd, a side whose turn it is not sleeps 0.1 ms before it tries again; round trip = 2 handoffs, median of the runs; local = two processes on node0 (fresh /cluster file: OCFS2, lock mastered locally; then /var/tmp: ext4), host = two processes on the host"},
    timing: {up_s: $up_s, image_build_s: (if $image_build_s == "" then null else ($image_build_s | tonumber) end),
             total_s_before_down: $total_s}
  }
  + (if $floor == null then {floor_unavailable_reason: $floor_reason} else {} end)' "$work/meas.jsonl")

if [ -n "$json_out" ]; then
  tmp_out="$json_out.tmp.$$"
  printf '%s\n' "$result" >"$tmp_out" || die "cannot write $tmp_out"
  mv -f -- "$tmp_out" "$json_out" || die "cannot write $json_out"
  log "wrote $json_out"
else
  printf '%s\n' "$result"
fi
