// UTF-8 validation: nlohmann's dump() throws on invalid UTF-8, so strings are checked on input.
#pragma once

#include <string>
#include <string_view>

namespace agentq {

bool valid_utf8(std::string_view s);
// Replaces invalid sequences with U+FFFD (for captured command output).
std::string sanitize_utf8(std::string_view s);

// What makes `s` unfit to be stored as text people will read: "" when it is fine, else e.g.
// "invalid UTF-8 at byte 4" or "a control character (0x1b) at byte 7". Control characters are
// C0 (except tab and newline), DEL and C1 (U+0080-U+009F): terminals act on them.
std::string text_problem(std::string_view s);

// `s` made safe to print: invalid UTF-8 becomes U+FFFD and every control character (as
// text_problem counts them) is shown as its escape (`\x1b`, `\u009b`), so stored text can
// never move the cursor, set a title or hide what follows. Tab and newline stay unless
// `one_line`, which shows them as `\t` and `\n` too.
std::string neutralise(std::string_view s, bool one_line = false);

// The same for a line the program composed itself: its own colours (SGR sequences,
// `ESC [ digits ; m`) pass, every other control character is neutralised.
std::string neutralise_keeping_colour(std::string_view s);

}  // namespace agentq
