# bash completion for git agentq. Installed as share/bash-completion/completions/git-agentq:
# git's completion loads it for `git agentq …` and calls _git_agentq; `git-agentq …` works too.
# Every word comes from `git agentq complete …`, which reads the command table (and the
# definitions at HEAD for task, role, actor and lane names): nothing here lists options.

__git_agentq_words() {
  git agentq complete -- "$@" 2>/dev/null
}

# Completes from candidate lines; "@file", "@dir" and "@ref" ask for paths or refs.
__git_agentq_reply() {
  local words=$1
  case "$words" in
    @file) COMPREPLY=($(compgen -f -- "$cur")) ;;
    @dir) COMPREPLY=($(compgen -d -- "$cur")) ;;
    @ref)
      if declare -F __git_complete_refs >/dev/null; then __git_complete_refs; return; fi
      COMPREPLY=($(compgen -W "$(git for-each-ref --format='%(refname:short)' refs/heads refs/tags 2>/dev/null)" -- "$cur")) ;;
    *) COMPREPLY=($(compgen -W "$words" -- "$cur")) ;;
  esac
}

_git_agentq() {
  local cur prev words cword
  if declare -F _get_comp_words_by_ref >/dev/null; then
    _get_comp_words_by_ref -n =: cur prev words cword
  else
    cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}" words=("${COMP_WORDS[@]}") cword=$COMP_CWORD
  fi
  # The command: the first non-option word after "agentq" (or git-agentq), and for a group
  # (lanes, notes) its action too; then count the positional words after it.
  local i start=1 cmd=() npos=0 takes="" group=""
  for ((i = 0; i < cword; i++)); do
    [[ ${words[i]} == agentq || ${words[i]} == git-agentq ]] && { start=$((i + 1)); break; }
  done
  for ((i = start; i < cword; i++)); do
    local w=${words[i]}
    if [[ ${#cmd[@]} -gt 0 && -z $takes ]]; then takes=" $(__git_agentq_words takes-value "${cmd[@]}" | tr '\n' ' ') "; fi
    if [[ $w == -* ]]; then
      if [[ ${#cmd[@]} -eq 0 ]]; then
        [[ $w == -C || $w == --actor ]] && ((i++))
      elif [[ $takes == *" $w "* ]]; then
        ((i++))
      fi
    elif [[ ${#cmd[@]} -eq 0 ]]; then
      cmd=("$w")
      group=$(__git_agentq_words subcommands "$w")
    elif [[ -n $group && ${#cmd[@]} -eq 1 ]]; then
      cmd+=("$w")
      takes=""
    else
      ((npos++))
    fi
  done
  if [[ ${#cmd[@]} -eq 0 ]]; then
    case "$prev" in
      -C) COMPREPLY=($(compgen -d -- "$cur")); return ;;
      --actor) __git_agentq_reply "$(__git_agentq_words values status --actor)"; return ;;
    esac
    if [[ $cur == -* ]]; then
      COMPREPLY=($(compgen -W "-C --actor --json -q --help --version" -- "$cur"))
    else
      COMPREPLY=($(compgen -W "$(__git_agentq_words commands)" -- "$cur"))
    fi
    return
  fi
  if [[ -n $group && ${#cmd[@]} -eq 1 ]]; then
    COMPREPLY=($(compgen -W "$group" -- "$cur"))
    return
  fi
  [[ -z $takes ]] && takes=" $(__git_agentq_words takes-value "${cmd[@]}" | tr '\n' ' ') "
  if [[ $prev == -* && $takes == *" $prev "* ]]; then
    __git_agentq_reply "$(__git_agentq_words values "${cmd[@]}" "$prev")"
  elif [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$(__git_agentq_words options "${cmd[@]}")" -- "$cur"))
  else
    __git_agentq_reply "$(__git_agentq_words arg "${cmd[@]}" "$npos")"
  fi
}

complete -o bashdefault -o default -F _git_agentq git-agentq 2>/dev/null
