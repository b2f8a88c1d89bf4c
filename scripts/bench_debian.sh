#!/usr/bin/env bash
# Benchmark: the Debian part of a publish run (publish.yml, in a fresh debian:bookworm), step by step.
#
#   sudo scripts/bench_debian.sh [WORK_FOLDER]      (root, mmdebstrap, and Debian's mirror reachable)
#
# CI starts from an empty container: before the build it installs, with apt, the tools of the
# checkout, the gates' (chromium, fonts, a Java runtime), the tests' (newsboat, valgrind) and npm.
# This builds one bookworm tree with mmdebstrap (once, kept in WORK_FOLDER/base), then runs those
# installs in fresh copies of it, in a private mount namespace, four ways:
#
#   cold          nothing cached: apt downloads every package
#   cold, unsafe  the same with dpkg's force-unsafe-io (no fsync: the container is thrown away)
#   warm          the packages and package lists of a previous run in place (publish.yml's cache)
#   warm, unsafe  both
#
# and prints each step's wall time; "without npm" is the sum without the npm step (what a run
# whose node_modules/ came from the cache installs: scripts/setup then needs no npm). Wall times
# depend on the machine's load and network: run it more than once.
set -euo pipefail
work=${1:-/tmp/bench-debian}
[ "$(id -u)" -eq 0 ] || { echo "bench_debian: run it as root (chroot, mounts)" >&2; exit 1; }
command -v mmdebstrap >/dev/null || { echo "bench_debian: needs mmdebstrap (apt-get install mmdebstrap)" >&2; exit 1; }
mkdir -p "$work"
if [ ! -d "$work/base" ]; then
  mmdebstrap --quiet --variant=apt --include=ca-certificates bookworm "$work/base"
  cp /etc/resolv.conf "$work/base/etc/resolv.conf"
fi
cat > "$work/base/steps.sh" <<'EOF'
#!/bin/bash
set -e
export DEBIAN_FRONTEND=noninteractive
t() { local s=$EPOCHREALTIME; "$@" >/dev/null 2>&1 || { echo "FAILED: $*" >&2; exit 1; }
      echo "$(( (${EPOCHREALTIME/./} - ${s/./}) / 1000 ))"; }
echo "update $(t apt-get update -qq)"
echo "checkout-tools $(t apt-get install -y -qq git ca-certificates python3 python3-venv openssh-client)"
mkdir -p /usr/share/man/man1
echo "gate-tools $(t apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core default-jre-headless)"
echo "test-tools $(t apt-get install -y -qq --no-install-recommends newsboat valgrind)"
echo "npm $(t apt-get install -y -qq --no-install-recommends npm)"
EOF
chmod +x "$work/base/steps.sh"

run() {  # run NAME UNSAFE(0|1) FROM(empty|folder with the previous run's cache)
  local name=$1 unsafe=$2 from=$3 tree="$work/$1"
  rm -rf "$tree" && cp -a "$work/base" "$tree"
  [ "$unsafe" = 1 ] && echo force-unsafe-io > "$tree/etc/dpkg/dpkg.cfg.d/unsafe-io"
  if [ "$from" != empty ]; then
    cp "$from"/var/cache/apt/archives/*.deb "$tree/var/cache/apt/archives/"
    cp -a "$from"/var/lib/apt/lists/. "$tree/var/lib/apt/lists/"
  fi
  unshare -m sh -c 'mount -t proc proc "$0/proc" && mount --rbind /dev "$0/dev" && mount -t sysfs sys "$0/sys" \
    && exec chroot "$0" /steps.sh' "$tree" > "$work/$name.times"
}
run cold 0 empty
run cold-unsafe 1 empty
run warm 0 "$work/cold"
run warm-unsafe 1 "$work/cold"

printf '%-14s' "(seconds)"; for step in update checkout-tools gate-tools test-tools npm; do printf '%15s' "$step"; done
printf '%12s%14s\n' total "without npm"
for name in cold cold-unsafe warm warm-unsafe; do
  printf '%-14s' "$name"
  awk '{ms[$1]=$2; total+=$2} END {
    split("update checkout-tools gate-tools test-tools npm", order, " ")
    for (i = 1; i <= 5; i++) printf "%15.1f", ms[order[i]] / 1000
    printf "%12.1f%14.1f\n", total / 1000, (total - ms["npm"]) / 1000 }' "$work/$name.times"
done
echo "packages: $(ls "$work"/cold/var/cache/apt/archives/*.deb | wc -l) files, $(du -sh "$work/cold/var/cache/apt/archives" | cut -f1);" \
     "load average $(cut -d' ' -f1 /proc/loadavg), $(nproc) cores"
for name in cold cold-unsafe warm warm-unsafe; do rm -rf "${work:?}/$name"; done
