#!/usr/bin/env bash
# clang-tidy with the root's .clang-tidy over the product's sources (not the tests), as many
# at a time as there are cores. The build uses unity batches, so its compile database names
# no single file: the flags are given here (CMake's standard, include path and definitions).
#   tidy.sh SRC_ROOT [FILE...]
set -euo pipefail
root=$1
shift
cd "$root"
if [ $# -gt 0 ]; then files=("$@"); else
  mapfile -t files < <(find src -name '*.cpp' ! -name '*_test.cpp' | sort)
fi
run_one() {
  clang-tidy --quiet "$1" -- -std=c++20 -Isrc -DTOML_HEADER_ONLY=0 -DTOML_SHARED_LIB=1 \
    -DFMT_SHARED -DNDEBUG '-DUMLCLUSTER_VERSION="0"' 2>/dev/null
}
export -f run_one
if printf '%s\n' "${files[@]}" | xargs -P "$(nproc)" -I{} bash -c 'run_one "$1"' _ {}; then
  echo "tidy: ${#files[@]} files clean"
else
  echo "tidy: findings above (checks in .clang-tidy)"
  exit 1
fi
