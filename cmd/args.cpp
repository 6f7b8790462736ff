#include "cmd/args.h"

#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <iostream>

namespace agentq::cli {

Args::Args(const std::string& command, const std::string& synopsis, const std::string& description, bool write)
    : opts_("git agentq " + command, description),
      synopsis_("git agentq " + synopsis),
      description_(description),
      write_(write) {
  opts_.custom_help("[options]");
  opts_.add_options("global")("actor", "act as this actor (else AGENTQ_ACTOR, else agentq.actor)",
                              cxxopts::value<std::string>(), "NAME")(
      "json", "machine-readable output")("q,quiet", "only errors")("C", "run as if started in DIR",
                                                                   cxxopts::value<std::vector<std::string>>(), "DIR")(
      "h,help", "show this help");
  if (write_) opts_.add_options("global")("offline", "write locally only; the next sync publishes it");
}

cxxopts::OptionAdder Args::add() { return opts_.add_options(); }

void Args::positional(const std::vector<std::string>& names) {
  positional_ = names;
  opts_.parse_positional(names);
}

std::string Args::usage() const {
  std::string help = opts_.help({"", "global"});
  // cxxopts starts with its own "Usage:" block; the synopsis replaces it.
  size_t options = help.find("\n\n");
  std::string rest = options == std::string::npos ? std::string() : help.substr(options + 2);
  if (!rest.empty() && rest.back() != '\n') rest += '\n';
  return "usage: " + synopsis_ + "\n\n" + description_ + "\n\n" + rest;
}

Status change_dir(const std::string& dir) {
  if (dir.empty()) return {};
  if (chdir(dir.c_str()) != 0)
    return fail(Error(Code::NOT_A_REPO, "cannot change to '" + dir + "': " + std::strerror(errno)));
  return {};
}

Result<std::optional<cxxopts::ParseResult>> Args::parse(Context& ctx, const std::vector<std::string>& args) {
  std::vector<std::string> storage;
  storage.push_back(synopsis_);
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : storage) argv.push_back(s.data());
  try {
    auto result = opts_.parse(static_cast<int>(argv.size()), argv.data());
    if (result.count("help")) {
      std::cout << usage();
      return std::optional<cxxopts::ParseResult>();
    }
    if (!result.unmatched().empty())
      return fail(Error::usage("unexpected argument '" + result.unmatched().front() + "'").hint("usage: " + synopsis_));
    if (result.count("C"))
      for (const auto& d : result["C"].as<std::vector<std::string>>()) AGENTQ_TRY(change_dir(d));
    if (result.count("actor")) ctx.actor = result["actor"].as<std::string>();
    if (result.count("json")) ctx.out.json_mode = true;
    if (result.count("quiet")) ctx.out.quiet = true;
    if (write_ && result.count("offline")) ctx.offline = true;
    return std::optional<cxxopts::ParseResult>(std::move(result));
  } catch (const cxxopts::exceptions::exception& e) {
    std::string msg = e.what();
    if (!msg.empty()) msg[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(msg[0])));
    return fail(Error::usage(msg).hint("usage: " + synopsis_));
  }
}

std::string opt_str(const cxxopts::ParseResult& r, const std::string& name, const std::string& fallback) {
  return r.count(name) ? r[name].as<std::string>() : fallback;
}

std::optional<long> opt_long(const cxxopts::ParseResult& r, const std::string& name) {
  if (!r.count(name)) return std::nullopt;
  return r[name].as<long>();
}

}  // namespace agentq::cli
