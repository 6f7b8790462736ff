// git agentq status --watch: the board, drawn again whenever a ref it depends on moves (the
// log, base, a lane's branch, what a fetch brought). It sleeps in the kernel between changes
// (gitstore/ref_watch.h): an idle coordinator pane costs no CPU.
#include <termios.h>
#include <unistd.h>

#include <sstream>

#include "cmd/command.h"
#include "gitstore/ref_watch.h"

namespace agentq::cli {
namespace {

// Keys arrive one at a time, unechoed, while the board is shown; the terminal is put back
// however the watch ends.
class RawInput {
 public:
  RawInput() {
    if (!isatty(0) || tcgetattr(0, &saved_) != 0) return;
    termios raw = saved_;
    raw.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    active_ = tcsetattr(0, TCSANOW, &raw) == 0;
  }
  ~RawInput() {
    if (active_) tcsetattr(0, TCSANOW, &saved_);
  }
  RawInput(const RawInput&) = delete;
  RawInput& operator=(const RawInput&) = delete;

 private:
  termios saved_{};
  bool active_ = false;
};

std::string frame(const Invocation& in) {
  std::vector<std::string> words = {"status"};
  for (const char* o : {"role", "defs"})
    if (in.has(o)) words.push_back(std::string("--") + o + "=" + in.str(o));
  std::ostringstream out, err;
  Context ctx;
  ctx.out.capture(out, err, in.out.color());
  (void)run_args(ctx, words);  // a failure (the definitions mid-edit) is shown in the frame
  return out.str() + err.str();
}

}  // namespace

int run_status_watch(Invocation& in) {
  if (in.out.json_mode)
    return in.fail(Error::usage("--watch draws the board for a terminal").hint("use 'git agentq status --json' without --watch"));
  auto watch = RefWatch::open(in.queue().repo().common_dir());
  if (!watch) return in.fail(watch.error());
  RawInput keys;
  int input = 0;
  for (;;) {
    in.out.raw("\033[H\033[2J" + frame(in) + "\n" +
               in.out.dim("redrawn when the log, the base or a lane moves; q or Ctrl-C quits") + "\n");
    in.out.flush();
    for (bool redraw = false; !redraw;) {
      auto woke = watch->wait(input);
      if (!woke) return in.fail(woke.error());
      if (*woke == Wake::interrupt) return 0;
      if (*woke == Wake::refs) redraw = true;
      if (*woke == Wake::input) {
        char c = 0;
        const ssize_t n = read(input, &c, 1);
        if (n <= 0) input = -1;  // stdin closed: only a signal ends the watch now
        else if (c == 'q' || c == 'Q' || c == 4 /* Ctrl-D */) return 0;
      }
    }
  }
}

}  // namespace agentq::cli
