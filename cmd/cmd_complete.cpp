// git agentq complete WHAT: words for shell completion (hidden from the command list). Reads the
// definitions from the work tree's HEAD so it stays fast: no log replay.
#include <iostream>
#include <set>
#include <sstream>

#include "cmd/args.h"
#include "cmd/common.h"
#include "core/lanes.h"
#include "gitstore/git_repo_view.h"

namespace agentq::cli {

int cmd_complete(Context& ctx, const std::vector<std::string>& argv) {
  if (argv.empty()) return 2;
  const std::string what = argv[0];
  std::ostringstream out;
  if (what == "commands") {
    for (const Command& c : commands())
      if (std::string(c.name) != "complete") out << c.name << "\n";
  } else if (what == "options" && argv.size() > 1) {
    for (const Command& c : commands()) {
      if (argv[1] != c.name || std::string(c.name) == "complete") continue;
      // Each command knows its options only inside its own parser: ask it for its usage.
      Context quiet;
      std::ostringstream help;
      std::streambuf* old = std::cout.rdbuf(help.rdbuf());
      c.run(quiet, {"-h"});
      std::cout.rdbuf(old);
      std::set<std::string> opts;
      std::istringstream in(help.str());
      for (std::string word; in >> word;) {
        while (!word.empty() && (word.back() == ',' || word.back() == ')' || word.back() == ':')) word.pop_back();
        if (word.rfind("--", 0) == 0 && word.size() > 2 && word.find('=') == std::string::npos) opts.insert(word);
      }
      for (const auto& o : opts) out << o << "\n";
    }
  } else {
    auto q = Queue::open();
    if (!q) return 1;
    auto head = q->repo().resolve_commit("HEAD");
    if (!head) return 1;
    auto d = load_definitions_at(q->repo(), *head);
    if (!d) return 1;
    if (what == "tasks")
      for (const Task& t : d->tasks) out << t.id << "\n";
    if (what == "roles")
      for (const Role& r : d->roles) out << r.name << "\n";
    if (what == "actors")
      for (const Actor& a : d->actors) out << a.name << "\n";
    if (what == "lanes")
      for (const Lane& l : plan_lanes(*d, "")) out << l.name << "\n";
  }
  ctx.out.raw(out.str());
  return 0;
}

}  // namespace agentq::cli
