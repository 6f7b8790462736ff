#include "core/junit.h"

#include <catch2/catch.hpp>

using namespace agentq;

TEST_CASE("junit: counts, failures, skips and output", "[junit]") {
  std::vector<JunitCase> cases(3);
  cases[0].name = "replay";
  cases[1].name = "notes";
  cases[1].failure_type = "NOTES_MISMATCH";
  cases[1].failure_message = "1 finding(s): differs";
  cases[1].failure_text = "error[NOTES_MISMATCH]: differs\n";
  cases[1].system_out = "notice[X]: y\n";
  cases[2].name = "base";
  cases[2].skipped = true;
  cases[2].skip_message = "not run";
  const std::string x = junit_xml("git-agentq ci-check", "git-agentq.ci-check", cases);
  CHECK(x.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 0) == 0);
  CHECK(x.find("<testsuites name=\"git-agentq ci-check\" tests=\"3\" failures=\"1\" skipped=\"1\">") != std::string::npos);
  CHECK(x.find("<testcase classname=\"git-agentq.ci-check\" name=\"replay\"></testcase>") != std::string::npos);
  CHECK(x.find("<failure type=\"NOTES_MISMATCH\" message=\"1 finding(s): differs\">error[NOTES_MISMATCH]: differs\n</failure>") !=
        std::string::npos);
  CHECK(x.find("<system-out>notice[X]: y\n</system-out>") != std::string::npos);
  CHECK(x.find("<skipped message=\"not run\"/>") != std::string::npos);
}

TEST_CASE("junit: escaping, and control characters XML forbids", "[junit]") {
  CHECK(xml_escape("a<b>&\"c'") == "a&lt;b&gt;&amp;&quot;c&apos;");
  CHECK(xml_escape(std::string("x\x01y\tz\n", 6)) == "x?y\tz\n");
}
