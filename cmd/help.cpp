// Help, the command list, shell completion and the manual's synopsis: all rendered from the
// command table, so they cannot drift from what the driver parses.
#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>

#include "cmd/command.h"
#include "core/lanes.h"
#include "core/strings.h"
#include "gitstore/git_repo_view.h"

namespace agentq::cli {
namespace {

constexpr size_t kWidth = 100;

std::string wrap(const std::string& text, size_t indent, size_t width = kWidth) {
  std::istringstream in(text);
  std::string out, line, word;
  while (in >> word) {
    if (!line.empty() && indent + line.size() + 1 + word.size() > width) {
      out += std::string(indent, ' ') + line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  if (!line.empty()) out += std::string(indent, ' ') + line + "\n";
  return out;
}

std::string option_label(const OptionSpec& o) {
  std::string label;
  if (o.name.size() == 1) label = "-" + o.name;
  else label = (o.short_name ? std::string("-") + o.short_name + ", " : "    ") + "--" + o.name;
  if (!o.placeholder.empty()) label += " " + o.placeholder;
  if (o.type == ValueType::texts || o.type == ValueType::integers) label += " ...";
  return label;
}

std::string option_block(const std::string& title, const std::vector<OptionSpec>& options) {
  if (options.empty()) return {};
  size_t width = 0;
  for (const OptionSpec& o : options) width = std::max(width, option_label(o).size());
  width = std::min<size_t>(width + 4, 38);
  std::string out = title + ":\n";
  for (const OptionSpec& o : options) {
    std::string label = "  " + option_label(o);
    std::string help = o.help;
    if (label.size() + 2 > width + 2) {
      out += label + "\n" + wrap(help, width + 2);
    } else {
      label.resize(width + 2, ' ');
      std::string wrapped = wrap(help, width + 2);
      out += label + (wrapped.size() > width + 2 ? wrapped.substr(width + 2) : "\n");
    }
  }
  return out;
}

std::string words_of(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& w : v) out += w + "\n";
  return out;
}

// troff for one synopsis: options and literal words bold, placeholders (UPPERCASE) italic;
// bold words separated by one space form one bold run, as the hand-written manual had them.
std::string troff_synopsis(const std::string& synopsis) {
  struct Run {
    char font;  // 'B', 'I', or 0 for plain text
    std::string text;
  };
  std::vector<Run> runs;
  auto escape = [](const std::string& w) {
    std::string e;
    for (char ch : w) e += ch == '-' ? std::string("\\-") : std::string(1, ch);
    return e;
  };
  auto push = [&](char font, const std::string& text) {
    if (!runs.empty() && runs.back().font == font) runs.back().text += text;
    else runs.push_back({font, text});
  };
  std::string word;
  char before = 0;  // the character before the word
  auto flush = [&]() {
    if (word.empty()) return;
    const bool upper = std::none_of(word.begin(), word.end(), [](char ch) { return ch >= 'a' && ch <= 'z'; }) &&
                       std::any_of(word.begin(), word.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; });
    if (before == '[' && word.size() > 1 && word[0] == '-' && word[1] >= 'A' && word[1] <= 'Z') {  // ROLE[-LANE]
      push(0, "\\-");
      push('I', escape(word.substr(1)));
    } else {
      push(upper ? 'I' : 'B', escape(word));
    }
    word.clear();
  };
  for (size_t i = 0; i < synopsis.size(); ++i) {
    const char ch = synopsis[i];
    if (std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '<' || ch == '>' || ch == '/') {
      if (word.empty()) before = i ? synopsis[i - 1] : 0;
      word += ch;
      continue;
    }
    flush();
    // A single space between two bold words stays inside the bold run.
    if (ch == ' ' && !runs.empty() && runs.back().font == 'B' && i + 1 < synopsis.size() &&
        (std::islower(static_cast<unsigned char>(synopsis[i + 1])) || synopsis[i + 1] == '-') &&
        !(i + 2 < synopsis.size() && synopsis[i + 1] == '-' && std::isupper(static_cast<unsigned char>(synopsis[i + 2])))) {
      runs.back().text += ' ';
      continue;
    }
    push(0, std::string(1, ch));
  }
  flush();
  std::string out;
  for (const Run& r : runs) out += r.font ? "\\f" + std::string(1, r.font) + r.text + "\\fR" : r.text;
  return out;
}

// Completion must not fail on a mistyped AGENTQ_* setting: it reads definitions only.
Result<std::shared_ptr<const Definitions>> head_definitions() {
  auto q = Queue::open(Env::standard());
  if (!q) return fail(q.error());
  auto head = q->repo().resolve_commit("HEAD");
  if (!head) return fail(head.error());
  auto d = load_definitions_at(q->repo(), *head);
  if (!d) return fail(d.error());
  return std::make_shared<const Definitions>(std::move(*d));
}

// Candidates for a value that names something (one per line); "@file", "@dir" and "@ref" ask
// the shell to complete paths or refs itself.
std::string candidates(Complete what, const std::vector<std::string>& choices) {
  switch (what) {
    case Complete::none: return {};
    case Complete::choices: return words_of(choices);
    case Complete::file: return "@file\n";
    case Complete::dir: return "@dir\n";
    case Complete::ref: return "@ref\n";
    case Complete::hook: return words_of({"pre-push", "pre-merge-commit", "reference-transaction", "pre-receive"});
    case Complete::task:
    case Complete::role:
    case Complete::actor:
    case Complete::lane: break;
  }
  // Names from the definitions at HEAD: fast (no log replay), good enough for completion.
  auto d = head_definitions();
  if (!d) return {};
  std::string out;
  if (what == Complete::task)
    for (const Task& t : (*d)->tasks) out += t.id + "\n";
  if (what == Complete::role)
    for (const Role& r : (*d)->roles) out += r.name + "\n";
  if (what == Complete::actor)
    for (const Actor& a : (*d)->actors) out += a.name + "\n";
  if (what == Complete::lane)
    for (const Lane& l : plan_lanes(**d, "")) out += l.name + "\n";
  return out;
}

// The command named by the first words of `w` (a group takes two); `used` says how many.
const Command* command_of(const std::vector<std::string>& w, size_t* used) {
  if (w.size() >= 2)
    if (const Command* c = find_command(w[0] + " " + w[1])) {
      *used = 2;
      return c;
    }
  *used = 1;
  return w.empty() ? nullptr : find_command(w[0]);
}

std::vector<OptionSpec> all_options(const Command& c) {
  std::vector<OptionSpec> o = c.options;
  for (const OptionSpec& i : implied_options(c)) o.push_back(i);
  for (const OptionSpec& g : global_options()) o.push_back(g);
  return o;
}

std::string man_synopsis() {
  std::string out = ".nf\n" + troff_synopsis("git agentq [-C DIR] [--actor NAME] [--json] [-q] COMMAND [ARGS]") + "\n.sp\n";
  for (const Command& c : commands())
    if (!c.hidden) out += troff_synopsis("git agentq " + c.synopsis) + "\n";
  return out + ".fi\n";
}

}  // namespace

std::string command_usage(const Command& c) {
  std::string out = "usage: git agentq " + c.synopsis + "\n\n" + wrap(c.description, 0) + "\n";
  std::vector<OptionSpec> own = c.options;
  for (const OptionSpec& o : implied_options(c)) own.push_back(o);
  if (!own.empty()) out += option_block("options", own) + "\n";
  return out + option_block("global options", global_options());
}

std::string group_synopsis(const std::string& group) {
  std::string out;
  for (const std::string& s : subcommands(group))
    if (const Command* c = find_command(group + " " + s)) out += (out.empty() ? "git agentq " : " | ") + c->synopsis;
  return out;
}

std::string group_usage(const std::string& group) {
  std::string out = "usage: git agentq " + group + " ACTION\n\nactions:\n";
  for (const std::string& s : subcommands(group))
    if (const Command* c = find_command(group + " " + s)) out += "  " + pad(s, 16) + c->summary + "\n";
  return out + "\n'git agentq " + group + " ACTION -h' shows an action's options.\n";
}

void list_commands(const Output& out) {
  std::string text = "usage: git agentq [-C DIR] [--actor NAME] [--json] [-q] COMMAND [ARGS]\n\n"
                     "A multi-agent work queue kept inside the repository.\n\ncommands:\n";
  std::set<std::string> groups;
  for (const Command& c : commands()) {
    if (c.hidden) continue;
    const size_t space = c.name.find(' ');
    if (space == std::string::npos) {
      text += "  " + pad(c.name, 14) + c.summary + "\n";
      continue;
    }
    const std::string group = c.name.substr(0, space);
    if (!groups.insert(group).second) continue;
    text += "  " + pad(group, 14) + group + " ACTION: " + join(subcommands(group)) + "\n";
  }
  text += "\n'git agentq help COMMAND' (or 'git agentq COMMAND -h') shows a command's options; 'git help agentq' "
          "opens the manual.\n";
  out.raw(text);
}

int complete_words(Invocation& in) {
  const std::vector<std::string> w = in.strs("words");
  if (w.empty()) return 2;
  const std::string what = w[0];
  const std::vector<std::string> rest(w.begin() + 1, w.end());
  std::string out;
  size_t used = 0;
  const Command* c = command_of(rest, &used);
  if (what == "commands") {
    std::set<std::string> seen;
    for (const Command& k : commands()) {
      const std::string word = k.name.substr(0, k.name.find(' '));
      if (!k.hidden && seen.insert(word).second) out += word + "\n";
    }
  } else if (what == "subcommands" && !rest.empty()) {
    out = words_of(subcommands(rest[0]));
  } else if (what == "options" && c) {
    std::set<std::string> names;
    for (const OptionSpec& o : all_options(*c))
      if (o.name.size() > 1) names.insert("--" + o.name);
    for (const std::string& n : names) out += n + "\n";
  } else if (what == "takes-value" && c) {
    for (const OptionSpec& o : all_options(*c)) {
      if (o.type == ValueType::flag) continue;
      out += (o.name.size() == 1 ? "-" : "--") + o.name + "\n";
      if (o.short_name) out += std::string("-") + o.short_name + "\n";
    }
  } else if (what == "values" && c && rest.size() > used) {
    const std::string word = rest[used];
    for (const OptionSpec& o : all_options(*c))
      if (word == "--" + o.name || word == "-" + o.name || (o.short_name && word == std::string("-") + o.short_name))
        out = candidates(o.complete, o.choices);
  } else if (what == "arg" && c && rest.size() > used) {
    size_t n = 0;
    try {
      n = std::stoul(rest[used]);
    } catch (const std::exception&) {
      return 2;
    }
    const ArgSpec* a = nullptr;
    for (size_t i = 0; i < c->args.size(); ++i)
      if (i == n || (c->args[i].rest && i <= n)) {
        a = &c->args[i];
        break;
      }
    if (a) out = candidates(a->complete, a->choices);
  } else if (what == "tasks" || what == "roles" || what == "actors" || what == "lanes") {
    out = candidates(what == "tasks" ? Complete::task : what == "roles" ? Complete::role
                     : what == "actors" ? Complete::actor : Complete::lane, {});
  } else if (what == "man-synopsis") {
    out = man_synopsis();
  } else {
    return 2;
  }
  in.out.raw(out);
  return 0;
}

}  // namespace agentq::cli
