#!/bin/sh
# Installs everything git-agentq needs to build and test, from Debian packages. Idempotent.
set -eu
PACKAGES="g++ cmake ninja-build pkg-config git ca-certificates
  libgit2-dev libyaml-cpp-dev libcxxopts-dev nlohmann-json3-dev libexpected-dev catch2 libssl-dev
  openssh-client gnupg gpgv man-db clang"
missing=""
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "installing:$missing"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
