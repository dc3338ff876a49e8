#!/usr/bin/env bash
# clang-tidy with the root's .clang-tidy over the product's sources, as the build compiles them:
# the unity batches of the build's compile database (each includes up to 16 of our .cpp
# files, reported through .clang-tidy's HeaderFilterRegex), so the heavy headers are parsed
# once a batch, not once a file (a sixth of the time).
# At nice 10, as the kernel build test: CPU-bound work beside the integration groups' nodes,
# whose agents and heartbeats have deadlines (a node starved for 12 s is fenced).
#   tidy.sh BUILD_DIR
set -euo pipefail
build=$1
db=$build/compile_commands.json
[ -r "$db" ] || { echo "tidy: no $db (configure with CMAKE_EXPORT_COMPILE_COMMANDS)"; exit 1; }
mapfile -t files < <(grep -o '"file": "[^"]*"' "$db" | sed 's/"file": "//; s/"$//' |
  grep -E '/src/[a-z_]+/CMakeFiles/uc_[a-z_]+\.dir/Unity/' | sort -u)
[ ${#files[@]} -gt 0 ] || { echo "tidy: no unity batches of the product in $db"; exit 1; }
if printf '%s\n' "${files[@]}" | nice -n 10 xargs -P "$(nproc)" -n 1 clang-tidy --quiet -p "$build" 2>/dev/null; then
  echo "tidy: ${#files[@]} batches clean"
else
  echo "tidy: findings above (checks in .clang-tidy)"
  exit 1
fi
