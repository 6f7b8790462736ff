// `git agentq mcp`: the protocol on raw stdio (malformed requests, negotiation, EOF) and a
// real client, the official TypeScript SDK run by node, against real clones of a bare origin.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "harness.h"
#include "npm_cache.h"

using namespace agentq::it;
using nlohmann::json;

namespace {

// Every line the server wrote to stdout, each of which must be a JSON-RPC message.
std::vector<json> messages(const std::string& out) {
  std::vector<json> all;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    INFO("stdout line: " << line);
    json m = json::parse(line, nullptr, false);
    REQUIRE_FALSE(m.is_discarded());
    REQUIRE(m.value("jsonrpc", "") == "2.0");
    all.push_back(m);
  }
  return all;
}

const json* by_id(const std::vector<json>& all, int id) {
  for (const json& m : all)
    if (m.contains("id") && m["id"] == id) return &m;
  return nullptr;
}

std::string request(int id, const std::string& method, const json& params = json::object()) {
  return json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}}.dump() + "\n";
}

std::string initialize(int id, const std::string& version) {
  return request(id, "initialize",
                 {{"protocolVersion", version}, {"capabilities", json::object()}, {"clientInfo", {{"name", "t"}, {"version", "1"}}}});
}

// The client: the SDK's Client over its StdioClientTransport, spawning `git agentq mcp` in
// clone A as agent-b; between calls it runs the CLI in clone B as agent-b2 (who wins B-1).
const char* kClient = R"JS(
const { createRequire } = require('module');
const { execFileSync } = require('child_process');
const sdk = createRequire(process.env.SDK_DIR + '/package.json');
const { Client } = sdk('@modelcontextprotocol/sdk/client/index.js');
const { StdioClientTransport } = sdk('@modelcontextprotocol/sdk/client/stdio.js');

(async () => {
  const out = {};
  const transport = new StdioClientTransport({
    command: 'git', args: ['agentq', 'mcp'], cwd: process.env.CLONE_A,
    env: { ...process.env, AGENTQ_ACTOR: 'agent-b' }, stderr: 'pipe',
  });
  let log = '';
  if (transport.stderr) transport.stderr.on('data', (d) => { log += d; });
  const client = new Client({ name: 'agentq-test', version: '1.0.0' });
  await client.connect(transport);
  out.server = client.getServerVersion();
  out.tools = (await client.listTools()).tools;
  out.status_before = await client.callTool({ name: 'status', arguments: {} });
  execFileSync('git', ['agentq', 'claim', 'B-1', '--actor', 'agent-b2'], { cwd: process.env.CLONE_B });
  out.lost = await client.callTool({ name: 'claim', arguments: { task: 'B-1' } });
  out.claim = await client.callTool({ name: 'claim', arguments: { task: 'B-2' } });
  out.evidence = await client.callTool({ name: 'evidence', arguments: {
    task: 'B-2', command: 'make test', result: 'pass', exit_code: 0 } });
  out.show = await client.callTool({ name: 'show', arguments: { task: 'B-2' } });
  out.status = await client.callTool({ name: 'status', arguments: { role: 'ui' } });
  try {
    await client.callTool({ name: 'claim', arguments: { task: 42 } });
    out.bad = 'accepted';
  } catch (e) {
    out.bad = { code: e.code, message: e.message };
  }
  await client.close();
  out.log = log;
  console.log(JSON.stringify(out));
})().catch((e) => { console.error(e && e.stack || e); process.exit(1); });
)JS";

}  // namespace

TEST_CASE("mcp answers malformed requests with JSON-RPC errors and exits 0 at EOF", "[mcp]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo");
  std::string in = "not json\n[1,2]\n" + initialize(1, "2024-11-05") +
                   "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n" + request(2, "nope") +
                   request(3, "tools/call", {{"name", "nope"}}) +
                   request(4, "tools/call", {{"name", "show"}, {"arguments", {{"task", 5}}}}) +
                   request(5, "tools/call", {{"name", "show"}, {"arguments", {{"bogus", "x"}}}}) +
                   "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tools/call\",\"params\":\"x\"}\n" + request(7, "ping") +
                   request(8, "tools/call", {{"name", "show"}, {"arguments", {{"task", "NOPE-9"}}}}) +
                   request(9, "tools/call", {{"name", "claim"}, {"arguments", {{"task", "A-1"}, {"lane", "one"}}}}) +
                   initialize(10, "1999-01-01") + request(11, "tools/list");
  Run r = sb.run({sb.binary(), "mcp"}, repo, {}, in);
  INFO(r.err);
  REQUIRE(r.code == 0);
  const std::vector<json> all = messages(r.out);
  REQUIRE(all.size() == 13);  // one answer per request, none for the notification
  CHECK(all[0]["error"]["code"] == -32700);
  CHECK(all[0]["id"].is_null());
  CHECK(all[1]["error"]["code"] == -32600);
  CHECK((*by_id(all, 1))["result"]["protocolVersion"] == "2024-11-05");
  CHECK((*by_id(all, 1))["result"]["serverInfo"]["name"] == "git-agentq");
  CHECK((*by_id(all, 2))["error"]["code"] == -32601);
  for (int id : {3, 4, 5, 6, 9}) {
    INFO("request " << id);
    CHECK((*by_id(all, id))["error"]["code"] == -32602);
  }
  CHECK((*by_id(all, 7))["result"] == json::object());
  // A refusal of the command is a tool result, not a protocol error. The old revision has
  // no structuredContent: the text carries the same object.
  const json& unknown = (*by_id(all, 8))["result"];
  CHECK(unknown["isError"] == true);
  CHECK_FALSE(unknown.contains("structuredContent"));
  const json text = json::parse(unknown["content"][0]["text"].get<std::string>());
  CHECK(text["error"]["code"] == "UNKNOWN_TASK");
  CHECK(text["error"].contains("fix"));
  CHECK(text["error"]["exit_code"] == 2);
  CHECK((*by_id(all, 10))["result"]["protocolVersion"] == "2025-06-18");
  std::vector<std::string> names;
  for (const json& t : (*by_id(all, 11))["result"]["tools"]) names.push_back(t["name"]);
  CHECK(names == std::vector<std::string>{"status", "ready", "show", "claim", "unclaim", "set_status", "check", "evidence",
                                          "handoff", "review", "merge_ready", "merge", "sync", "validate"});
  // The log and the command's own diagnostics went to stderr.
  CHECK(r.err.find("error[UNKNOWN_TASK]") != std::string::npos);
}

TEST_CASE("mcp tool schemas come from the command table", "[mcp]") {
  Sandbox sb;
  const std::string repo = sb.make_queue("repo");
  Run r = sb.run({sb.binary(), "mcp"}, repo, {}, initialize(1, "2025-06-18") + request(2, "tools/list"));
  REQUIRE(r.code == 0);
  const std::vector<json> all = messages(r.out);
  json set_status, claim, status;
  for (const json& t : (*by_id(all, 2))["result"]["tools"]) {
    if (t["name"] == "set_status") set_status = t;
    if (t["name"] == "claim") claim = t;
    if (t["name"] == "status") status = t;
  }
  const json& p = set_status["inputSchema"]["properties"];
  CHECK(set_status["inputSchema"]["additionalProperties"] == false);
  CHECK(p["task"]["type"] == "string");
  CHECK(p["status"]["enum"] == json::array({"in_progress", "blocked", "done"}));
  CHECK(p["blocked_by"]["type"] == "string");
  CHECK(p["offline"]["type"] == "boolean");
  CHECK(p["event_id"]["type"] == "string");
  CHECK(claim["inputSchema"]["properties"]["lane"]["type"] == "integer");
  CHECK(claim["title"] == "git agentq claim");
  // The actor is the server's, never an argument (see doc/mcp.md).
  CHECK_FALSE(claim["inputSchema"]["properties"].contains("actor"));
  CHECK(claim["annotations"]["readOnlyHint"] == false);
  CHECK(status["annotations"]["readOnlyHint"] == true);
}

TEST_CASE("mcp refuses to start outside a repository", "[mcp]") {
  Sandbox sb;
  std::filesystem::create_directories(sb.path("empty"));
  Run r = sb.run({sb.binary(), "mcp", "--repo", sb.path("empty")}, sb.root());
  CHECK(r.code != 0);
  CHECK(r.out.empty());
  CHECK(r.err.find("error[NOT_A_REPO]") != std::string::npos);
}

TEST_CASE("mcp through the TypeScript SDK: tools, a claim, a race lost to the CLI, evidence, status", "[mcp][node]") {
  Sandbox sb;
  std::string why;
  const std::string dir =
      npm_install(sb, "mcp-sdk", "@modelcontextprotocol/sdk@1", "node_modules/@modelcontextprotocol/sdk/package.json", why);
  if (dir.empty()) {
    WARN("skipped: " << why);
    return;
  }
  const std::string origin = sb.make_origin();
  const std::string a = sb.clone(origin, "a"), b = sb.clone(origin, "b");
  sb.write("client.js", kClient);
  Run r = sb.run({"node", sb.path("client.js")}, sb.root(), {{"SDK_DIR", dir}, {"CLONE_A", a}, {"CLONE_B", b}});
  INFO(r.err);
  REQUIRE(r.code == 0);
  std::string last = r.out;
  while (!last.empty() && last.back() == '\n') last.pop_back();
  const json out = json::parse(last.substr(last.rfind('\n') == std::string::npos ? 0 : last.rfind('\n') + 1));
  INFO(out.dump(2));
  CHECK(out["server"]["name"] == "git-agentq");
  CHECK(out["tools"].size() == 14);
  CHECK(out["status_before"]["isError"] == false);

  // Agent-b2's CLI claim reached origin first: the MCP claim fetched it and lost.
  CHECK(out["lost"]["isError"] == true);
  CHECK(out["lost"]["structuredContent"]["error"]["code"] == "ALREADY_CLAIMED");
  CHECK(out["lost"]["structuredContent"]["error"]["exit_code"] == 3);
  CHECK(json::parse(out["lost"]["content"][0]["text"].get<std::string>()) == out["lost"]["structuredContent"]);

  CHECK(out["claim"]["isError"] == false);
  CHECK(out["claim"]["structuredContent"]["actor"] == "agent-b");
  CHECK(out["claim"]["structuredContent"]["task"] == "B-2");
  CHECK(out["evidence"]["isError"] == false);
  CHECK(out["evidence"]["structuredContent"]["ok"] == true);
  CHECK(out["show"]["structuredContent"].dump().find("make test") != std::string::npos);
  CHECK(out["bad"]["code"] == -32602);

  // Origin is the judge: both claims and the evidence were published.
  REQUIRE(sb.aq(b, {"sync"}).code == 0);
  const json board = sb.aq_json(b, {"show", "B-2"});
  CHECK(board.dump().find("agent-b") != std::string::npos);
  CHECK(board.dump().find("make test") != std::string::npos);
  const std::string status = out["status"]["content"][0]["text"];
  CHECK(status.find("B-1") != std::string::npos);
  CHECK(status.find("agent-b2") != std::string::npos);
}
