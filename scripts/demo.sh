#!/bin/sh
# The main job, scripted: builds git-agentq, then runs a queue in a throwaway directory and
# prints every step. Nothing outside that directory is touched.
set -eu
cd "$(dirname "$0")/.."
scripts/build.sh dev git-agentq >/dev/null
export PATH="$(pwd)/build/dev:$PATH"

work=$(mktemp -d "${TMPDIR:-/tmp}/agentq-demo.XXXXXX")
export HOME="$work/home" GIT_CONFIG_NOSYSTEM=1 NO_COLOR=1
mkdir -p "$HOME"
git config --global user.name "Demo" && git config --global user.email demo@example.com
git config --global init.defaultBranch main

if [ -t 1 ]; then B='\033[1m' D='\033[2m' N='\033[0m'; else B='' D='' N=''; fi
step() { printf "\n${B}== %s${N}\n" "$*"; }
run() { printf "${D}\$ %s${N}\n" "$*"; "$@"; }

step "a repository with queue definitions on main"
mkdir "$work/repo" && cd "$work/repo" && git init -q
mkdir .agentq services doc
cat > .agentq/queue.yaml <<'YAML'
version: 1
policy:
  base: main
  stale_after: 48h
roles:
  A-backend:   { kind: delivery, lanes: 1, owns: ["services/**"] }
  B-ui:        { kind: delivery, lanes: 2, owns: ["web/**"] }
  D-arch:      { kind: review }
  coordinator: { kind: coordinator }
actors:
  agent-a: { roles: [A-backend], model: model-x }
  agent-b: { roles: [B-ui], model: model-x }
  agent-d: { roles: [D-arch], model: model-y }
  alice:   { roles: [coordinator], human: true }
reviews:
  routes:
    - { paths: ["doc/api/**"], require: [D-arch] }
tasks:
  - id: A-P7-001
    title: Harden provisioning retries
    role: A-backend
    acceptance_checks:
      - test -f services/retry.txt
      - grep -q "max_attempts" services/retry.txt
  - id: B-UX-001
    title: Show retry state in the UI
    role: B-ui
    depends_on: [A-P7-001]
YAML
git add -A && git commit -qm "queue definitions"
run cat .agentq/queue.yaml

step "init: the first event on refs/agent-queue/log"
run git agentq init

step "ready: what can start now (B-UX-001 waits for A-P7-001)"
run git agentq ready

step "claim: agent-a takes the next backend task"
run git agentq claim --next --role A-backend --actor agent-a

step "a second claim of the same task is refused"
run git agentq claim A-P7-001 --actor agent-a || echo "(exit $?)"

step "agent-a implements on its lane branch; check runs the acceptance checks in a clean worktree"
git switch -q -c agent/A-backend
mkdir -p doc/api && echo "retries: 3" > services/retry.txt && echo "GET /retries" > doc/api/retries.md
git add -A && git commit -qm "provisioning: bounded retries"
run git agentq check A-P7-001 --actor agent-a || echo "(exit $?: one check failed; every result is recorded)"

step "fix, check again, hand off: files and commits are computed, the API doc routes review to D-arch"
echo "max_attempts: 3" >> services/retry.txt && git commit -qam "retries: name the bound"
run git agentq check A-P7-001 --actor agent-a
run git agentq handoff A-P7-001 --actor agent-a --risks "none known" --next "expose retry metrics"

step "the reviewer asks for changes; the task goes back to agent-a"
run git agentq review A-P7-001 --decision changes_requested --commit HEAD --note "document the backoff" --actor agent-d
run git agentq show A-P7-001

step "agent-a fixes, records new evidence and hands off again; D-arch approves that exact commit"
echo "backoff: exponential" >> doc/api/retries.md && git commit -qam "doc: backoff"
run git agentq check A-P7-001 --actor agent-a
run git agentq handoff A-P7-001 --actor agent-a
run git agentq review A-P7-001 --decision approved --commit HEAD --note "looks right" --actor agent-d

step "evidence, handoffs and reviews are git notes on the implementation commit"
run git log -1 --notes=agentq --format='%h %s%n%N' HEAD

step "the coordinator: merge-ready lists anything missing; merge fast-forwards main and records done"
git switch -q main
run git agentq merge-ready A-P7-001
run git agentq merge A-P7-001 --actor alice
run git log --oneline -3 main
run git agentq ready
run git agentq status

step "validate and git-check: replay every event against the definitions, the notes and the branches"
run git agentq validate
run git agentq git-check
run git agentq log

step "lanes: one worktree per role lane, each with its own actor (git config --worktree)"
run git agentq lanes setup
(cd "$work/repo-B-ui-1" && run git agentq claim B-UX-001)
run git agentq lanes status

step "preflight in a lane: every failing item at once (no hooks are installed in this demo)"
(cd "$work/repo-B-ui-1" && run git agentq preflight --role B-ui) || echo "(exit $?)"

step "the coordinator's tick and board: what changed, and a dispatch recommendation per idle lane"
run git agentq tick
run git agentq lanes teardown B-ui-1 || echo "(exit $?)"
run git agentq lanes launch --tool tmux

printf '\nthe demo repository is in %s\n' "$work"
