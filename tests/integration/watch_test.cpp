// `status --watch` in a real terminal: a tmux pane on its own server socket, read back with
// capture-pane. It must redraw when another process moves the log, and end on q and on Ctrl-C.
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "harness.h"

using namespace agentq::it;

namespace {

struct Tmux {
  const Sandbox& sb;
  std::string socket;
  Tmux(const Sandbox& s) : sb(s), socket(s.path("tmux.sock")) {}
  ~Tmux() { sb.run({"tmux", "-S", socket, "kill-server"}); }
  Run operator()(std::vector<std::string> args) const {
    args.insert(args.begin(), {"tmux", "-S", socket});
    return sb.run(args, sb.root(), {{"TMUX", ""}});
  }
  std::string pane() const { return (*this)({"capture-pane", "-p", "-t", "w"}).out; }
  // Waits (no timing is asserted: the bound only keeps a broken build from hanging) until
  // `pred` holds.
  template <class Pred>
  bool until(Pred pred) const {
    for (int i = 0; i < 600; ++i) {
      if (pred()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }
};

}  // namespace

TEST_CASE("status --watch redraws when the log moves and ends on q or Ctrl-C, in tmux", "[watch]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo");
  for (const std::string key : {"q", "C-c"}) {
    INFO("ending with " << key);
    Tmux tmux(sb);
    const std::string done = sb.path("exit-" + key);
    REQUIRE(tmux({"new-session", "-d", "-s", "w", "-x", "150", "-y", "60", "-c", repo,
                  // git-agentq itself, not `git agentq`: git dies of the SIGINT it passes on, and the
                  // exit status under test is git-agentq's. The shell outlives the signal (a handler,
                  // unlike an ignored signal, is not inherited) to record it.
                  "trap true INT; git-agentq status --watch; echo $? > '" + done + "'; sleep 600"})
                .code == 0);
    REQUIRE(tmux.until([&] { return tmux.pane().find("A-1") != std::string::npos; }));
    CHECK(tmux.pane().find("agent-a") == std::string::npos);
    // Another process claims: the board shows the claim without a key being pressed.
    REQUIRE(sb.aq(repo, {"--actor", "agent-a", "claim", "A-1"}).code == 0);
    INFO(tmux.pane());
    CHECK(tmux.until([&] { return tmux.pane().find("agent-a") != std::string::npos; }));
    REQUIRE(tmux({"send-keys", "-t", "w", key}).code == 0);
    REQUIRE(tmux.until([&] { return sb.sh(sb.root(), "test -s '" + done + "'").code == 0; }));
    CHECK(sb.read("exit-" + key) == "0\n");
    REQUIRE(sb.aq(repo, {"--actor", "agent-a", "unclaim", "A-1"}).code == 0);
  }
}

TEST_CASE("status --watch refuses --json", "[watch]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo");
  Run r = sb.aq(repo, {"status", "--watch", "--json"});
  CHECK(r.code == 2);
  CHECK(r.err.find("error[USAGE]") != std::string::npos);
}

TEST_CASE("progress is shown on a terminal and never without one or with -q", "[watch][progress]") {
  Sandbox sb;
  const std::string origin = sb.make_origin();
  const std::string a = sb.clone(origin, "a");
  Run piped = sb.aq(a, {"ci-check"});
  CHECK(piped.err.find("ci-check: fetching") == std::string::npos);
  Tmux tmux(sb);
  const std::string done = sb.path("exit");
  REQUIRE(tmux({"new-session", "-d", "-s", "w", "-x", "150", "-y", "60", "-c", a,
                "git-agentq ci-check; git-agentq sync; git-agentq -q sync; echo $? > '" + done + "'; sleep 600"})
              .code == 0);
  REQUIRE(tmux.until([&] { return sb.sh(sb.root(), "test -s '" + done + "'").code == 0; }));
  const std::string pane = tmux.pane();
  INFO(pane);
  CHECK(pane.find("ci-check: fetching origin, then replaying its queue ...") != std::string::npos);
  const size_t first = pane.find("sync: fetching origin");
  REQUIRE(first != std::string::npos);
  CHECK(pane.find("sync: fetching origin", first + 1) == std::string::npos);  // not with -q
}
