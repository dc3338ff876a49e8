#!/usr/bin/env bash
# Every folder of src/ includes only from itself and the folders below it. The order is the
# top CMakeLists.txt's UC_LAYERS, bottom first, passed as arguments:
#   layers.sh SRC_DIR sys paths wire ...
# Prints each include that points up (or to a folder not in the list) and fails if any does.
set -euo pipefail
src=$1
shift
declare -A rank
i=0
for d in "$@"; do rank[$d]=$i; i=$((i + 1)); done
bad=0
for dir in "$src"/*/; do
  d=$(basename "$dir")
  if [ -z "${rank[$d]+x}" ]; then
    echo "src/$d: not in UC_LAYERS (top CMakeLists.txt)"
    bad=1
    continue
  fi
  while IFS= read -r hit; do
    file=${hit%%:*}
    rest=${hit#*:}
    line=${rest%%:*}
    inc=$(sed -E 's/.*#include "([^"]*)".*/\1/' <<<"$rest")
    to=${inc%%/*}
    [ "$to" = "$inc" ] && continue  # same-folder include without a path
    [ "$to" = "$d" ] && continue
    [ -d "$src/$to" ] || continue  # a test's helper from tests/ (browser/)
    if [ -z "${rank[$to]+x}" ] || [ "${rank[$to]}" -gt "${rank[$d]}" ]; then
      echo "${file#"$src"/}:$line: includes \"$inc\": $to is above $d"
      bad=1
    fi
  done < <(grep -Hn '^#include "' "$dir"*.h "$dir"*.cpp 2>/dev/null || true)
done
[ $bad -eq 0 ] && echo "layers: every include points down ($# folders)"
exit $bad
