// The string helpers every layer needs: one spelling each of "without its line ending",
// "without surrounding whitespace" and "nothing but whitespace".
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace agentq {

// `s` without the line endings ('\n', '\r') at its end: a value git printed on one line, where
// trailing spaces are part of the value (a path, a config value).
std::string chomp(std::string s);
// `s` without trailing whitespace (space, \t, \n, \v, \f, \r): a message to quote.
std::string trim_end(std::string s);
// `s` without leading and trailing whitespace.
std::string trim(std::string s);
// True when `s` is empty or holds only spaces, tabs and line endings: a required text that
// says nothing.
bool blank(std::string_view s);
// `parts` with `sep` between them: "a, b, c".
std::string join(const std::vector<std::string>& parts, std::string_view sep = ", ");
// `s` as one word for /bin/sh: in single quotes, each ' written '\''.
std::string sh_quote(const std::string& s);
// `s` in ASCII lower case (for comparing git's messages, hex digits and key names).
std::string lower(std::string_view s);

}  // namespace agentq
