#!/usr/bin/env bash
# Every C and C++ file of the repository is as the root's .clang-format writes it.
# Prints the files that are not (fix: clang-format -i FILE) and fails if any is not.
set -euo pipefail
root=$1
cd "$root"
bad=0
while IFS= read -r f; do
  if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
    echo "not formatted: $f (clang-format -i $f)"
    bad=1
  fi
done < <(git ls-files '*.c' '*.h' '*.cpp' 2>/dev/null || find src tests bench -name '*.[ch]' -o -name '*.cpp')
[ $bad -eq 0 ] && echo "format: every file as .clang-format writes it"
exit $bad
