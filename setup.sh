#!/usr/bin/env bash
# umlcluster set-up on a fresh Debian 12 machine.
#   ./setup.sh        install what is missing, build, bring up the default cluster, show it
#   ./setup.sh test   install what is missing, build, run every test
# As root: logged in as root, or with sudo.
set -euo pipefail
cd "$(dirname "$0")"
mode=${1:-run}

if [ "$(id -u)" -ne 0 ]; then
  echo "setup.sh: run as root (log in as root, or: sudo ./setup.sh $mode): it installs Debian packages and" >&2
  echo "umlcluster needs root to create namespaces for its sandboxed nodes." >&2
  exit 1
fi

# Debian packages only. Build: compiler, CMake and the libraries (see README, Dependencies;
# ocfs2-tools-dev with comerr-dev and libaio-dev: libocfs2 finds a volume's heartbeat region).
# Run: the UML kernel and its modules, mmdebstrap for the root image, e2fsprogs for mke2fs,
# ocfs2-tools for `umlcluster fsck` (fsck.ocfs2 -n on a stopped cluster's disk) and the
# benchmarks' floor, jq for `umlcluster bench`.
packages=(g++ cmake make pkg-config libcli11-dev libtomlplusplus-dev nlohmann-json3-dev libfmt-dev
          ocfs2-tools-dev comerr-dev libaio-dev user-mode-linux mmdebstrap e2fsprogs ocfs2-tools tar coreutils jq)
# Tests only: GoogleTest and Google Benchmark, dpkg-dev for the Debian package's test, a real
# browser for the HTML report, a real terminal for `top`, clang-format and clang-tidy for the
# lint tests, and what `umlcluster kernel build` needs (the test builds a kernel; a user's
# first build installs these on demand).
if [ "$mode" = test ]; then
  packages+=(libgtest-dev googletest libbenchmark-dev dpkg-dev chromium tmux clang-format clang-tidy
             linux-source-6.1 gcc libc6-dev flex bison bc kmod xz-utils patch)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

echo "==> building"
tests=OFF
[ "$mode" = test ] && tests=ON
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DUC_TESTS=$tests >/dev/null
if [ "$mode" = test ]; then
  cmake --build build -j"$(nproc)"
else
  # Only what a cluster runs: the CLI and the helpers it starts (not the tests).
  cmake --build build -j"$(nproc)" --target umlcluster
fi

case "$mode" in
  run)
    echo "==> bringing up the default cluster (the paper's node0 and node1)"
    build/bin/umlcluster up
    echo "==> status"
    build/bin/umlcluster status
    echo "==> set up in $SECONDS s (build/bin/umlcluster --help for what to try next)"
    ;;
  test)
    echo "==> running all tests"
    # Side by side: the integration groups mostly wait on guest timers (docs/testing.md).
    ctest --test-dir build --output-on-failure -j4
    ;;
  *)
    echo "usage: $0 [run|test]" >&2
    exit 2
    ;;
esac
