#include "core/graph.h"

#include <cctype>
#include <map>
#include <set>

#include "core/rules.h"

namespace agentq {
namespace {

// A status, with todo split into ready (could be claimed now) and waiting.
std::string shade(const Definitions& d, const QueueState& s, const Task& t) {
  const TaskState& ts = s.task(t.id);
  if (ts.status == TaskStatus::todo) return not_ready_reason(s, d, t).empty() ? "ready" : "todo";
  return std::string(to_string(ts.status));
}

// The task a blocked task waits for (its blocked_by), when that is a task of the definitions:
// drawn as a dashed edge, apart from the dependencies, since it is state, not definition.
std::string blocker(const Definitions& d, const QueueState& s, const Task& t) {
  const TaskState& ts = s.task(t.id);
  if (ts.status != TaskStatus::blocked || ts.blocked_by.empty() || !d.task(ts.blocked_by)) return {};
  return ts.blocked_by;
}

const char* fill(const std::string& shade) {
  if (shade == "done") return "#b7e1a1";
  if (shade == "in_progress") return "#ffe08a";
  if (shade == "in_review") return "#ffc27a";
  if (shade == "blocked") return "#f4a3a3";
  if (shade == "ready") return "#a9d3f5";
  return "#e6e6e6";
}

std::string dot_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out;
}

std::string mermaid_id(const std::string& id) {
  std::string out = "t_";
  for (char c : id) out += (std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  return out;
}

// Node ids for every task: mermaid_id folds '-', '_' and '.' together, so a later task whose id
// folds onto a taken one gets a numeric suffix (A-1, A_1 -> t_A_1, t_A_1_2) instead of merging.
std::map<std::string, std::string> mermaid_ids(const Definitions& d) {
  std::map<std::string, std::string> ids;
  std::set<std::string> used;
  for (const Task& t : d.tasks) {
    std::string id = mermaid_id(t.id);
    for (int n = 2; used.count(id); ++n) id = mermaid_id(t.id) + "_" + std::to_string(n);
    used.insert(id);
    ids[t.id] = id;
  }
  return ids;
}

std::string mermaid_text(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"') out += "#quot;";
    else if (c == '\n') out += ' ';
    else out += c;
  }
  return out;
}

}  // namespace

std::string graph_dot(const Definitions& d, const QueueState& s) {
  std::string out = "digraph agentq {\n  rankdir=LR;\n  node [shape=box, style=\"rounded,filled\", fontname=\"sans-serif\"];\n";
  for (const Task& t : d.tasks) {
    const std::string sh = shade(d, s, t);
    out += "  \"" + dot_escape(t.id) + "\" [label=\"" + dot_escape(t.id) + (t.title.empty() ? "" : "\\n" + dot_escape(t.title)) +
           "\\n(" + sh + ", " + dot_escape(t.role) + ")\", fillcolor=\"" + fill(sh) + "\"];\n";
  }
  for (const Task& t : d.tasks)
    for (const auto& dep : t.depends_on) out += "  \"" + dot_escape(dep) + "\" -> \"" + dot_escape(t.id) + "\";\n";
  for (const Task& t : d.tasks)
    if (const std::string by = blocker(d, s, t); !by.empty())
      out += "  \"" + dot_escape(by) + "\" -> \"" + dot_escape(t.id) +
             "\" [style=dashed, color=\"#c0392b\", fontcolor=\"#c0392b\", label=\"blocks\"];\n";
  out += "}\n";
  return out;
}

std::string graph_mermaid(const Definitions& d, const QueueState& s) {
  const std::map<std::string, std::string> ids = mermaid_ids(d);
  auto node = [&](const std::string& id) {
    auto it = ids.find(id);
    return it == ids.end() ? mermaid_id(id) : it->second;
  };
  std::string out = "flowchart LR\n";
  for (const Task& t : d.tasks) {
    const std::string sh = shade(d, s, t);
    out += "  " + node(t.id) + "[\"" + mermaid_text(t.id) + (t.title.empty() ? "" : ": " + mermaid_text(t.title)) +
           "<br/>" + sh + "\"]:::" + sh + "\n";
  }
  for (const Task& t : d.tasks)
    for (const auto& dep : t.depends_on) out += "  " + node(dep) + " --> " + node(t.id) + "\n";
  for (const Task& t : d.tasks)
    if (const std::string by = blocker(d, s, t); !by.empty()) out += "  " + node(by) + " -. blocks .-> " + node(t.id) + "\n";
  for (const char* sh : {"todo", "ready", "in_progress", "blocked", "in_review", "done"})
    out += std::string("  classDef ") + sh + " fill:" + fill(sh) + ",stroke:#555\n";
  return out;
}

}  // namespace agentq
