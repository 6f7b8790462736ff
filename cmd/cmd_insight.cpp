// git agentq stats / graph: insight into the flow of work and the dependency DAG.
#include "cmd/command.h"
#include "cmd/common.h"
#include "core/graph.h"
#include "core/stats.h"
#include "gitstore/graphviz.h"
#include "gitstore/system.h"

namespace agentq::cli {

int run_graph(Invocation& in) {
  Context& ctx = in.ctx;
  const std::string format = in.str("format", "dot");
  Queue* q = &in.queue();
  if (format == "svg") {
    auto svg = render_svg(graph_dot(q->defs(), q->state()));
    if (!svg) return in.fail(svg.error());
    ctx.out.raw(*svg);
    return 0;
  }
  ctx.out.raw(format == "dot" ? graph_dot(q->defs(), q->state()) : graph_mermaid(q->defs(), q->state()));
  return 0;
}

int run_stats(Invocation& in) {
  Context& ctx = in.ctx;
  Millis since = 0;
  if (in.has("since")) {
    auto d = parse_duration(in.str("since"));
    if (!d) return ctx.out.error(Error::usage("--since takes a duration like 7d, 24h or 30m"));
    since = ctx.env().now_ms() - *d;
  }
  Queue* q = &in.queue();
  const Stats st = compute_stats(q->entries(), q->state(), q->defs(), since);
  if (in.has("prometheus")) {
    std::string out = "# HELP agentq_stage_latency_seconds Time between queue events per stage.\n"
                      "# TYPE agentq_stage_latency_seconds summary\n";
    for (const auto& l : st.latencies) {
      auto sec = [](Millis ms) { return std::to_string(static_cast<double>(ms) / 1000.0); };
      out += "agentq_stage_latency_seconds{stage=\"" + l.stage + "\",quantile=\"0.5\"} " + sec(l.median) + "\n";
      out += "agentq_stage_latency_seconds{stage=\"" + l.stage + "\",quantile=\"0.9\"} " + sec(l.p90) + "\n";
      out += "agentq_stage_latency_seconds_count{stage=\"" + l.stage + "\"} " + std::to_string(l.count) + "\n";
    }
    out += "# HELP agentq_retries_total Repeated work.\n# TYPE agentq_retries_total counter\n";
    for (const auto& [k, v] : st.retries) out += "agentq_retries_total{kind=\"" + k + "\"} " + std::to_string(v) + "\n";
    out += "# HELP agentq_failures_total Failures by class.\n# TYPE agentq_failures_total counter\n";
    for (const auto& [k, v] : st.failures) out += "agentq_failures_total{class=\"" + k + "\"} " + std::to_string(v) + "\n";
    out += "# HELP agentq_tasks Tasks by role and status.\n# TYPE agentq_tasks gauge\n";
    for (const auto& [role, by] : st.depth)
      for (const auto& [status, n] : by)
        out += "agentq_tasks{role=\"" + role + "\",status=\"" + status + "\"} " + std::to_string(n) + "\n";
    ctx.out.raw(out);
    return 0;
  }
  if (ctx.out.json_mode) {
    json j;
    j["since"] = since ? json(format_rfc3339(since)) : json(nullptr);
    j["events"] = st.events;
    json lat = json::object();
    for (const auto& l : st.latencies)
      lat[l.stage] = {{"count", l.count}, {"median_ms", l.median}, {"p90_ms", l.p90}, {"max_ms", l.max}};
    j["latency"] = lat;
    j["retries"] = st.retries;
    j["failures"] = st.failures;
    j["depth"] = st.depth;
    ctx.out.emit(j);
    return 0;
  }
  ctx.out.line(ctx.out.bold("latency") + (since ? "  (since " + format_rfc3339(since) + ")" : "") + "  " +
               std::to_string(st.events) + " events");
  ctx.out.line("  " + pad("stage", 20) + pad("count", 8) + pad("median", 10) + pad("p90", 10) + "max");
  for (const auto& l : st.latencies)
    ctx.out.line("  " + pad(l.stage, 20) + pad(std::to_string(l.count), 8) + pad(l.count ? format_age(l.median) : "-", 10) +
                 pad(l.count ? format_age(l.p90) : "-", 10) + (l.count ? format_age(l.max) : "-"));
  if (!st.retries.empty()) {
    ctx.out.line(ctx.out.bold("retries"));
    for (const auto& [k, v] : st.retries) ctx.out.line("  " + pad(k, 20) + std::to_string(v));
  }
  if (!st.failures.empty()) {
    ctx.out.line(ctx.out.bold("failures"));
    for (const auto& [k, v] : st.failures) ctx.out.line("  " + pad(k, 32) + std::to_string(v));
  }
  ctx.out.line(ctx.out.bold("queue depth"));
  for (const auto& [role, by] : st.depth) {
    std::string line = "  " + pad(role, 16);
    for (const char* k : {"ready", "todo", "in_progress", "blocked", "in_review", "done"})
      line += std::string(k) + " " + std::to_string(by.count(k) ? by.at(k) : 0) + "  ";
    ctx.out.line(line);
  }
  return 0;
}

}  // namespace agentq::cli
