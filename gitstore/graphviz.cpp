#include "gitstore/graphviz.h"

#include "core/strings.h"
#include "gitstore/process.h"

namespace agentq {

Result<std::string> render_svg(const std::string& dot_text) {
  ProcessSpec spec;
  spec.argv = {"dot", "-Tsvg"};
  spec.stdin_data = dot_text;
  spec.timeout_ms = 60000;  // a DAG of a few thousand tasks renders in well under a second
  auto r = run_process(spec);
  if (!r) return fail(r.error());
  if (!r->started)
    return fail(Error::io("graphviz's dot is not installed: svg needs it")
                    .hint("install graphviz (apt-get install graphviz), or use --format dot or --format mermaid"));
  if (r->exit_code != 0)
    return fail(Error::io("dot -Tsvg failed: " + chomp(r->err.empty() ? r->out : r->err))
                    .hint("run 'git agentq graph --format dot | dot -Tsvg' to see what dot says"));
  return r->out;
}

}  // namespace agentq
