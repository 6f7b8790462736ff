#include <catch2/catch.hpp>

#include "core/timeutil.h"

using namespace agentq;

TEST_CASE("timeutil: durations", "[time]") {
  CHECK(parse_duration("48h") == 48LL * 3600 * 1000);
  CHECK(parse_duration("250ms") == 250);
  CHECK(parse_duration("2d") == 2LL * 86400 * 1000);
  CHECK(parse_duration("15m") == 15LL * 60 * 1000);
  CHECK(parse_duration("30s") == 30000);
  CHECK_FALSE(parse_duration("h"));
  CHECK_FALSE(parse_duration("-1s"));
  CHECK_FALSE(parse_duration("1.5h"));
  CHECK_FALSE(parse_duration("10"));
  CHECK(format_duration(48LL * 3600 * 1000) == "2d");
  CHECK(format_duration(90000) == "90s");
  CHECK(format_age(3 * 86400000LL + 4 * 3600000LL) == "3d 4h");
  CHECK(format_age(42000) == "42s");
}

TEST_CASE("timeutil: RFC 3339 round trip", "[time]") {
  auto t = parse_rfc3339("2026-11-25T08:35:07Z");
  REQUIRE(t);
  CHECK(format_rfc3339(*t) == "2026-11-25T08:35:07Z");
  CHECK(parse_rfc3339("1970-01-01T00:00:00Z") == 0);
  CHECK(parse_rfc3339("2000-03-01T00:00:00.5Z") == 951868800500LL);
  CHECK_FALSE(parse_rfc3339("2026-11-25 08:35:07Z"));
  CHECK_FALSE(parse_rfc3339("2026-11-25T08:35:07+01:00"));
  CHECK_FALSE(parse_rfc3339("2026-13-25T08:35:07Z"));
  CHECK_FALSE(parse_rfc3339(""));
}

TEST_CASE("timeutil: RFC 3339 dates are checked against the calendar", "[time]") {
  CHECK_FALSE(parse_rfc3339("2026-02-31T00:00:00Z"));
  CHECK_FALSE(parse_rfc3339("2026-04-31T12:00:00Z"));
  CHECK_FALSE(parse_rfc3339("2026-02-29T00:00:00Z"));  // 2026 is no leap year
  CHECK_FALSE(parse_rfc3339("1900-02-29T00:00:00Z"));  // nor is 1900
  CHECK_FALSE(parse_rfc3339("2026-00-10T00:00:00Z"));
  CHECK_FALSE(parse_rfc3339("2026-01-00T00:00:00Z"));
  CHECK_FALSE(parse_rfc3339("2026-01-32T00:00:00Z"));
  CHECK_FALSE(parse_rfc3339("2026-01-01T24:00:00Z"));
  CHECK_FALSE(parse_rfc3339("2026-01-01T00:60:00Z"));
  auto leap = parse_rfc3339("2024-02-29T23:59:59Z");
  REQUIRE(leap);
  CHECK(format_rfc3339(*leap) == "2024-02-29T23:59:59Z");
  CHECK(format_rfc3339(*leap + 1000) == "2024-03-01T00:00:00Z");
  CHECK(parse_rfc3339("2000-02-29T00:00:00Z") == 951782400000LL);
  CHECK(parse_rfc3339("2026-12-31T23:59:60Z") == parse_rfc3339("2027-01-01T00:00:00Z"));  // a leap second
  // before the epoch, and milliseconds, round down to the second
  CHECK(format_rfc3339(-1) == "1969-12-31T23:59:59Z");
  CHECK(format_rfc3339(-86400000) == "1969-12-31T00:00:00Z");
  CHECK(format_rfc3339(1999) == "1970-01-01T00:00:01Z");
  CHECK(parse_rfc3339("1969-12-31T23:59:59.250Z") == -750);
}
