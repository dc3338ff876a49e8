#!/usr/bin/env bash
# floor.sh -- the FLOOR of umlcluster's "ready time".
#
# Boots N User Mode Linux nodes the way umlcluster does (the same kernel, the same root
# image behind a fresh COW file per node, the same addresses, MACs, switch and shared
# OCFS2 disk) but with no tool around them: no sandbox, no agent, no supervisor. Each
# guest runs init=/bin/sh and is fed umlcluster's in-guest steps on its console's stdin
# (basic mounts, hostname, lo/eth0, cluster.conf and /etc/default/o2cb, the O2CB online
# steps, then `mount -t ocfs2 /dev/ubdb /cluster`). The script records, per node, when the
# guest's shell started (boot), when the O2CB steps finished (online) and when the OCFS2
# mount finished (mounted), in seconds from the moment the nodes were launched. ready_s is
# the latest mount: the time umlcluster's `up` could reach if the tool cost nothing.
#
# Usage: bench/floor/floor.sh [--nodes N] [--image PATH] [--switch PATH] [--keep-logs DIR]
#                             [--used-disk]
#   --nodes N        nodes to boot, 1-60 (default 2). Addresses 192.168.0.112 + 4*i,
#                    /24 up to 35 nodes, /22 (192.168.0.0/22) above.
#   --image PATH     root image (default: the newest $UMLCLUSTER_HOME/images/*/rootfs.img,
#                    UMLCLUSTER_HOME defaulting to /var/lib/umlcluster). Only read.
#   --switch PATH    umlcluster-switch binary (default: build/bin/umlcluster-switch of the repo)
#   --keep-logs DIR  copy the nodes' console logs, the guest scripts and the switch log to DIR
#   --used-disk      after formatting, write into each node's heartbeat slot what a clean
#                    unmount leaves there, as on a volume umlcluster has mounted before
#                    (its `up` after the first). A freshly formatted volume costs the first
#                    mount one more O2CB heartbeat iteration (2 s): the kernel does not count
#                    a node's first iteration towards a steady heartbeat when its own slot
#                    is blank (o2hb_check_own_slot). Without this flag the volume is fresh.
#
# Output: one JSON object on stdout,
#   {"nodes":2,"ready_s":9.8,"boot_s":[..],"online_s":[..],"mounted_s":[..],"disk":"fresh"}
# and progress lines on stderr. Times are found by polling the console logs every 50 ms,
# so each is late by at most about one poll.
#
# Needs root. Everything runs in a private network namespace (the script re-executes
# itself under `unshare --net`); the guests' LAN is the umlcluster-switch's unix sockets
# only: no tap, no multicast, no slirp. Gives up after 180 s. On every exit it kills the
# processes it started (by recorded pid / process group) and removes its temporary directory.
set -euo pipefail
set +m            # no job control: background children stay in our process group, so that
                  # setsid never forks and $! is the node's kernel process and process group
export LC_ALL=C   # EPOCHREALTIME and awk with a decimal point

readonly KERNEL=/usr/bin/linux.uml
readonly DEADLINE_S=180
readonly POLL_S=0.05
readonly CLUSTER=ocfs2
readonly PORT=7777

die() { echo "floor: error: $*" >&2; exit 1; }
say() { echo "floor: $*" >&2; }
usage() { sed -n '/^# Usage:/,/^#$/s/^# \{0,1\}//p' "$0" >&2; }

self=$(readlink -f "$0")
repo=$(cd "$(dirname "$self")/../.." && pwd)

nodes=2
image=
switch_bin="$repo/build/bin/umlcluster-switch"
keep_logs=
used_disk=
while [ $# -gt 0 ]; do
  case "$1" in
    --nodes) [ $# -ge 2 ] || die "--nodes needs a value"; nodes=$2; shift 2 ;;
    --image) [ $# -ge 2 ] || die "--image needs a value"; image=$2; shift 2 ;;
    --switch) [ $# -ge 2 ] || die "--switch needs a value"; switch_bin=$2; shift 2 ;;
    --keep-logs) [ $# -ge 2 ] || die "--keep-logs needs a value"; keep_logs=$2; shift 2 ;;
    --used-disk) used_disk=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage; die "unknown argument: $1" ;;
  esac
done
if ! [[ "$nodes" =~ ^[0-9]+$ ]] || [ "$nodes" -lt 1 ] || [ "$nodes" -gt 60 ]; then
  die "--nodes must be 1-60, not '$nodes'"
fi
[ "$(id -u)" -eq 0 ] || die "needs root (UML disks, network namespace)"

# --- Into a private network namespace: re-execute this script under `unshare --net`. ------
if [ -z "${UMLFLOOR_OUTER_NETNS:-}" ]; then
  UMLFLOOR_OUTER_NETNS=$(readlink /proc/self/ns/net)
  export UMLFLOOR_OUTER_NETNS
  args=(--nodes "$nodes" --switch "$switch_bin")
  [ -n "$image" ] && args+=(--image "$image")
  [ -n "$keep_logs" ] && args+=(--keep-logs "$keep_logs")
  [ -n "$used_disk" ] && args+=(--used-disk)
  exec unshare --net -- "$BASH" "$self" "${args[@]}"
fi
[ "$(readlink /proc/self/ns/net)" != "$UMLFLOOR_OUTER_NETNS" ] ||
  die "not in a private network namespace; refusing to run"
start=$EPOCHREALTIME

# --- Inputs. ------------------------------------------------------------------------------
if [ -z "$image" ]; then
  for f in "${UMLCLUSTER_HOME:-/var/lib/umlcluster}"/images/*/rootfs.img; do
    [ -f "$f" ] || continue
    if [ -z "$image" ] || [ "$f" -nt "$image" ]; then image=$f; fi
  done
  [ -n "$image" ] || die "no image under ${UMLCLUSTER_HOME:-/var/lib/umlcluster}/images; use --image PATH"
fi
image=$(readlink -f "$image")
[ -r "$image" ] || die "cannot read image $image"
[ -x "$switch_bin" ] || die "no switch binary at $switch_bin (build it, or --switch PATH)"
# UML 6.1 on a host with AMX needs umlcluster's xstate shim, as umlcluster's own nodes do
# (docs/architecture.md): the same kernel process, or the floor would not boot there.
xstate_shim="$(dirname "$switch_bin")/umlcluster-xstate.so"
[ -r "$xstate_shim" ] || die "no xstate shim at $xstate_shim (build it: it sits beside the switch)"
[ -x "$KERNEL" ] || die "no UML kernel at $KERNEL (apt-get install user-mode-linux)"
command -v mkfs.ocfs2 >/dev/null || die "mkfs.ocfs2 not found (apt-get install ocfs2-tools)"
if [ -n "$used_disk" ]; then
  command -v debugfs.ocfs2 >/dev/null || die "debugfs.ocfs2 not found (apt-get install ocfs2-tools)"
  command -v perl >/dev/null || die "--used-disk needs perl"
fi
if [ -n "$keep_logs" ]; then mkdir -p "$keep_logs"; keep_logs=$(cd "$keep_logs" && pwd); fi

# --- Cleanup on every exit. ---------------------------------------------------------------
tmp=
switch_pid=
uml_pids=()
proc_pgrp() {  # the process group of pid $1, or nothing
  local s=
  read -r s <"/proc/$1/stat" 2>/dev/null || true
  s=${s##*) }   # after "pid (comm) ": state ppid pgrp ...
  read -r _ _ s _ <<<"$s" || true
  echo "${s:-}"
}
ours() {  # pids of live processes whose command line names our temporary directory
  local d args
  for d in /proc/[0-9]*; do
    [ "${d#/proc/}" != "$$" ] || continue
    mapfile -d '' args <"$d/cmdline" 2>/dev/null || continue
    [[ "${args[*]:-}" == *"$tmp/"* ]] && echo "${d#/proc/}"
  done
  return 0
}
cleanup() {
  local rc=$? p pgrp
  trap - EXIT INT TERM
  {  # quiet: no "Killed" job notices from bash
    for p in "${uml_pids[@]}"; do
      # Each node was started with setsid: its pid is its process group, which holds the
      # kernel's helper processes too. Kill the group when /proc confirms it is one.
      pgrp=$(proc_pgrp "$p")
      if [ "$pgrp" = "$p" ]; then kill -KILL -- "-$p" || true; else kill -KILL "$p" || true; fi
    done
    if [ -n "$switch_pid" ]; then kill -TERM "$switch_pid" || true; fi
    for p in "${uml_pids[@]}"; do wait "$p" || true; done
    if [ -n "$switch_pid" ]; then
      for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$switch_pid" || break; sleep 0.1; done
      kill -KILL "$switch_pid" || true
      wait "$switch_pid" || true
    fi
    # Anything of ours still alive (a node whose kernel process died first and left helpers
    # behind, say): every process we start names the temporary directory on its command line.
    if [ -n "$tmp" ]; then
      for p in $(ours); do kill -KILL "$p" || true; done
    fi
  } 2>/dev/null
  if [ -n "$tmp" ] && [ -d "$tmp" ]; then
    if [ -n "$keep_logs" ]; then
      cp -f "$tmp"/*.log "$tmp"/*.sh "$keep_logs"/ 2>/dev/null || true
      say "logs kept in $keep_logs"
    fi
    rm -rf -- "$tmp"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

tmp=$(mktemp -d /tmp/umlfloor.XXXXXX)
mkdir "$tmp/uml"
mkfifo "$tmp/tick"
exec {tick_fd}<>"$tmp/tick"     # nobody writes: `read -t` on it is a sleep without a fork
nap() { read -r -t "$1" -u "$tick_fd" _ || true; }
past_deadline() { (( ${EPOCHREALTIME%.*} - ${start%.*} > DEADLINE_S )); }

# --- Addresses: 192.168.0.0 + 112 + 4*i as a 32-bit number. --------------------------------
if [ "$nodes" -le 35 ]; then prefix=24; else prefix=22; fi
addrs=() macs=() names=()
for ((i = 0; i < nodes; i++)); do
  v=$(( (192 << 24) + (168 << 16) + 112 + 4 * i ))
  b1=$(( v >> 24 & 255 )) b2=$(( v >> 16 & 255 )) b3=$(( v >> 8 & 255 )) b4=$(( v & 255 ))
  addrs+=("$b1.$b2.$b3.$b4")
  macs+=("$(printf 'fe:fd:%02x:%02x:%02x:%02x' "$b1" "$b2" "$b3" "$b4")")
  names+=("node$i")
done

# --- The shared disk, formatted on the host before timing. --------------------------------
slots=$(( nodes + 2 > 4 ? nodes + 2 : 4 ))
disk="$tmp/shared.img"
truncate -s 1G "$disk"
say "formatting $disk (OCFS2, $slots slots, cluster $CLUSTER)"
# mkfs.ocfs2 runs /sbin/modprobe ocfs2 / ocfs2_stack_o2cb. Where that is missing, the child
# it forked does not exit but formats the volume too (three concurrent formats); where it is
# there, it would load OCFS2 into the host's kernel. So it runs in a private mount namespace
# whose /sbin holds only a modprobe that does nothing (mkfs.ocfs2 itself is copied out).
cp "$(command -v mkfs.ocfs2)" "$tmp/mkfs.ocfs2"
# shellcheck disable=SC2016  # $1.. expand in the inner sh
unshare --mount -- sh -c 'mount -t tmpfs -o mode=0755 none "$1" &&
  ln -s /bin/true "$1/modprobe" && shift && exec "$@"' sh "$(readlink -f /sbin)" \
  "$tmp/mkfs.ocfs2" -q -F -N "$slots" -L shared --cluster-stack=o2cb --cluster-name="$CLUSTER" "$disk" \
  </dev/null >"$tmp/mkfs.log" 2>&1 || { cat "$tmp/mkfs.log" >&2; die "mkfs.ocfs2 failed"; }
rm -f "$tmp/mkfs.ocfs2"

if [ -n "$used_disk" ]; then
  # The heartbeat system file's first block, and the block size: its slots are 512-byte
  # sectors (ubd's sector size), one per node number, from that block on.
  hb_block=$(env PAGER=cat debugfs.ocfs2 -R "stat //heartbeat" "$disk" 2>/dev/null |
             awk '$1 == "##" { getline; print $4; exit }')
  bits=$(env PAGER=cat debugfs.ocfs2 -R stats "$disk" 2>/dev/null |
         awk '/Block Size Bits:/ { print $4; exit }')
  [[ "$hb_block" =~ ^[0-9]+$ && "$bits" =~ ^[0-9]+$ ]] ||
    die "cannot find the heartbeat area of $disk (debugfs.ocfs2)"
  # What o2hb writes when a node stops heartbeating cleanly: seq = a time (a minute ago, so
  # that it differs from any new beat), its node number, generation 0, the dead time in ms,
  # and crc32_le(0, block with cksum 0) (struct o2hb_disk_heartbeat_block).
  # shellcheck disable=SC2016  # perl code
  perl -e '
    my ($path, $off, $n, $dead) = @ARGV;
    open(my $f, "+<", $path) or die "$path: $!\n";
    binmode $f;
    for my $i (0 .. $n - 1) {
      my $b = pack("Q< C x3 L< Q< L<", time() - 60, $i, 0, 0, $dead);
      $b .= "\0" x (512 - length $b);
      my $c = 0;
      for my $byte (unpack("C*", $b)) {
        $c ^= $byte;
        $c = ($c >> 1) ^ (($c & 1) ? 0xEDB88320 : 0) for 1 .. 8;
      }
      substr($b, 12, 4) = pack("L<", $c);
      seek($f, $off + 512 * $i, 0) or die "seek: $!\n";
      print $f $b or die "write: $!\n";
    }
    close($f) or die "close: $!\n";' "$disk" $(( hb_block << bits )) "$nodes" $(( 7 * 2000 )) ||
    die "cannot write the heartbeat slots"
  say "heartbeat slots 0-$((nodes - 1)) stamped as after a clean unmount (--used-disk)"
fi

# --- The guest's steps: umlcluster's guest_setup + configure_script + online_script +
# mount_script, as shell commands. Markers are printed with printf 'FLOOR-%s' so that the
# console's echo of the input never contains them. Only builtins where a builtin does, one
# process where umlcluster's agent needs none (the mounts), each process costs UML ~0.1 s.
guest_script() {
  local i=$1 j hosts_args="" node_args=""
  for ((j = 0; j < nodes; j++)); do
    hosts_args+=" ${addrs[j]} ${names[j]}"
    node_args+=" ${addrs[j]} $j ${names[j]}"
  done
  cat <<EOF
printf 'FLOOR-%s\n' BOOTED
printf '%s\n' 'proc /proc proc nosuid,nodev,noexec 0 0' 'sysfs /sys sysfs nosuid,nodev,noexec 0 0' 'devtmpfs /dev devtmpfs nosuid,mode=0755 0 0' 'devpts /dev/pts devpts nosuid,noexec,gid=5,mode=0620,ptmxmode=0666,X-mount.mkdir 0 0' 'tmpfs /dev/shm tmpfs nosuid,nodev,mode=1777,X-mount.mkdir 0 0' 'tmpfs /run tmpfs nosuid,nodev,mode=0755 0 0' > /tmp/floor-basics.fstab
mount -a -T /tmp/floor-basics.fstab || printf 'FLOOR-%s %s\n' WARN basic-mounts
mkdir -p /run/lock /etc/ocfs2 /dlm /cluster
[ -e /etc/mtab ] || ln -s ../proc/self/mounts /etc/mtab
echo ${names[i]} > /proc/sys/kernel/hostname
echo ${names[i]} > /etc/hostname
printf '127.0.0.1\tlocalhost\n' > /etc/hosts
printf '%s\t%s\n'$hosts_args >> /etc/hosts
ip -b - <<'UC_EOF' || printf 'FLOOR-%s %s\n' FAIL network
link set lo up
addr add ${addrs[i]}/$prefix brd + dev eth0
link set eth0 up
UC_EOF
printf 'cluster:\n\tnode_count = %s\n\theartbeat_mode = local\n\tname = %s\n' $nodes $CLUSTER > /etc/ocfs2/cluster.conf
printf '\nnode:\n\tip_port = $PORT\n\tip_address = %s\n\tnumber = %s\n\tname = %s\n\tcluster = $CLUSTER\n'$node_args >> /etc/ocfs2/cluster.conf
printf '# Written by umlcluster.\nO2CB_ENABLED=true\nO2CB_STACK=o2cb\nO2CB_BOOTCLUSTER=$CLUSTER\nO2CB_HEARTBEAT_THRESHOLD=7\nO2CB_IDLE_TIMEOUT_MS=10000\nO2CB_KEEPALIVE_DELAY_MS=2000\nO2CB_RECONNECT_DELAY_MS=2000\n' > /etc/default/o2cb
modprobe -a configfs ocfs2_nodemanager ocfs2_dlm ocfs2_dlmfs ocfs2_stack_o2cb || printf 'FLOOR-%s %s\n' FAIL modprobe
printf '%s\n' 'none /sys/kernel/config configfs defaults 0 0' 'none /dlm ocfs2_dlmfs defaults 0 0' > /tmp/floor-o2cb.fstab
mount -a -T /tmp/floor-o2cb.fstab || printf 'FLOOR-%s %s\n' FAIL configfs-dlmfs
C=/sys/kernel/config/cluster/$CLUSTER
[ -d \$C ] || o2cb register-cluster $CLUSTER || printf 'FLOOR-%s %s\n' FAIL register-cluster
echo 7 > \$C/heartbeat/dead_threshold
echo 10000 > \$C/idle_timeout_ms
echo 2000 > \$C/keepalive_delay_ms
echo 2000 > \$C/reconnect_delay_ms
printf 'FLOOR-%s\n' ONLINE
mount -t ocfs2 /dev/ubdb /cluster && printf 'FLOOR-%s\n' MOUNTED || printf 'FLOOR-%s %s\n' FAIL mount
EOF
}

# --- The switch. ----------------------------------------------------------------------------
sock="$tmp/switch.sock"
mkfifo "$tmp/switch.ready"
exec {ready_fd}<>"$tmp/switch.ready"
"$switch_bin" "$sock" 3 -1 3>"$tmp/switch.ready" </dev/null >"$tmp/switch.log" 2>&1 &
switch_pid=$!
line=
read -r -t 10 -u "$ready_fd" line || true
exec {ready_fd}<&-
[ "$line" = ready ] || { cat "$tmp/switch.log" >&2; die "switch did not start: ${line:-no answer in 10 s}"; }
say "switch ready at $sock (pid $switch_pid)"

# --- The nodes: each reads its steps from a FIFO we hold open (no EOF for its shell). ------
in_fds=()
for ((i = 0; i < nodes; i++)); do
  guest_script "$i" >"$tmp/${names[i]}.sh"
  mkfifo "$tmp/${names[i]}.in"
  exec {fd}<>"$tmp/${names[i]}.in"
  in_fds+=("$fd")
  cat "$tmp/${names[i]}.sh" >&"$fd"      # buffered in the pipe until the guest reads it
done
say "launching $nodes node(s): $KERNEL, image $image"
t0=$EPOCHREALTIME
for ((i = 0; i < nodes; i++)); do
  TMPDIR=/dev/shm LD_PRELOAD=$xstate_shim setsid "$KERNEL" \
    "umid=${names[i]}" "uml_dir=$tmp/uml" mem=128M \
    "ubd0=$tmp/${names[i]}.cow,$image" root=/dev/ubda rw \
    "eth0=daemon,${macs[i]},unix,$sock" \
    "ubd1c=$disk" \
    con=null ssl=null con0=fd:0,fd:1 pty.legacy_count=0 \
    initcall_blacklist=raid6_select_algo init=/bin/sh \
    <"$tmp/${names[i]}.in" >"$tmp/${names[i]}.log" 2>&1 &
  uml_pids+=("$!")
done
# setsid makes each kernel process its own process group without forking (we are no group
# leader: set +m); see that it did, for cleanup kills those groups.
for ((i = 0; i < nodes; i++)); do
  for ((k = 0; k < 100; k++)); do
    [ "$(proc_pgrp "${uml_pids[i]}")" != "${uml_pids[i]}" ] || break
    nap 0.01
  done
  [ "$k" -lt 100 ] || die "${names[i]} (pid ${uml_pids[i]}) is not its own process group"
done

# --- Watch the consoles. ---------------------------------------------------------------------
declare -A seen=()
logs=()
for ((i = 0; i < nodes; i++)); do logs+=("$tmp/${names[i]}.log"); done
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
mounted=0
while [ "$mounted" -lt "$nodes" ]; do
  nap "$POLL_S"
  hits=$(grep -o -H -E 'FLOOR-[A-Z]+|Kernel panic' "${logs[@]}" 2>/dev/null || true)
  now=$EPOCHREALTIME
  while IFS= read -r hit; do
    [ -n "$hit" ] || continue
    file=${hit%%:*} what=${hit#*:}
    i=${file##*/node}; i=${i%.log}
    case "$what" in
      FLOOR-FAIL|"Kernel panic")
        say "${names[i]} failed ($what); last lines of its console:"
        tail -n 25 "$file" >&2
        die "${names[i]} did not come up" ;;
      FLOOR-BOOTED|FLOOR-ONLINE|FLOOR-MOUNTED)
        key="$i:${what#FLOOR-}"
        [ -z "${seen[$key]:-}" ] || continue
        seen[$key]=$(elapsed "$t0" "$now")
        say "${names[i]} ${what#FLOOR-} at ${seen[$key]} s"
        [ "$what" != FLOOR-MOUNTED ] || mounted=$((mounted + 1)) ;;
    esac
  done <<<"$hits"
  for ((i = 0; i < nodes; i++)); do
    if [ -z "${seen[$i:MOUNTED]:-}" ] && ! kill -0 "${uml_pids[i]}" 2>/dev/null; then
      say "${names[i]} exited; last lines of its console:"
      tail -n 25 "$tmp/${names[i]}.log" >&2
      die "${names[i]} died before mounting"
    fi
  done
  if past_deadline; then
    for ((i = 0; i < nodes; i++)); do
      [ -n "${seen[$i:MOUNTED]:-}" ] || { say "${names[i]}: last lines of its console:"; tail -n 10 "$tmp/${names[i]}.log" >&2; }
    done
    die "gave up after $DEADLINE_S s: $mounted of $nodes node(s) mounted"
  fi
done

# --- Result. -----------------------------------------------------------------------------------
json_list() {
  local what=$1 out="" i
  for ((i = 0; i < nodes; i++)); do out+="${out:+,}${seen[$i:$what]:-null}"; done
  printf '[%s]' "$out"
}
ready=0
for ((i = 0; i < nodes; i++)); do
  ready=$(awk -v a="$ready" -v b="${seen[$i:MOUNTED]}" 'BEGIN { printf "%.2f", (b > a ? b : a) }')
done
say "ready: all $nodes node(s) mounted at $ready s"
printf '{"nodes":%d,"ready_s":%s,"boot_s":%s,"online_s":%s,"mounted_s":%s,"disk":"%s"}\n' \
  "$nodes" "$ready" "$(json_list BOOTED)" "$(json_list ONLINE)" "$(json_list MOUNTED)" \
  "$([ -n "$used_disk" ] && echo used || echo fresh)"
