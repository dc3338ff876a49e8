#!/bin/sh
# The integration groups' cleanup fixture (ctest runs it after every group, whatever their
# outcome). A group's own teardown stops its clusters; this is for a group whose process died
# first (a crash, ctest's TIMEOUT): every cluster in every group's state directory is stopped
# (`down`, then each host pid its status listed, by pid), then destroyed, and its scratch
# folder (temporary files) removed. Fails if it found a cluster or a scratch folder still
# there, naming it: that is a teardown that did not happen.
# Usage: stop_all_clusters.sh UMLCLUSTER TEST_ROOT
set -u
bin=$1
root=$2
left=""
for home in "$root"/*/; do
  [ -d "$home/clusters" ] || continue
  for dir in "$home"clusters/*/; do
    [ -d "$dir" ] || continue
    c=$(basename "$dir")
    left="$left ${home#"$root"/}$c"
    pids=$(UMLCLUSTER_HOME=$home "$bin" status -n "$c" --json 2>/dev/null |
      jq -r '.supervisor_pid, .switch_pid, (.nodes[]?.pids[]?) | select(. != null and . > 0)' 2>/dev/null)
    UMLCLUSTER_HOME=$home "$bin" down -n "$c"
    for p in $pids; do
      if kill -0 "$p" 2>/dev/null; then
        echo "pid $p of $c outlived down: killed"
        kill -9 "$p"
      fi
    done
    UMLCLUSTER_HOME=$home "$bin" destroy -n "$c" --yes
  done
  if [ -d "$home/tmp" ]; then
    left="$left ${home#"$root"/}tmp"
    rm -rf "$home/tmp"
  fi
done
if [ -n "$left" ]; then
  echo "left behind by a group (stopped, destroyed, removed now):$left"
  exit 1
fi
echo "nothing left behind"
