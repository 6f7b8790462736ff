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
mkdir .agentq services
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
tasks:
  - id: A-P7-001
    title: Harden provisioning retries
    role: A-backend
    acceptance_checks:
      - test -f services/retry.txt
  - id: B-UX-001
    title: Show retry state in the UI
    role: B-ui
    depends_on: [A-P7-001]
YAML
echo "retries: 3" > services/retry.txt.orig
git add -A && git commit -qm "queue definitions"
run cat .agentq/queue.yaml

step "init: the first event on refs/agent-queue/log"
run git agentq init

step "ready: what can start now (B-UX-001 waits for A-P7-001)"
run git agentq ready

step "claim: agent-a takes the next backend task"
run git agentq claim --next --role A-backend --actor agent-a
run git agentq status

step "a second claim of the same task is refused"
run git agentq claim A-P7-001 --actor agent-a || echo "(exit $?)"

step "agent-a implements on its lane branch and records evidence"
git switch -q -c agent/A-backend
mv services/retry.txt.orig services/retry.txt && git add -A && git commit -qm "provisioning: bounded retries"
run git agentq evidence A-P7-001 --command "test -f services/retry.txt" --exit-code 0 --kind runtime --actor agent-a
run git agentq show A-P7-001

step "the evidence is a git note on the implementation commit"
run git log -1 --notes=agentq --format='%h %s%n%N' HEAD

step "done is refused until the commit is on main"
run git agentq set-status A-P7-001 done --commit HEAD --actor agent-a || echo "(exit $?)"

step "the coordinator merges and marks it done"
git switch -q main && git merge -q --ff-only agent/A-backend
run git agentq set-status A-P7-001 done --commit main --actor alice
run git agentq ready
run git agentq status

step "validate: replay every event against the definitions and the notes"
run git agentq validate
run git agentq log

printf '\nthe demo repository is in %s\n' "$work"
