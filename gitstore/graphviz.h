// Rendering through Graphviz: `graph --format svg` pipes the DOT text to `dot -Tsvg`.
#pragma once

#include <string>

#include "core/error.h"

namespace agentq {

// The SVG `dot -Tsvg` makes of `dot_text`. IO_ERROR when Graphviz is not installed or fails.
Result<std::string> render_svg(const std::string& dot_text);

}  // namespace agentq
