// `git agentq mcp`: a Model Context Protocol server over stdio (doc/mcp.md).
//
// Every tool is a command of the table marked `mcp`: its input schema is generated from the
// command's positional arguments and options, and a call runs the command in-process through
// the driver, exactly as `git agentq CMD … --json` would, with Output capturing what it
// prints. So parsing, the argument checks, the actor, fetching and every rule are the CLI's,
// not a second implementation, and a call costs no fork/exec of the binary. The queue is
// opened and loaded afresh for every call: the server never answers from a state the log
// has moved past.
//
// stdout carries nothing but protocol messages: the server keeps a private copy of the real
// stdout for them and points file descriptor 1 at stderr, so nothing a command or a child
// process prints can corrupt the stream. Likewise stdin is read through a private copy and
// descriptor 0 is /dev/null, so no child can swallow a request.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <sstream>

#include "cmd/command.h"

namespace agentq::cli {
namespace {

// Newest first; a client asking for another revision gets the newest (it may then disconnect).
const char* const kProtocols[] = {"2025-06-18", "2025-03-26", "2024-11-05"};

enum RpcError {
  kParse = -32700,
  kInvalidRequest = -32600,
  kNoMethod = -32601,
  kInvalidParams = -32602,
  kInternal = -32603,
};

struct BadParams {
  std::string message;
};

std::string tool_name(const std::string& command) {
  std::string n = command;
  for (char& c : n)
    if (c == '-' || c == ' ') c = '_';
  return n;
}

std::string property_name(const std::string& option) { return tool_name(option); }

const Command* tool_command(const std::string& tool) {
  for (const Command& c : commands())
    if (c.mcp && tool_name(c.name) == tool) return &c;
  return nullptr;
}

// The options of a tool: the command's and the driver's, less those that only make sense at a
// terminal (`status --watch` would never return).
std::vector<OptionSpec> tool_options(const Command& c) {
  std::vector<OptionSpec> options;
  for (const OptionSpec& o : c.options)
    if (o.name != "watch") options.push_back(o);
  for (const OptionSpec& o : implied_options(c)) options.push_back(o);
  return options;
}

json value_schema(ValueType type, const std::string& help, const std::vector<std::string>& choices) {
  json s;
  auto scalar = [&](const char* t) {
    json v = {{"type", t}};
    if (!choices.empty()) v["enum"] = choices;
    return v;
  };
  switch (type) {
    case ValueType::flag: s = {{"type", "boolean"}}; break;
    case ValueType::text: s = scalar("string"); break;
    case ValueType::integer: s = scalar("integer"); break;
    case ValueType::texts: s = {{"type", "array"}, {"items", scalar("string")}}; break;
    case ValueType::integers: s = {{"type", "array"}, {"items", scalar("integer")}}; break;
  }
  if (!help.empty()) s["description"] = help;
  return s;
}

json input_schema(const Command& c) {
  json props = json::object();
  for (const ArgSpec& a : c.args)
    props[property_name(a.name)] = value_schema(a.rest ? ValueType::texts : ValueType::text, "", a.choices);
  for (const OptionSpec& o : tool_options(c)) props[property_name(o.name)] = value_schema(o.type, o.help, o.choices);
  return {{"type", "object"}, {"properties", props}, {"additionalProperties", false}};
}

json tool_json(const Command& c, bool titles) {
  json t;
  t["name"] = tool_name(c.name);
  if (titles) t["title"] = "git agentq " + c.name;
  t["description"] = c.description + "\n\nCLI: git agentq " + c.synopsis;
  t["inputSchema"] = input_schema(c);
  // Read-only tools may be called without asking; everything else writes events.
  const bool reads = c.needs != Needs::writer && c.name != "sync";
  t["annotations"] = {{"readOnlyHint", reads}, {"destructiveHint", false}, {"openWorldHint", false}};
  return t;
}

// The words `git agentq` would be given for a call: options as --name=value (so a value that
// starts with a dash stays a value), then `--` and the positional arguments in order.
std::vector<std::string> call_words(const Command& c, const json& arguments) {
  std::vector<std::string> words;
  size_t space = c.name.find(' ');
  words.push_back(c.name.substr(0, space));
  if (space != std::string::npos) words.push_back(c.name.substr(space + 1));
  const std::vector<OptionSpec> options = tool_options(c);
  std::vector<std::string> positional;
  bool gap = false;
  size_t known = 0;
  for (const ArgSpec& a : c.args) {
    auto it = arguments.find(property_name(a.name));
    if (it == arguments.end() || it->is_null()) {
      gap = true;
      continue;
    }
    ++known;
    if (gap) throw BadParams{"'" + property_name(a.name) + "' needs the arguments before it"};
    if (a.rest) {
      if (!it->is_array()) throw BadParams{"'" + property_name(a.name) + "' must be an array of strings"};
      for (const json& v : *it) {
        if (!v.is_string()) throw BadParams{"'" + property_name(a.name) + "' must be an array of strings"};
        positional.push_back(v.get<std::string>());
      }
    } else {
      if (!it->is_string()) throw BadParams{"'" + property_name(a.name) + "' must be a string"};
      positional.push_back(it->get<std::string>());
    }
  }
  for (const OptionSpec& o : options) {
    auto it = arguments.find(property_name(o.name));
    if (it == arguments.end() || it->is_null()) continue;
    ++known;
    const std::string key = property_name(o.name), flag = "--" + o.name;
    auto one = [&](const json& v, bool integer) {
      if (integer ? !v.is_number_integer() : !v.is_string())
        throw BadParams{"'" + key + "' must be " + (integer ? "an integer" : "a string") +
                        (o.type == ValueType::texts || o.type == ValueType::integers ? " array" : "")};
      words.push_back(flag + "=" + (integer ? std::to_string(v.get<long>()) : v.get<std::string>()));
    };
    switch (o.type) {
      case ValueType::flag:
        if (!it->is_boolean()) throw BadParams{"'" + key + "' must be a boolean"};
        if (it->get<bool>()) words.push_back(flag);
        break;
      case ValueType::text: one(*it, false); break;
      case ValueType::integer: one(*it, true); break;
      case ValueType::texts:
      case ValueType::integers:
        if (!it->is_array()) throw BadParams{"'" + key + "' must be an array"};
        for (const json& v : *it) one(v, o.type == ValueType::integers);
        break;
    }
  }
  if (known != arguments.size()) {
    for (auto it = arguments.begin(); it != arguments.end(); ++it)
      if (!input_schema(c)["properties"].contains(it.key()))
        throw BadParams{"tool " + tool_name(c.name) + " has no argument '" + it.key() + "'"};
  }
  words.push_back("--json");
  if (!positional.empty()) {
    words.push_back("--");
    words.insert(words.end(), positional.begin(), positional.end());
  }
  return words;
}

class Server {
 public:
  Server(int in, int out, const Output& log, std::string actor) : in_(in), out_(out), log_(log), actor_(std::move(actor)) {}

  int serve() {
    for (std::string line; read_line(line);) {
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      try {
        handle(line);
      } catch (const std::exception& e) {
        // A bug of ours must cost one request, not the session.
        log_.warn(std::string("mcp: internal error: ") + e.what());
        error(nullptr, kInternal, std::string("internal error: ") + e.what());
      }
      if (broken_) return 1;
    }
    return 0;  // EOF: the client closed our stdin
  }

 private:
  bool read_line(std::string& line) {
    for (;;) {
      size_t nl = buf_.find('\n');
      if (nl != std::string::npos) {
        line = buf_.substr(0, nl);
        buf_.erase(0, nl + 1);
        return true;
      }
      char chunk[65536];
      ssize_t n = read(in_, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        if (buf_.empty()) return false;
        line.swap(buf_);  // a last message without its newline
        buf_.clear();
        return true;
      }
      buf_.append(chunk, static_cast<size_t>(n));
    }
  }

  void send(const json& message) {
    const std::string s = message.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
    for (size_t off = 0; off < s.size();) {
      ssize_t n = write(out_, s.data() + off, s.size() - off);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        log_.warn("mcp: cannot write to the client: " + std::string(std::strerror(errno)));
        broken_ = true;
        return;
      }
      off += static_cast<size_t>(n);
    }
  }

  void reply(const json& id, json result) { send({{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}}); }

  void error(const json& id, int code, const std::string& message) {
    send({{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}});
  }

  void handle(const std::string& line) {
    json msg = json::parse(line, nullptr, false);
    if (msg.is_discarded()) return error(nullptr, kParse, "parse error: not a JSON message");
    if (!msg.is_object())
      return error(nullptr, kInvalidRequest, msg.is_array() ? "batches are not supported" : "a message is a JSON object");
    const bool has_id = msg.contains("id");
    const json id = has_id ? msg["id"] : json(nullptr);
    if (has_id && !id.is_string() && !id.is_number_integer())
      return error(nullptr, kInvalidRequest, "id must be a string or an integer");
    auto method = msg.find("method");
    if (method == msg.end()) {
      if (!has_id || msg.contains("result") || msg.contains("error")) return;  // a response: we ask nothing
      return error(id, kInvalidRequest, "a request needs a method");
    }
    if (!method->is_string()) return error(id, kInvalidRequest, "method must be a string");
    if (!has_id) return;  // a notification (initialized, cancelled): nothing to answer
    const json params = msg.contains("params") ? msg["params"] : json::object();
    if (!params.is_object()) return error(id, kInvalidParams, "params must be an object");
    // value() rather than *method: GCC 12 at -O2 sees a null dereference through the iterator.
    const std::string m = msg.value("method", std::string());
    if (m == "initialize") return reply(id, initialize(params));
    if (m == "ping") return reply(id, json::object());
    if (m == "tools/list") return reply(id, tools_list());
    if (m == "tools/call") return call(id, params);
    error(id, kNoMethod, "method '" + m + "' is not supported (initialize, ping, tools/list, tools/call)");
  }

  json initialize(const json& params) {
    protocol_ = kProtocols[0];
    auto asked = params.find("protocolVersion");
    if (asked != params.end() && asked->is_string())
      for (const char* p : kProtocols)
        if (*asked == p) protocol_ = p;
    return {{"protocolVersion", protocol_},
            {"capabilities", {{"tools", {{"listChanged", false}}}}},
            {"serverInfo", {{"name", "git-agentq"}, {"version", AGENTQ_VERSION}}},
            {"instructions",
             "A git-native work queue. Start with `ready` or `status`, `claim` a task, record `evidence`, then "
             "`handoff` the commit for review. A refusal carries a reason code and a fix."}};
  }

  bool structured() const { return protocol_ >= std::string("2025-06-18"); }

  json tools_list() const {
    json tools = json::array();
    for (const Command& c : commands())
      if (c.mcp) tools.push_back(tool_json(c, structured()));
    return {{"tools", tools}};
  }

  void call(const json& id, const json& params) {
    auto name = params.find("name");
    if (name == params.end() || !name->is_string()) return error(id, kInvalidParams, "tools/call needs a tool name");
    const Command* c = tool_command(*name);
    if (!c) return error(id, kInvalidParams, "unknown tool '" + name->get<std::string>() + "'");
    json arguments = params.contains("arguments") ? params["arguments"] : json::object();
    if (arguments.is_null()) arguments = json::object();
    if (!arguments.is_object()) return error(id, kInvalidParams, "arguments must be an object");
    std::vector<std::string> words;
    try {
      words = call_words(*c, arguments);
    } catch (const BadParams& bad) {
      return error(id, kInvalidParams, bad.message);
    }
    if (!actor_.empty()) words.insert(words.begin(), "--actor=" + actor_);

    std::ostringstream out, err;
    Context ctx;
    ctx.out.capture(out, err);
    const int code = run_args(ctx, words);
    if (!err.str().empty()) log_.raw_log(err.str());

    json result = json::parse(out.str(), nullptr, false);
    if (result.is_discarded() || !result.is_object()) result = {{"output", out.str()}};
    if (code != 0 && !result.contains("exit_code")) result["exit_code"] = code;
    json r;
    // A command may print bytes that are not UTF-8 (a file name, git's messages): replaced, as
    // JSON text must be UTF-8.
    r["content"] = json::array({{{"type", "text"}, {"text", result.dump(2, ' ', false, json::error_handler_t::replace)}}});
    if (structured()) r["structuredContent"] = result;
    r["isError"] = code != 0;
    reply(id, std::move(r));
  }

  int in_, out_;
  const Output& log_;
  std::string actor_, buf_, protocol_ = kProtocols[0];
  bool broken_ = false;
};

}  // namespace

int run_mcp(Invocation& in) {
  const std::string repo = in.str("repo");
  if (!repo.empty() && chdir(repo.c_str()) != 0)
    return in.fail(Error(Code::NOT_A_REPO, "cannot change to '" + repo + "': " + std::strerror(errno), {},
                         "pass --repo the path of a git repository"));
  // Refuse to start outside a repository: a client shows this on its log, where a server
  // that answered every call with the same error would hide it.
  if (auto q = Queue::open(in.ctx.env()); !q) return in.fail(q.error());

  const int proto_in = fcntl(0, F_DUPFD_CLOEXEC, 3), proto_out = fcntl(1, F_DUPFD_CLOEXEC, 3);
  const int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (proto_in < 0 || proto_out < 0 || devnull < 0 || dup2(devnull, 0) < 0 || dup2(2, 1) < 0)
    return in.fail(Error(Code::INTERNAL_ERROR, std::string("cannot set up stdio: ") + std::strerror(errno)));
  close(devnull);
  signal(SIGPIPE, SIG_IGN);  // a client that went away is a write error, not a kill

  in.out.note("git-agentq mcp: serving the queue of this repository on stdio");
  const int code = Server(proto_in, proto_out, in.out, in.ctx.actor).serve();
  close(proto_in);
  close(proto_out);
  return code;
}

}  // namespace agentq::cli
