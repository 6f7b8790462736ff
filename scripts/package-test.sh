#!/bin/sh
# Builds the .deb and installs it into a clean Debian root, then runs `git agentq --version`
# and `git help -m agentq` there: the package alone (with the dependencies it declares, which
# apt pulls) must be enough. Usage: scripts/package-test.sh [BUILD_DIR] (default build/release,
# built with scripts/build.sh release when absent). Needs root (chroot) and the Debian mirror.
# The clean root is a debootstrap minbase of the host's release, made once and cached as a
# tarball (AGENTQ_FRESH_BASE, default /var/tmp/aq-fresh-base.tar, which
# ../shared/tools/fresh-readme.sh makes and shares).
set -eu
cd "$(dirname "$0")/.."
build=${1:-build/release}
base=${AGENTQ_FRESH_BASE:-/var/tmp/aq-fresh-base.tar}
[ "$(id -u)" -eq 0 ] || { echo "package-test: needs root (it installs the package in a chroot)"; exit 2; }
[ -d "$build" ] || scripts/build.sh release
cmake --build "$build" --target git-agentq agentq_manpage >/dev/null
rm -f "$build"/git-agentq_*.deb
(cd "$build" && cpack --config CPackConfig.cmake >/dev/null)
deb=$(ls "$build"/git-agentq_*.deb)
echo "package: $deb"
dpkg-deb -I "$deb" | grep -E '^ (Package|Version|Depends|Recommends):'

if [ ! -s "$base" ]; then
  command -v debootstrap >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
  codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
  mirror=$(grep -rh "URIs" /etc/apt/sources.list.d/ 2>/dev/null | grep debian | head -1 | awk '{print $2}')
  t=$(mktemp -d /var/tmp/aq-boot.XXXXXX)
  debootstrap --variant=minbase "$codename" "$t/root" "${mirror:-http://deb.debian.org/debian}" >"$t.log" 2>&1 \
    || { echo "package-test: debootstrap failed (see $t.log)"; exit 2; }
  cp /etc/apt/sources.list.d/debian.sources "$t/root/etc/apt/sources.list.d/" 2>/dev/null || true
  tar -C "$t/root" -cf "$base" . && rm -rf "$t" "$t.log"
fi

root=$(mktemp -d /var/tmp/aq-pkg.XXXXXX)
cleanup() {
  umount "$root/proc" 2>/dev/null || true
  if grep -q " $root/" /proc/mounts; then echo "mounts remain under $root: not deleting it"; else rm -rf "$root"; fi
}
trap cleanup EXIT
tar -C "$root" -xf "$base"
cp /etc/resolv.conf /etc/hosts "$root/etc/" 2>/dev/null || true
cp "$deb" "$root/tmp/"
mount -t proc proc "$root/proc"
# man-db is the user's manual viewer (what `git help -m` runs), not a dependency of the package.
chroot "$root" /bin/sh -eu -c '
  export DEBIAN_FRONTEND=noninteractive PATH=/usr/sbin:/usr/bin:/sbin:/bin
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends man-db >/dev/null
  if command -v git-agentq >/dev/null || command -v git >/dev/null; then echo "the clean root already has git"; exit 1; fi
  apt-get install -y -qq --no-install-recommends /tmp/git-agentq_*.deb >/dev/null
  echo "installed:"; dpkg -L git-agentq | grep -E "bin/|man1/|completions/|doc/git-agentq/[^/]*$" | sed "s/^/  /"
  cd /tmp && git init -q probe && cd probe
  git agentq --version
  git help -m agentq | head -n 5
  test -f /usr/share/bash-completion/completions/git-agentq
'
echo "package-test: ok"
