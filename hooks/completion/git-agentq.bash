# bash completion for git agentq. Installed as share/bash-completion/completions/git-agentq:
# git's completion loads it for `git agentq …` and calls _git_agentq; `git-agentq …` works too.

__git_agentq_words() {
  git agentq complete "$@" 2>/dev/null
}

_git_agentq() {
  local cur prev words cword
  if declare -F _get_comp_words_by_ref >/dev/null; then
    _get_comp_words_by_ref -n =: cur prev words cword
  else
    cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}" words=("${COMP_WORDS[@]}") cword=$COMP_CWORD
  fi
  # The subcommand: the first non-option word after "agentq" (or after git-agentq).
  local i start=1 cmd="" npos=0
  for ((i = 0; i < cword; i++)); do
    [[ ${words[i]} == agentq || ${words[i]} == git-agentq ]] && { start=$((i + 1)); break; }
  done
  for ((i = start; i < cword; i++)); do
    case "${words[i]}" in
      -C | --actor | --role | --lane | --branch | --commit | --reason | --blocked-by | --command | --result | \
        --exit-code | --kind | --log | --risks | --next | --root-cause | --owning-file | --proof-command | \
        --decision | --note | --exception-note | --timeout | --format | --output | --remote | --defs | \
        --event-id | --last-green | --rollback | --tool | --assign | -n | --task | --policy-status | --ci-status | --review-status | \
        --manager-bin | --manager-arg | --manager-env | --manager-expected-artifact | --executor-bin | \
        --executor-arg | --executor-env | --executor-expected-artifact | --timeout-ms | --transient-exit-code | \
        --max-attempts | --backoff-ms | --backoff-cap-ms | --pause-after) ((i++)) ;;
      -*) ;;
      *) if [[ -z $cmd ]]; then cmd=${words[i]}; else ((npos++)); fi ;;
    esac
  done
  local candidates=""
  case "$prev" in
    --role) candidates=$(__git_agentq_words roles) ;;
    --actor) candidates=$(__git_agentq_words actors) ;;
    --blocked-by | --task) candidates=$(__git_agentq_words tasks) ;;
    --policy-status) candidates="allow deny unknown" ;;
    --ci-status) candidates="success failure pending missing" ;;
    --review-status) candidates="approved changes_requested missing" ;;
    --manager-bin | --executor-bin | --manager-expected-artifact | --executor-expected-artifact)
      COMPREPLY=($(compgen -f -- "$cur"))
      return ;;
    --decision) candidates="approved changes_requested" ;;
    --result) candidates="pass fail" ;;
    --kind) candidates="code_anchor runtime other" ;;
    --format) candidates="text json junit" ;;
    --tool) candidates="tmux zellij" ;;
    -C | --log | --output | --last-green | --owning-file)
      COMPREPLY=($(compgen -f -- "$cur"))
      return ;;
    --commit | --defs)
      if declare -F __git_complete_refs >/dev/null; then __git_complete_refs; return; fi
      candidates=$(git for-each-ref --format='%(refname:short)' refs/heads refs/tags 2>/dev/null) ;;
    *)
      if [[ -z $cmd ]]; then
        candidates=$(__git_agentq_words commands)
        [[ $cur == -* ]] && candidates="-C --actor --json -q --help --version"
      elif [[ $cur == -* && $cmd == lanes ]]; then
        candidates="--force --exec --tool --output --assign --json"
      elif [[ $cur == -* ]]; then
        candidates=$(__git_agentq_words options "$cmd")
      else
        case "$cmd" in
          show | log | claim | unclaim | evidence | check | handoff | review | merge-ready | merge | override)
            ((npos == 0)) && candidates=$(__git_agentq_words tasks) ;;
          set-status)
            if ((npos == 0)); then candidates=$(__git_agentq_words tasks); else candidates="in_progress blocked done"; fi ;;
          notes) candidates="rebuild" ;;
          hook) ((npos == 0)) && candidates="pre-push pre-merge-commit reference-transaction pre-receive" ;;
          promote)
            if ((npos == 0)); then
              if declare -F __git_complete_refs >/dev/null; then __git_complete_refs; return; fi
              candidates=$(git for-each-ref --format='%(refname:short)' refs/heads refs/tags 2>/dev/null)
            fi ;;
          lanes)
            if ((npos == 0)); then candidates="setup status teardown review-refresh launch"
            elif ((npos == 1)); then candidates=$(__git_agentq_words lanes); fi ;;
          run) ((npos == 0)) && { COMPREPLY=($(compgen -d -- "$cur")); return; } ;;
          import) ((npos == 0)) && { COMPREPLY=($(compgen -f -- "$cur")); return; } ;;
        esac
      fi ;;
  esac
  COMPREPLY=($(compgen -W "$candidates" -- "$cur"))
}

complete -o bashdefault -o default -F _git_agentq git-agentq 2>/dev/null
