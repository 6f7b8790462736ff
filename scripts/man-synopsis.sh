#!/bin/sh
# Rewrites the SYNOPSIS section of doc/git-agentq.1 from the command table, so the manual
# lists exactly what the binary parses. Usage: scripts/man-synopsis.sh [GIT_AGENTQ_BINARY]
# (default: build/dev/git-agentq). tests/integration/ground_rules_test.cpp fails until it is run.
set -eu
cd "$(dirname "$0")/.."
bin=${1:-build/dev/git-agentq}
AGENTQ_SYNOPSIS=$("$bin" complete -- man-synopsis) && export AGENTQ_SYNOPSIS
awk '
  /^\.SH SYNOPSIS/ { print; print ENVIRON["AGENTQ_SYNOPSIS"]; skip = 1; next }
  /^\.SH / && skip { skip = 0 }
  !skip { print }
' doc/git-agentq.1 > doc/git-agentq.1.new
mv doc/git-agentq.1.new doc/git-agentq.1
