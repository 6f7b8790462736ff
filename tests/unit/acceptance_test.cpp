// core/acceptance.h: what `check` records for a command (fail closed) and the log it attaches.
#include <catch2/catch.hpp>

#include "core/acceptance.h"

using namespace agentq;

TEST_CASE("acceptance: only exit status 0 passes, and timeouts and signals are recorded as the shell says", "[acceptance]") {
  CHECK(check_outcome(0, 0, false).pass);
  CHECK(check_outcome(0, 0, false).exit_code == 0);
  CHECK_FALSE(check_outcome(1, 0, false).pass);
  CHECK(check_outcome(127, 0, false).exit_code == 127);  // could not start
  CHECK(check_outcome(-1, 9, false).exit_code == 137);   // killed by SIGKILL
  CHECK_FALSE(check_outcome(-1, 9, false).pass);
  CHECK(check_outcome(-1, 9, true).exit_code == 124);    // the timeout killed it
  CHECK_FALSE(check_outcome(0, 0, true).pass);           // a timeout never passes
}

TEST_CASE("acceptance: the attached log says when it was cut and when the command was killed", "[acceptance]") {
  CHECK(check_log("ok\n", 3, false, 1000) == "ok\n");
  CHECK(check_log("abc", 10, false, 1000) == "abc\n[truncated: 10 bytes of output, kept 3]\n");
  CHECK(check_log("", 0, true, 1500) == "\n[timed out after 1.5s; the command and its children were killed]\n");
  CHECK(check_log("ab", 5, true, 60000) ==
        "ab\n[truncated: 5 bytes of output, kept 2]\n\n[timed out after 60.0s; the command and its children were killed]\n");
}

TEST_CASE("acceptance: seconds with one decimal", "[acceptance]") {
  CHECK(format_seconds(0) == "0.0s");
  CHECK(format_seconds(1234) == "1.2s");
  CHECK(format_seconds(90000) == "90.0s");
}
