// JUnit XML, the report format every CI host reads: one suite of test cases, each passed,
// failed (with a type, a one-line message and the full text) or skipped, with optional
// standard output. Pure text building, so the escaping is unit-tested.
#pragma once

#include <string>
#include <vector>

namespace agentq {

struct JunitCase {
  std::string name;
  bool skipped = false;
  std::string skip_message;
  // A failure when failure_type is not empty.
  std::string failure_type, failure_message, failure_text;
  std::string system_out;
};

// Escapes text for XML 1.0 attributes and content; control characters XML forbids even
// escaped become '?'.
std::string xml_escape(const std::string& s);

// <testsuites><testsuite name=suite>…</testsuite></testsuites>, the testcases' classname
// `classname`.
std::string junit_xml(const std::string& suite, const std::string& classname, const std::vector<JunitCase>& cases);

}  // namespace agentq
