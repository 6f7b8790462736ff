#include <catch2/catch.hpp>

#include "core/event.h"
#include "fake_repo.h"

using namespace agentq;

TEST_CASE("event: canonical encoding sorts keys and omits absent fields", "[event]") {
  testing::EventFactory f;
  Event e = f.claim("agent-a", "A-1", "backend", 1);
  e.id = "11111111-2222-4333-8444-555555555555";
  std::string json = encode_json(e);
  CHECK(json ==
        "{\"actor\":\"agent-a\",\"at\":\"2026-11-25T10:00:00Z\",\"defs\":\"" + testing::hex40('d') +
            "\",\"id\":\"11111111-2222-4333-8444-555555555555\",\"lane\":1,\"role\":\"backend\",\"task\":\"A-1\","
            "\"type\":\"claim\",\"v\":1}");
  CHECK(encode_json(e) == json);  // same event, same bytes
}

TEST_CASE("event: round trip through the commit message", "[event]") {
  testing::EventFactory f;
  Event e = f.evidence("agent-a", "A-1", "pass");
  e.exit_code = 0;
  e.duration_ms = 1234;
  e.command = "go test ./...\nsecond line";
  std::string msg = commit_message(e);
  CHECK(msg.find("\n\n") != std::string::npos);
  CHECK(msg.substr(0, msg.find('\n')).find('\n') == std::string::npos);
  auto back = decode_commit_message(msg);
  REQUIRE(back);
  CHECK(*back == e);
  CHECK(encode_json(*back) == encode_json(e));
}

TEST_CASE("event: strict decoding", "[event]") {
  auto bad = [](const std::string& json) {
    auto e = decode_json(json);
    REQUIRE_FALSE(e);
    CHECK(e.error().code == Code::EVENT_INVALID);
    return e.error().message;
  };
  const std::string defs = testing::hex40('d');
  const std::string head = "{\"v\":1,\"id\":\"x\",\"at\":\"2026-11-25T10:00:00Z\",\"defs\":\"" + defs + "\",";
  CHECK(bad("not json").find("not valid JSON") != std::string::npos);
  CHECK(bad("[1]").find("object") != std::string::npos);
  CHECK(bad(head + "\"type\":\"claim\",\"actor\":\"a\",\"task\":\"T\",\"role\":\"r\",\"lane\":1,\"colour\":1}")
            .find("unknown field 'colour'") != std::string::npos);
  CHECK(bad(head + "\"type\":\"claim\",\"actor\":\"a\",\"task\":\"T\",\"role\":\"r\",\"lane\":\"1\"}")
            .find("'lane' must be an integer") != std::string::npos);
  CHECK(bad(head + "\"type\":\"claim\",\"actor\":\"a\",\"task\":\"T\",\"role\":\"r\"}").find("without 'lane'") !=
        std::string::npos);
  CHECK(bad(head + "\"type\":\"teleport\"}").find("unknown event type") != std::string::npos);
  CHECK(bad(head + "\"type\":\"claim\",\"actor\":\"a\",\"task\":\"T\",\"role\":\"r\",\"lane\":1,\"command\":\"x\"}")
            .find("not part of a claim event") != std::string::npos);
  CHECK(bad("{\"v\":2,\"type\":\"init\"}").find("newer") != std::string::npos);
  CHECK(bad("{\"v\":1.5,\"type\":\"init\"}").find("integer 'v'") != std::string::npos);
  CHECK(bad(head + "\"type\":\"evidence\",\"actor\":\"a\",\"task\":\"T\",\"command\":\"c\",\"result\":\"pass\","
                   "\"exit_code\":1,\"kind\":\"other\",\"commit\":\"" +
            std::string(40, 'c') + "\"}")
            .find("contradicts exit code") != std::string::npos);
  CHECK(bad(head + "\"type\":\"status\",\"actor\":\"a\",\"task\":\"T\",\"role\":\"r\",\"status\":\"paused\"}")
            .find("expected in_progress|blocked|done") != std::string::npos);
  CHECK(bad(head + "\"type\":\"status\",\"actor\":\"a\",\"task\":\"T\",\"role\":\"r\",\"status\":\"blocked\"}")
            .find("needs a reason") != std::string::npos);
  CHECK(bad("{\"v\":1,\"id\":\"x\",\"at\":\"yesterday\",\"defs\":\"" + defs + "\",\"type\":\"init\",\"base\":\"m\"}")
            .find("RFC 3339") != std::string::npos);
  CHECK(bad("{\"v\":1,\"id\":\"x\",\"at\":\"2026-11-25T10:00:00Z\",\"defs\":\"abc\",\"type\":\"init\",\"base\":\"m\"}")
            .find("defs") != std::string::npos);
  CHECK(bad("{\"v\":1,\"id\":\"x\",\"type\":\"init\",\"base\":\"m\",\"at\":\"2026-11-25T10:00:00Z\",\"defs\":\"" +
            defs + "\",\"x\":\"\xff\"}")
            .find("JSON") != std::string::npos);
}

TEST_CASE("event: content key ignores time and definitions (retries are the same event)", "[event]") {
  testing::EventFactory f;
  Event a = f.claim("agent-a", "A-1", "backend");
  Event b = a;
  b.at = "2027-01-01T00:00:00Z";
  b.defs = testing::hex40('f');
  CHECK(content_key(a) == content_key(b));
  b.lane = 2;
  CHECK(content_key(a) != content_key(b));
}

TEST_CASE("event: subjects are one readable line", "[event]") {
  testing::EventFactory f;
  CHECK(subject_line(f.claim("agent-a", "A-1", "backend", 1)) == "claim A-1 by agent-a (backend, lane 1)");
  CHECK(subject_line(f.init()) == "init queue on main");
  CHECK(subject_line(f.status("alice", "A-1", "coord", "done")) == "status A-1 -> done by alice");
}

TEST_CASE("event: branch names follow git check-ref-format --branch, text is refused with control characters",
          "[event]") {
  for (const char* ok : {"main", "agent/backend", "feature/t1.x", "a-b_c", "v1.2"}) CHECK(is_branch_name(ok));
  for (const char* bad : {"", "-x", "--upload-pack=touch x", "a..b", "a b", "x.lock", "a/x.lock/b", "feature/", "@",
                          "a@{1}", ".hidden", "a/.b", "a//b", "end.", "a~1", "a^", "a:b", "a?", "a*", "a[", "a\\b",
                          "a\x01"})
    CHECK_FALSE(is_branch_name(bad));
  testing::EventFactory f;
  Event e = f.claim("agent-a", "A-1", "backend", 1);
  CHECK(check_new_text(e));
  e.branch = "--upload-pack=x";
  CHECK(check_shape(e).error().code == Code::EVENT_INVALID);
  e.branch.clear();
  Event s = f.status("agent-a", "A-1", "backend", "blocked");
  s.reason = "waiting \x1b[2J";
  auto st = check_new_text(s);
  REQUIRE_FALSE(st);
  CHECK(st.error().code == Code::EVENT_INVALID);
  CHECK(st.error().message.find("'reason'") != std::string::npos);
}
