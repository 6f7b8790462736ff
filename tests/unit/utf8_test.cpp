#include <catch2/catch.hpp>

#include "core/utf8.h"

using namespace agentq;

TEST_CASE("utf8: validation follows RFC 3629", "[utf8]") {
  CHECK(valid_utf8("plain"));
  CHECK(valid_utf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));
  CHECK_FALSE(valid_utf8("\xC0\xAF"));          // overlong
  CHECK_FALSE(valid_utf8("\xED\xA0\x80"));      // surrogate
  CHECK_FALSE(valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  CHECK_FALSE(valid_utf8("\xE2\x82"));          // truncated
  CHECK(sanitize_utf8("a\xFF" "b") == "a\xEF\xBF\xBD" "b");
}

TEST_CASE("utf8: control characters and bad bytes are named, and neutralised for printing", "[utf8]") {
  CHECK(text_problem("fine\ttext\nwith lines \xE2\x82\xAC").empty());
  CHECK(text_problem("a\x1b[2J") == "a control character (\\x1b) at byte 2");
  CHECK(text_problem("bad \xFF") == "invalid UTF-8 at byte 5");
  CHECK(text_problem("c1 \xC2\x9B") == "a control character (\\u009b) at byte 4");
  CHECK(text_problem("del\x7f") == "a control character (\\x7f) at byte 4");
  CHECK(neutralise("\x1b]0;t\x07x") == "\\x1b]0;t\\x07x");
  CHECK(neutralise("a\nb\tc") == "a\nb\tc");
  CHECK(neutralise("a\nb\tc", true) == "a\\nb\\tc");
  CHECK(neutralise("\xFF") == "\xEF\xBF\xBD");
  CHECK(neutralise_keeping_colour("\x1b[1;32mok\x1b[0m \x1b[2J") == "\x1b[1;32mok\x1b[0m \\x1b[2J");
}
