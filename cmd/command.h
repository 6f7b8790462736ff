// The command table (ninja's Tool table, made declarative): every command states its
// arguments, its options and what it needs opened before it runs. The driver parses, checks,
// opens and loads once from that declaration, and `-h`, `help CMD`, shell completion and the
// manual's synopsis are generated from it, so no interface is written down twice.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cmd/context.h"
#include "gitstore/queue.h"

namespace agentq::cli {

// What an option's value is: how it is parsed, shown in help and completed.
enum class ValueType {
  flag,      // no value
  text,      // one string
  integer,   // one integer
  texts,     // repeatable string (each occurrence kept whole: commas are not split)
  integers,  // repeatable integer
};

// What a value names, for shell completion.
enum class Complete { none, task, role, actor, lane, file, dir, ref, hook, choices };

struct OptionSpec {
  std::string name;         // the long name, without dashes
  std::string placeholder;  // "N", "TEXT"; empty for flags
  std::string help;
  ValueType type = ValueType::flag;
  Complete complete = Complete::none;
  std::vector<std::string> choices;  // when set, the only values accepted
  char short_name = 0;
};

struct ArgSpec {  // a positional argument
  std::string name;  // as help and schemas name it ("task")
  Complete complete = Complete::none;
  std::vector<std::string> choices;  // accepted values (checked when given)
  bool rest = false;                 // takes every remaining word
};

// What the driver opens before the command runs.
enum class Needs {
  nothing,  // no repository (completion)
  repo,     // the repository; the command loads the queue its own way
  queue,    // the queue loaded (a `defs` option selects the definitions)
  fetched,  // loaded, then a best-effort fetch from policy.remote (a warning when it fails)
  writer,   // loaded for writing (honours --offline, fetches first) with the acting actor
};

class Invocation;
using RunFn = int (*)(Invocation&);
// Checks of the arguments alone, before anything is opened (usage errors come first).
using CheckFn = Status (*)(const Invocation&);

struct Command {
  std::string name;  // "claim"; a subcommand is "lanes setup"
  std::string summary;
  std::string synopsis;  // after "git agentq "
  std::string description;
  std::vector<ArgSpec> args;
  std::vector<OptionSpec> options;
  Needs needs = Needs::queue;
  bool offline = false;   // takes --offline (every command that writes events)
  bool event_id = false;  // takes --event-id (commands that write one event)
  bool keep_log = false;  // keeps the decoded log entries (validate, log, stats)
  bool hidden = false;    // not listed (completion)
  // Reads the AGENTQ_* settings before it runs (a malformed one is USAGE). Completion does not:
  // a mistyped setting must not turn every tab press into an error.
  bool settings = true;
  bool mcp = false;       // an agent's tool: `git agentq mcp` serves it (cmd/cmd_mcp.cpp)
  RunFn run = nullptr;
  CheckFn check = nullptr;
};

// Every command, in the order `git agentq` lists them.
const std::vector<Command>& commands();
// The options every command accepts, before or after its name.
const std::vector<OptionSpec>& global_options();
// Options the driver adds to a command (--offline, --event-id).
std::vector<OptionSpec> implied_options(const Command& c);
// The command named `words` (one word, or a group and its subcommand); null when unknown.
const Command* find_command(const std::string& name);
// Names of a group's subcommands ("lanes" -> setup, status, …); empty when not a group.
std::vector<std::string> subcommands(const std::string& group);

// One run of one command: the parsed values and what the driver opened.
class Invocation {
 public:
  Invocation(Context& context, const Command& command) : ctx(context), out(context.out), cmd(command) {}

  Context& ctx;
  Output& out;
  const Command& cmd;

  bool has(const std::string& name) const { return values_.count(name) > 0; }
  std::string str(const std::string& name, const std::string& fallback = {}) const;
  std::optional<long> num(const std::string& name) const;
  std::vector<std::string> strs(const std::string& name) const;
  std::vector<long> nums(const std::string& name) const;

  // What the driver opened (per cmd.needs). queue() is valid for every need but `nothing`.
  Queue& queue() { return *queue_; }
  bool opened() const { return queue_.has_value(); }
  const std::string& actor() const { return actor_; }
  const std::string& event_id() const { return event_id_; }

  // For commands whose needs depend on their options (prune-stale without --dry-run, run
  // --task): turns the loaded queue into a writer the way Needs::writer does. Without
  // `with_actor` no acting actor is resolved (import writes events that name their own).
  Status become_writer(bool with_actor = true);

  int fail(const Error& e) const { return out.error(e); }

  // For the driver.
  std::map<std::string, std::vector<std::string>> values_;
  std::optional<Queue> queue_;
  std::string actor_, event_id_;
};

// Runs `git agentq ARGS…`; returns the exit code.
int run_main(int argc, char** argv);
// Runs the words after `git agentq` with `ctx`'s output (which may be capturing): what
// run_main does, for a caller that runs commands in-process (the MCP server).
int run_args(Context& ctx, const std::vector<std::string>& args);

// Help and completion (cmd/help.cpp).
std::string command_usage(const Command& c);
// A group's usage (its subcommands and their summaries), and its one-line synopsis.
std::string group_usage(const std::string& group);
std::string group_synopsis(const std::string& group);
void list_commands(const Output& out);
// Shell-completion words: commands, subcommands GROUP, options CMD…, takes-value CMD…,
// values CMD… OPTION, arg CMD… N, man-synopsis.
int complete_words(Invocation& in);

}  // namespace agentq::cli
