#include "core/junit.h"

#include <sstream>

namespace agentq {

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') out += '?';
        else out += c;
    }
  }
  return out;
}

std::string junit_xml(const std::string& suite, const std::string& classname, const std::vector<JunitCase>& cases) {
  size_t failures = 0, skipped = 0;
  for (const JunitCase& c : cases) {
    failures += !c.skipped && !c.failure_type.empty();
    skipped += c.skipped;
  }
  const std::string counts = "\" tests=\"" + std::to_string(cases.size()) + "\" failures=\"" + std::to_string(failures) +
                             "\" skipped=\"" + std::to_string(skipped) + "\">\n";
  std::ostringstream x;
  x << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x << "<testsuites name=\"" << xml_escape(suite) << counts;
  x << "  <testsuite name=\"" << xml_escape(suite) << counts;
  for (const JunitCase& c : cases) {
    x << "    <testcase classname=\"" << xml_escape(classname) << "\" name=\"" << xml_escape(c.name) << "\">";
    if (c.skipped) {
      x << "<skipped message=\"" << xml_escape(c.skip_message) << "\"/>";
    } else if (!c.failure_type.empty()) {
      x << "\n      <failure type=\"" << xml_escape(c.failure_type) << "\" message=\"" << xml_escape(c.failure_message)
        << "\">" << xml_escape(c.failure_text) << "</failure>\n    ";
    }
    if (!c.system_out.empty()) x << "<system-out>" << xml_escape(c.system_out) << "</system-out>";
    x << "</testcase>\n";
  }
  x << "  </testsuite>\n</testsuites>\n";
  return x.str();
}

}  // namespace agentq
