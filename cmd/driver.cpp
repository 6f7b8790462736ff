// The driver: global options (the one place they are parsed, before or after the command
// name), dispatch through the command table, argument parsing from the command's declaration,
// then opening what the command needs, in the order errors are reported: usage, the queue, the
// actor. Exceptions never leave it: a library that throws on bad input becomes an error with
// a reason code and an exit status, never `terminate`.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <iostream>

#include <cxxopts.hpp>

#include "cmd/command.h"
#include "gitstore/init.h"
#include "core/definitions.h"
#include "core/utf8.h"
#include "gitstore/git_config.h"

namespace agentq::cli {
namespace {

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t prev = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cur = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] == b[j - 1] ? 0 : 1)});
      prev = cur;
    }
  }
  return row[b.size()];
}

Error unknown_command(const std::string& name) {
  Error err = Error::usage("'" + name + "' is not a git agentq command");
  std::string best;
  size_t best_d = 3;
  for (const Command& c : commands()) {
    if (c.hidden) continue;
    const std::string word = c.name.substr(0, c.name.find(' '));
    size_t d = edit_distance(name, word);
    if (d < best_d || word.rfind(name, 0) == 0) {
      best_d = std::min(d, best_d);
      best = word;
    }
  }
  err.fix = best.empty() ? "run 'git agentq' for the list of commands" : "did you mean '" + best + "'?";
  return err;
}

Status change_dir(const std::string& dir) {
  if (dir.empty()) return {};
  if (chdir(dir.c_str()) != 0)
    return fail(Error(Code::NOT_A_REPO, "cannot change to '" + dir + "': " + std::strerror(errno)));
  return {};
}

enum class Global { no, taken, help, version };

// Applies the global option at args[i] (advancing past its value); `no` when it is not one.
Result<Global> take_global(Context& ctx, const std::vector<std::string>& args, size_t& i) {
  const std::string& a = args[i];
  auto value = [&](const std::string& name) -> Result<std::string> {
    if (a.size() > name.size() && a[name.size()] == '=') return a.substr(name.size() + 1);
    if (i + 1 >= args.size()) return fail(Error::usage(name + " needs a value"));
    return args[++i];
  };
  if (a == "--json") {
    ctx.out.json_mode = true;
    return Global::taken;
  }
  if (a == "-q" || a == "--quiet") {
    ctx.out.quiet = true;
    return Global::taken;
  }
  if (a == "-h" || a == "--help") return Global::help;
  if (a == "--actor" || a.rfind("--actor=", 0) == 0) {
    auto v = value("--actor");
    if (!v) return fail(v.error());
    ctx.actor = *v;
    return Global::taken;
  }
  if (a == "-C") {
    auto v = value("-C");
    if (!v) return fail(v.error());
    AGENTQ_TRY(change_dir(*v));
    return Global::taken;
  }
  return Global::no;
}

const OptionSpec* option_named(const std::vector<OptionSpec>& specs, const std::string& word) {
  for (const OptionSpec& o : specs) {
    if (word == "--" + o.name || word.rfind("--" + o.name + "=", 0) == 0) return &o;
    if (o.short_name && word.size() >= 2 && word[0] == '-' && word[1] == o.short_name) return &o;
  }
  return nullptr;
}

// True when `word` is an option of the command that takes its value from the next word.
bool value_follows(const std::vector<OptionSpec>& specs, const std::string& word) {
  if (word.size() < 2 || word[0] != '-') return false;
  const OptionSpec* o = option_named(specs, word);
  if (!o || o->type == ValueType::flag) return false;
  if (word[1] == '-') return word.find('=') == std::string::npos;
  return word.size() == 2;  // "-n 5", not "-n5"
}

std::string one_of(const std::vector<std::string>& choices) {
  std::string out;
  for (size_t i = 0; i < choices.size(); ++i)
    out += (i == 0 ? "" : i + 1 == choices.size() ? " or " : ", ") + choices[i];
  return out;
}

Status check_choices(const Invocation& in, const std::string& shown, const std::string& key,
                     const std::vector<std::string>& choices) {
  if (choices.empty()) return {};
  for (const std::string& v : in.strs(key))
    if (std::find(choices.begin(), choices.end(), v) == choices.end())
      return fail(Error::usage(shown + " must be " + one_of(choices) + ", not '" + v + "'")
                      .hint("usage: git agentq " + in.cmd.synopsis));
  return {};
}

// Every value a person types may end up in an event, a ref name or a terminal: nothing that is
// not UTF-8 or carries control characters gets past parsing (tab and newline are text).
Status check_text(const Invocation& in, const std::string& shown, const std::string& key) {
  for (const std::string& v : in.strs(key))
    if (std::string why = text_problem(v); !why.empty())
      return fail(Error::usage(shown + " has " + why)
                      .hint("give " + shown + " as plain UTF-8 text without control characters (nothing was written)"));
  return {};
}

void add_option(cxxopts::Options& o, const OptionSpec& s) {
  const std::string names = s.short_name ? std::string(1, s.short_name) + "," + s.name : s.name;
  auto adder = o.add_options();
  switch (s.type) {
    case ValueType::flag: adder(names, s.help); break;
    case ValueType::text: adder(names, s.help, cxxopts::value<std::string>(), s.placeholder); break;
    case ValueType::integer: adder(names, s.help, cxxopts::value<long>(), s.placeholder); break;
    case ValueType::texts: adder(names, s.help, cxxopts::value<std::vector<std::string>>(), s.placeholder); break;
    case ValueType::integers: adder(names, s.help, cxxopts::value<std::vector<long>>(), s.placeholder); break;
  }
}

std::vector<std::string> values_of(const cxxopts::ParseResult& r, const std::string& name, ValueType type) {
  switch (type) {
    case ValueType::flag: return {"true"};
    case ValueType::text: return {r[name].as<std::string>()};
    case ValueType::integer: return {std::to_string(r[name].as<long>())};
    case ValueType::texts: return r[name].as<std::vector<std::string>>();
    case ValueType::integers: {
      std::vector<std::string> out;
      for (long v : r[name].as<std::vector<long>>()) out.push_back(std::to_string(v));
      return out;
    }
  }
  return {};
}

// Parses the command's own words (globals already taken out) into `in.values_`.
Status parse_words(Invocation& in, const std::vector<std::string>& words) {
  const Command& c = in.cmd;
  cxxopts::Options o("git agentq " + c.name);
  const std::vector<OptionSpec> implied = implied_options(c);
  for (const OptionSpec& s : c.options) add_option(o, s);
  for (const OptionSpec& s : implied) add_option(o, s);
  std::vector<std::string> positional;
  for (const ArgSpec& a : c.args) {
    if (a.rest) o.add_options()(a.name, "", cxxopts::value<std::vector<std::string>>());
    else o.add_options()(a.name, "", cxxopts::value<std::string>());
    positional.push_back(a.name);
  }
  o.parse_positional(positional);
  std::vector<std::string> storage = {"git-agentq"};
  storage.insert(storage.end(), words.begin(), words.end());
  std::vector<char*> argv;
  for (auto& s : storage) argv.push_back(s.data());
  try {
    auto r = o.parse(static_cast<int>(argv.size()), argv.data());
    if (!r.unmatched().empty())
      return fail(Error::usage("unexpected argument '" + r.unmatched().front() + "'").hint("usage: git agentq " + c.synopsis));
    auto keep = [&](const std::string& name, ValueType type) {
      if (r.count(name)) in.values_[name] = values_of(r, name, type);
    };
    for (const OptionSpec& s : c.options) keep(s.name, s.type);
    for (const OptionSpec& s : implied) keep(s.name, s.type);
    for (const ArgSpec& a : c.args) keep(a.name, a.rest ? ValueType::texts : ValueType::text);
  } catch (const cxxopts::exceptions::exception& e) {
    std::string msg = e.what();
    if (!msg.empty()) msg[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(msg[0])));
    return fail(Error::usage(msg).hint("usage: git agentq " + c.synopsis));
  }
  return {};
}

// Opens what the command declared it needs.
Status open_needs(Invocation& in) {
  const Command& c = in.cmd;
  if (c.needs == Needs::nothing) return {};
  if (c.event_id) {
    const std::string id = in.str("event-id");
    if (!id.empty() && !valid_name(id)) return fail(Error::usage("--event-id must be 1-100 characters of [A-Za-z0-9._-]"));
    in.event_id_ = id;
  }
  auto q = Queue::open(in.ctx.env());
  if (!q) return fail(q.error());
  in.queue_.emplace(std::move(*q));
  if (c.needs == Needs::repo) return {};
  // A fresh clone of a replicated queue joins it first, whatever the command (not offline).
  if (!in.ctx.offline && !in.queue_->log_tip()) {
    auto joined = join_fresh_clone(*in.queue_);
    if (!joined) return fail(joined.error());
    if (*joined) in.out.note("joined the queue of " + in.queue_->remote() + " (" + std::to_string(*joined) + " events)");
  }
  LoadOptions load;
  load.keep_log = c.keep_log;
  load.defs_rev = in.str("defs");
  AGENTQ_TRY(in.queue_->load(load));
  // What loading noticed (a cache moved aside, a rewritten log) is told whatever the command.
  for (const std::string& w : in.queue_->warnings()) in.out.warn(w);
  if (c.needs == Needs::fetched && !in.queue_->remote().empty()) {
    if (auto st = in.queue_->catch_up(); !st)
      in.out.warn("cannot fetch " + in.queue_->remote() + " (judging what was fetched last): " + st.error().message);
  }
  if (c.needs == Needs::writer) return in.become_writer();
  return {};
}

int run_command(Context& ctx, const Command& c, const std::vector<std::string>& args, size_t i) {
  std::vector<std::string> words;
  bool help = false;
  const std::vector<OptionSpec> implied = implied_options(c);
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      words.insert(words.end(), args.begin() + static_cast<long>(i), args.end());
      break;
    }
    auto g = take_global(ctx, args, i);
    if (!g) return ctx.out.error(g.error());
    if (*g == Global::help) help = true;
    if (*g != Global::no) continue;
    words.push_back(a);
    if ((value_follows(c.options, a) || value_follows(implied, a)) && i + 1 < args.size()) words.push_back(args[++i]);
  }
  if (help) {
    ctx.out.raw(command_usage(c));
    return 0;
  }
  Invocation in(ctx, c);
  if (auto st = parse_words(in, words); !st) return ctx.out.error(st.error());
  if (in.has("offline")) ctx.offline = true;
  for (const OptionSpec& o : c.options)
    if (o.type == ValueType::text || o.type == ValueType::texts)
      if (auto st = check_text(in, "--" + o.name, o.name); !st) return ctx.out.error(st.error());
  for (const ArgSpec& a : c.args)
    if (auto st = check_text(in, a.name, a.name); !st) return ctx.out.error(st.error());
  if (c.check)
    if (auto st = c.check(in); !st) return ctx.out.error(st.error());
  for (const OptionSpec& o : c.options)
    if (auto st = check_choices(in, "--" + o.name, o.name, o.choices); !st) return ctx.out.error(st.error());
  for (const ArgSpec& a : c.args)
    if (auto st = check_choices(in, a.name, a.name, a.choices); !st) return ctx.out.error(st.error());
  if (c.settings) {
    auto env = Env::from_environment();
    if (!env) return ctx.out.error(env.error());
    ctx.environment = std::move(*env);
  }
  if (auto st = open_needs(in); !st) return ctx.out.error(st.error());
  return c.run(in);
}

int dispatch(Context& ctx, const std::vector<std::string>& args) {
  size_t i = 0;
  for (; i < args.size(); ++i) {
    if (args[i] == "--version") {
      ctx.out.raw(std::string("git-agentq version ") + AGENTQ_VERSION + "\n");
      return 0;
    }
    auto g = take_global(ctx, args, i);
    if (!g) return ctx.out.error(g.error());
    if (*g == Global::help) {
      list_commands(ctx.out);
      return 0;
    }
    if (*g == Global::no) break;
  }
  if (i == args.size()) {
    // No command is a usage error, as for git itself: the list, and exit 1 (-h and help: 0).
    list_commands(ctx.out);
    return 1;
  }
  std::string name = args[i++];
  // An unknown command or action is refused before its own options are parsed: --json anywhere
  // still means the refusal is JSON on stdout.
  if (std::find(args.begin() + static_cast<long>(i), args.end(), "--json") != args.end() &&
      (!find_command(name) || !subcommands(name).empty()))
    ctx.out.json_mode = true;
  if (name == "help") {
    // `help [CMD [SUB]]`: a command's help from the table, or the list.
    std::string words;
    for (; i < args.size(); ++i) words += (words.empty() ? "" : " ") + args[i];
    if (words.empty()) {
      list_commands(ctx.out);
      return 0;
    }
    if (!subcommands(words).empty()) {
      ctx.out.raw(group_usage(words));
      return 0;
    }
    const Command* c = find_command(words);
    if (!c) return ctx.out.error(unknown_command(words));
    ctx.out.raw(command_usage(*c));
    return 0;
  }
  if (!subcommands(name).empty()) {
    // A group: global options may come before the subcommand.
    bool help = false;
    for (; i < args.size(); ++i) {
      auto g = take_global(ctx, args, i);
      if (!g) return ctx.out.error(g.error());
      if (*g == Global::help) help = true;
      else if (*g == Global::no) break;
    }
    if (i == args.size()) {
      if (help) {
        ctx.out.raw(group_usage(name));
        return 0;
      }
      return ctx.out.error(Error::usage("which " + name + " action?").hint(group_synopsis(name)));
    }
    const Command* c = find_command(name + " " + args[i]);
    if (!c)
      return ctx.out.error(Error::usage("unknown " + name + " action '" + args[i] + "'").hint(group_synopsis(name)));
    if (help) {
      ctx.out.raw(command_usage(*c));
      return 0;
    }
    return run_command(ctx, *c, args, i + 1);
  }
  const Command* c = find_command(name);
  if (!c) return ctx.out.error(unknown_command(name));
  return run_command(ctx, *c, args, i);
}

}  // namespace

std::string Invocation::str(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() || it->second.empty() ? fallback : it->second.back();
}

std::optional<long> Invocation::num(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return std::stol(it->second.back());  // cxxopts checked it is an integer
}

std::vector<std::string> Invocation::strs(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

std::vector<long> Invocation::nums(const std::string& name) const {
  std::vector<long> values;
  for (const std::string& v : strs(name)) values.push_back(std::stol(v));
  return values;
}

Status Invocation::become_writer(bool with_actor) {
  if (!queue_) {
    auto q = Queue::open(ctx.env());
    if (!q) return ::agentq::fail(q.error());
    queue_.emplace(std::move(*q));
    AGENTQ_TRY(queue_->load());
    for (const std::string& w : queue_->warnings()) out.warn(w);
  }
  queue_->set_offline(ctx.offline);
  AGENTQ_TRY(queue_->catch_up());
  if (!with_actor) return {};
  auto actor = resolve_actor(queue_->repo(), ctx.actor);
  if (!actor) return ::agentq::fail(actor.error());
  if (actor->empty())
    return ::agentq::fail(Error::usage("no actor: this command writes an event and needs to know who acts")
                    .hint("pass --actor NAME, set AGENTQ_ACTOR, or run 'git config agentq.actor NAME'"));
  if (!queue_->defs().actor(*actor)) return ::agentq::fail(Error::unknown_actor(*actor));
  actor_ = *actor;
  return {};
}

int run_main(int argc, char** argv) {
  Context ctx;
  const int code = run_args(ctx, std::vector<std::string>(argv + 1, argv + argc));
  std::cout.flush();
  return code;
}

int run_args(Context& ctx, const std::vector<std::string>& args) {
  int code;
  try {
    code = dispatch(ctx, args);
  } catch (const std::exception& e) {
    code = ctx.out.error(Error(Code::INTERNAL_ERROR, std::string("internal error: ") + e.what(), {},
                               "please report it, with the command that failed"));
  } catch (...) {
    code = ctx.out.error(Error(Code::INTERNAL_ERROR, "internal error: an unknown exception", {},
                               "please report it, with the command that failed"));
  }
  return code;
}

}  // namespace agentq::cli
