#!/bin/sh
# Installs everything git-agentq needs to build, test, fuzz, package and demo, from Debian
# packages. Idempotent. Every package is named: apt-get runs with --no-install-recommends, so
# nothing a package merely recommends may be relied on (clang, for one, only recommends the
# sanitizer and libFuzzer runtimes that scripts/fuzz.sh links against).
set -eu
# build: compilers, CMake, and the libraries (headers) git-agentq links
BUILD="g++ cmake ninja-build pkg-config
  libgit2-dev libyaml-cpp-dev libcxxopts-dev nlohmann-json3-dev libexpected-dev catch2 libssl-dev"
# fuzz: clang, and its compiler runtime (libclang_rt.fuzzer, .asan, .ubsan)
FUZZ="clang libclang-rt-dev"
# run and test: the programs git-agentq and its tests start. git fetches over https with
# ca-certificates; ssh-keygen (openssh-client) signs and verifies ssh signatures; gpg and gpgv
# (gnupg) OpenPGP ones; `git help agentq` needs man-db; the tests look for leftover processes
# with pgrep (procps).
RUN="git ca-certificates openssh-client gnupg gpgv man-db procps"
# test: the MCP server is tested with the official TypeScript SDK client (installed from npm by
# the test into the build tree, run by node); `status --watch` is tested in a tmux pane.
TEST="nodejs npm tmux"
# A machine whose Node.js comes from elsewhere (NodeSource's nodejs package bundles npm and
# conflicts with Debian's npm) already has what the tests need: keep it, install neither.
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then TEST="tmux"; fi
# package: CPack's .deb generator finds the shared-library dependencies with dpkg-shlibdeps
# (dpkg-dev) and recognises executables with file.
PACKAGE="dpkg-dev file"
# bench: bench/run.sh measures peak RSS with /usr/bin/time (time)
BENCH="time"
missing=""
for p in $BUILD $FUZZ $RUN $TEST $PACKAGE $BENCH; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "installing:$missing"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
