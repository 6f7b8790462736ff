#!/bin/sh
# The main job, scripted: builds git-agentq, then runs a queue shared by a bare origin and three
# clones (a coordinator, two delivery agents, a reviewer working in the coordinator's clone) in
# a throwaway directory, printing every step. Nothing outside that directory is touched.
set -eu
cd "$(dirname "$0")/.."
scripts/build.sh dev git-agentq >/dev/null
export PATH="$(pwd)/build/dev:$PATH"

work=$(mktemp -d "${TMPDIR:-/tmp}/agentq-demo.XXXXXX")
export HOME="$work/home" GIT_CONFIG_NOSYSTEM=1 NO_COLOR=1
unset AGENTQ_ACTOR GIT_DIR GIT_WORK_TREE
mkdir -p "$HOME"
git config --global user.name "Demo" && git config --global user.email demo@example.com
git config --global init.defaultBranch main
git config --global advice.detachedHead false

if [ -t 1 ]; then B='\033[1m' D='\033[2m' N='\033[0m'; else B='' D='' N=''; fi
step() { printf "\n${B}== %s${N}\n" "$*"; }
# run DIR CMD…: prints where and what, then runs it there.
run() { dir=$1; shift; printf "${D}[%s]\$ %s${N}\n" "$(basename "$dir")" "$*"; (cd "$dir" && "$@"); }

step "origin: a bare repository; main carries the queue definitions"
git init -q --bare "$work/origin.git"
git clone -q "$work/origin.git" "$work/coord" 2>/dev/null
cd "$work/coord"
mkdir .agentq services
cat > .agentq/queue.yaml <<'YAML'
version: 1
policy:
  base: main
  remote: origin
  stale_after: 48h
roles:
  A-backend:   { kind: delivery, lanes: 1, owns: ["services/**"] }
  B-ui:        { kind: delivery, lanes: 2, owns: ["web/**"] }
  D-arch:      { kind: review }
  coordinator: { kind: coordinator }
actors:
  agent-a: { roles: [A-backend], model: model-x }
  agent-b: { roles: [A-backend, B-ui], model: model-x }
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
echo "# provisioning" > services/README
git add -A && git commit -qm "queue definitions" && git push -q origin main
run "$work/coord" cat .agentq/queue.yaml

step "init (coordinator clone): the first event, published to origin with the notes refspecs"
run "$work/coord" git agentq init
run "$work/coord" git ls-remote origin

step "two agents clone origin; sync joins the queue"
git clone -q "$work/origin.git" "$work/agent-a"
git clone -q "$work/origin.git" "$work/agent-b"
run "$work/agent-a" git agentq sync
run "$work/agent-b" git agentq sync
run "$work/agent-a" git agentq ready

step "claim: both agents want A-P7-001 at once; origin decides, exactly one wins"
race() { rc=0; (cd "$work/agent-$1" && git agentq claim A-P7-001 --actor "agent-$1") >"$work/claim-$1.out" 2>&1 || rc=$?; echo "$rc" >"$work/claim-$1.rc"; }
race a & race b &
wait
for who in a b; do
  printf "${D}[agent-%s]\$ git agentq claim A-P7-001 --actor agent-%s${N}\n" "$who" "$who"
  cat "$work/claim-$who.out"
  echo "(exit $(cat "$work/claim-$who.rc"))"
done
winner=a; [ "$(cat "$work/claim-a.rc")" = 0 ] || winner=b
W="$work/agent-$winner"
echo "agent-$winner holds A-P7-001; origin's log:"
run "$work/origin.git" git log --oneline refs/agent-queue/log

step "agent-$winner implements on its lane branch; check runs the acceptance checks in a clean worktree"
cd "$W"
git switch -q -c agent/A-backend
mkdir -p doc/api && echo "retries: 3" > services/retry.txt && echo "GET /retries" > doc/api/retries.md
git add -A && git commit -qm "provisioning: bounded retries"
run "$W" git agentq check A-P7-001 --actor agent-$winner || echo "(exit $?: one check failed; every result is recorded)"

step "fix and check again; record evidence of a command run elsewhere; hand off (pushes the branch)"
echo "max_attempts: 3" >> services/retry.txt && git commit -qam "retries: name the bound"
run "$W" git agentq check A-P7-001 --actor agent-$winner
run "$W" git agentq evidence A-P7-001 --command "curl -fsS localhost:8080/healthz" --exit-code 0 --kind runtime --actor agent-$winner
run "$W" git agentq handoff A-P7-001 --actor agent-$winner --risks "none known" --next "expose retry metrics"

step "review (agent-d, in the coordinator clone): the API doc routes the change to D-arch; changes requested"
run "$work/coord" git fetch -q origin
run "$work/coord" git agentq review A-P7-001 --decision changes_requested --commit origin/agent/A-backend \
  --note "document the backoff" --actor agent-d
run "$W" git agentq sync
run "$W" git agentq show A-P7-001

step "agent-$winner fixes, checks and hands off again; D-arch approves that exact commit"
echo "backoff: exponential" >> doc/api/retries.md && git commit -qam "doc: backoff"
run "$W" git agentq check A-P7-001 --actor agent-$winner
run "$W" git agentq handoff A-P7-001 --actor agent-$winner
run "$work/coord" git fetch -q origin
run "$work/coord" git agentq review A-P7-001 --decision approved --commit origin/agent/A-backend --note "looks right" --actor agent-d

step "evidence, handoffs and reviews are git notes on the implementation commit"
run "$W" git agentq sync
run "$W" git log -1 --notes=agentq --format='%h %s%n%N' HEAD

step "the stage runner: manager and executor stages, then fail-closed gates read from the queue (policy, ci, review)"
run "$work/coord" git agentq run "$work/run-A-P7-001" --task A-P7-001 --actor alice \
  --manager-bin sh --manager-arg -c --manager-arg 'echo "{\"plan\": \"merge $AGENTQ_TASK\"}" > "$AGENTQ_OUT_DIR/plan.json"' \
  --manager-expected-artifact "$work/run-A-P7-001/plan.json" \
  --executor-bin git --executor-arg agentq --executor-arg merge-ready --executor-arg A-P7-001
run "$work/coord" cat "$work/run-A-P7-001/orchestrator_run_report.json"

step "hooks: the coordinator clone refuses base moves that are not merge-ready; origin gets pre-receive"
run "$work/coord" git agentq install-hooks
run "$work/origin.git" git agentq install-hooks
git -C "$work/coord" switch -q -c stray origin/main
echo "unreviewed" > "$work/coord/stray.txt" && git -C "$work/coord" add stray.txt && git -C "$work/coord" commit -qm "stray change"
run "$work/coord" git push origin stray:main || echo "(exit $?: refused, nothing reached origin)"
git -C "$work/coord" switch -q main && git -C "$work/coord" branch -q -D stray

step "merge-ready lists what a merge still needs; merge fast-forwards main, records done, pushes all three refs at once"
run "$work/coord" git agentq merge-ready A-P7-001
run "$work/coord" git agentq merge A-P7-001 --actor alice
run "$work/coord" git log --oneline -3 origin/main

step "done: every clone sees it after a sync; B-UX-001 is ready now"
run "$work/agent-a" git agentq sync
run "$work/agent-a" git agentq show A-P7-001
run "$work/agent-a" git agentq ready
run "$work/coord" git agentq status

step "validate and git-check: replay every event against the definitions, the notes and the branches"
run "$work/coord" git agentq validate
run "$work/coord" git agentq git-check

step "lanes: one worktree per role lane, each with its own actor (git config --worktree)"
run "$work/coord" git agentq lanes setup
run "$work/coord-B-ui-1" git agentq claim B-UX-001
run "$work/coord" git agentq lanes status

step "preflight in a lane: clean tree, lane branch, based on origin/main, hooks, signing key, role (every failing item at once)"
run "$work/coord-B-ui-1" git agentq preflight --role B-ui || echo "(exit $?)"

step "the coordinator's tick and board: what changed, and a dispatch recommendation per idle lane"
run "$work/coord" git agentq tick
run "$work/coord" git agentq lanes teardown B-ui-1 || echo "(exit $?)"
run "$work/coord" git agentq lanes launch --tool tmux

step "ci-check: what CI runs on origin, from a fresh shallow clone; fails closed"
git clone -q --depth 1 "file://$work/origin.git" "$work/ci"
run "$work/ci" git agentq ci-check
run "$work/ci" git agentq ci-check --format junit --output "$work/ci-check.xml"
echo "JUnit report: $work/ci-check.xml"

step "install: cmake --install into a throwaway prefix; git finds the subcommand and its manual there"
cmake --build build/dev --target agentq_manpage >/dev/null
cmake --install build/dev --prefix "$work/prefix" >/dev/null
find "$work/prefix" -type f | sed "s|$work/||" | sort
run "$work/coord" env PATH="$work/prefix/bin:/usr/bin:/bin" MANPATH="$work/prefix/share/man:" MANPAGER=cat \
  sh -c 'command -v git-agentq && git agentq --version && git help -m agentq | head -n 12'

printf '\nthe demo repositories are in %s (origin.git, coord, agent-a, agent-b, ci)\n' "$work"
