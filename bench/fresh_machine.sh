#!/usr/bin/env bash
# Times the README's first command on a fresh Debian 12: a clean root made with mmdebstrap
# (minbase + git), entered with unshare and chroot (no container image can be pulled here).
#   bench/fresh_machine.sh WORKDIR COMMIT [run|test]    (root; WORKDIR gets the root, ~250 MB)
set -euo pipefail
work=$1; commit=$2; mode=${3:-run}
repo=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$work"
cd "$work"
if [ ! -d pristine ]; then
  mmdebstrap --variant=minbase --include=git,ca-certificates,procps bookworm pristine \
    "deb http://deb.debian.org/debian bookworm main" \
    "deb http://deb.debian.org/debian bookworm-updates main" \
    "deb http://deb.debian.org/debian-security bookworm-security main"
  cp /etc/resolv.conf pristine/etc/resolv.conf
fi
rm -rf root
cp -a pristine root
git clone -q "$repo" root/root/umlcluster
git -C root/root/umlcluster checkout -q "$commit"
unshare -m --propagation private bash -c '
  set -e
  mount --bind root root   # a mount point, so that the sandbox can make its mounts private
  mount --rbind /dev root/dev
  mount -t tmpfs -o size=8g tmpfs root/dev/shm
  mount -t proc proc root/proc
  mount --rbind /sys root/sys
  mount -t tmpfs tmpfs root/tmp
  chroot root /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin TERM=dumb bash -c "
    cd /root/umlcluster && SECONDS=0; ./setup.sh '"$mode"'; rc=\$?
    echo \"==> fresh machine: setup.sh '"$mode"' exit \$rc in \$SECONDS s (load: \$(cut -d\" \" -f1-3 /proc/loadavg))\"
    build/bin/umlcluster down >/dev/null 2>&1 || true
    build/bin/umlcluster destroy --yes >/dev/null 2>&1 || true
  "
'
