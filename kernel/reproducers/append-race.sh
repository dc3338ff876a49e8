#!/usr/bin/env bash
# Reproducer: buffered O_APPEND writes from two nodes to one OCFS2 file.
# Both nodes append numbered lines to the same file at once with the shell's `>>` (O_APPEND,
# one write(2) a line, no flock), then the file is read back and every line is checked: each
# must be there once, whole. On a kernel whose OCFS2 places an append at a stale end of file,
# lines are lost (overwritten by the other node's) and torn.
#
#   kernel/reproducers/append-race.sh [-n CLUSTER] [--lines N] [--file PATH] NODE_A NODE_B
#
# Exit 0: every line whole and once; 1: lines lost or torn; 2: usage or cluster trouble.
# UMLCLUSTER names the binary (default: umlcluster on the PATH).
set -euo pipefail

uc=${UMLCLUSTER:-umlcluster}
cluster=()
lines=1000
file=/cluster/append-race
nodes=()
while [ $# -gt 0 ]; do
  case "$1" in
    -n) cluster=(-n "$2"); shift 2 ;;
    --lines) lines=$2; shift 2 ;;
    --file) file=$2; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) nodes+=("$1"); shift ;;
  esac
done
if [ ${#nodes[@]} -ne 2 ] || ! [[ $lines =~ ^[0-9]+$ ]] || [ "$lines" -lt 1 ]; then
  echo "usage: $0 [-n CLUSTER] [--lines N] [--file PATH] NODE_A NODE_B" >&2
  exit 2
fi
a=${nodes[0]}
b=${nodes[1]}
pad=$(printf '%040d' 0)

"$uc" exec "${cluster[@]}" --timeout 60 "$a" -- sh -c "rm -f $file $file.go-*" || exit 2
# Each node: N lines "NODE I PAD", one `>>` each. A barrier on the volume starts both loops
# together: each node leaves a mark and waits (up to 30 s) until it sees the other's.
writer() {
  "$uc" exec "${cluster[@]}" --timeout 600 "$1" -- sh -c "
    touch $file.go-$1; w=0
    while [ ! -e $file.go-$2 ] && [ \$w -lt 3000 ]; do sleep 0.01; w=\$((w+1)); done
    i=0; while [ \$i -lt $lines ]; do echo \"$1 \$i $pad\" >> $file; i=\$((i+1)); done"
}
start=$(date +%s.%N)
writer "$a" "$b" & pa=$!
writer "$b" "$a" & pb=$!
wa=0; wb=0
wait $pa || wa=$?
wait $pb || wb=$?
secs=$(echo "$(date +%s.%N) - $start" | bc)
if [ $wa -ne 0 ] || [ $wb -ne 0 ]; then
  echo "append-race: a writer failed (exit $wa on $a, $wb on $b)" >&2
  exit 2
fi

out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$uc" exec "${cluster[@]}" --timeout 120 "$b" -- cat "$file" > "$out" || exit 2
"$uc" exec "${cluster[@]}" --timeout 60 "$a" -- sh -c "rm -f $file.go-*" || exit 2
# Whole lines are "NODE I PAD" with a known node and 0 <= I < N; anything else is torn.
awk -v a="$a" -v b="$b" -v n="$lines" -v pad="$pad" -v secs="$secs" '
  ($1 == a || $1 == b) && $2 ~ /^[0-9]+$/ && $2 < n && $3 == pad && NF == 3 {
    if (seen[$1 " " $2]++) dup++; else whole++
    next
  }
  { torn++ }
  END {
    expected = 2 * n
    lost = expected - whole
    printf "append-race: %d lines appended from %s and %s in %.1f s: %d whole, %d lost, %d torn, %d twice\n",
      expected, a, b, secs, whole, lost, torn + 0, dup + 0
    exit (lost > 0 || torn > 0 || dup > 0) ? 1 : 0
  }' "$out"
