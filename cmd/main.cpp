// git-agentq: parse the global options that come before the command, then dispatch.
#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "cmd/args.h"
#include "cmd/context.h"

using namespace agentq;
using namespace agentq::cli;

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

void list_commands() {
  std::cout << "usage: git agentq [-C DIR] [--actor NAME] [--json] [-q] COMMAND [ARGS]\n\n"
               "A multi-agent work queue kept inside the repository.\n\ncommands:\n";
  for (const Command& c : commands())
    if (*c.summary) std::cout << "  " << pad(c.name, 12) << c.summary << "\n";
  std::cout << "\n'git agentq COMMAND -h' shows a command's options; 'git help agentq' opens the manual.\n";
}

}  // namespace

int main(int argc, char** argv) {
  Context ctx;
  std::vector<std::string> args(argv + 1, argv + argc);
  // Global options before the command, as git takes them.
  size_t i = 0;
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](const std::string& name) -> std::optional<std::string> {
      if (a == name) {
        if (i + 1 >= args.size()) return std::nullopt;
        return args[++i];
      }
      return a.substr(name.size() + 1);
    };
    if (a == "-C" || a == "--actor" || a.rfind("--actor=", 0) == 0) {
      auto v = value(a.rfind("--actor", 0) == 0 ? "--actor" : "-C");
      if (!v) return ctx.out.error(Error::usage(a + " needs a value"));
      if (a == "-C") {
        if (auto st = change_dir(*v); !st) return ctx.out.error(st.error());
      } else {
        ctx.actor = *v;
      }
    } else if (a == "--json") {
      ctx.out.json_mode = true;
    } else if (a == "-q" || a == "--quiet") {
      ctx.out.quiet = true;
    } else if (a == "-h" || a == "--help" || a == "help") {
      list_commands();
      return 0;
    } else if (a == "--version") {
      std::cout << "git-agentq version " << AGENTQ_VERSION << "\n";
      return 0;
    } else {
      break;
    }
  }
  if (i == args.size()) {
    list_commands();
    return 0;
  }
  const std::string name = args[i];
  std::vector<std::string> rest(args.begin() + static_cast<long>(i) + 1, args.end());
  for (const Command& c : commands())
    if (name == c.name) return c.run(ctx, rest);

  Error err = Error::usage("'" + name + "' is not a git agentq command");
  std::string best;
  size_t best_d = 3;
  for (const Command& c : commands()) {
    size_t d = edit_distance(name, c.name);
    if (d < best_d || std::string(c.name).rfind(name, 0) == 0) {
      best_d = std::min(d, best_d);
      best = c.name;
    }
  }
  if (!best.empty()) err.fix = "did you mean '" + best + "'?";
  else err.fix = "run 'git agentq' for the list of commands";
  return ctx.out.error(err);
}
