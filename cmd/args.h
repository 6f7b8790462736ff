// Argument parsing shared by every command: cxxopts plus the global options (--actor, --json,
// -q, -C, and --offline on write commands), accepted before or after the command name.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <cxxopts.hpp>

#include "cmd/context.h"
#include "core/error.h"

namespace agentq::cli {

class Args {
 public:
  // `synopsis` is the usage line after "git agentq"; `write` adds --offline.
  Args(const std::string& command, const std::string& synopsis, const std::string& description, bool write = false);

  cxxopts::OptionAdder add();
  // Names positional arguments in order; the last one may be a vector to take the rest.
  void positional(const std::vector<std::string>& names);

  // Parses `args`. Prints usage and returns nullopt for -h/--help. Applies -C (chdir), --actor,
  // --json, -q and --offline to `ctx`. Unknown options and stray arguments are USAGE errors.
  Result<std::optional<cxxopts::ParseResult>> parse(Context& ctx, const std::vector<std::string>& args);

  std::string usage() const;

 private:
  cxxopts::Options opts_;
  std::string synopsis_;
  std::string description_;
  std::vector<std::string> positional_;
  bool write_;
};

// Helpers for reading parsed options.
std::string opt_str(const cxxopts::ParseResult& r, const std::string& name, const std::string& fallback = {});
std::optional<long> opt_long(const cxxopts::ParseResult& r, const std::string& name);

// Applies one -C DIR (like git: relative to the previous one).
Status change_dir(const std::string& dir);

}  // namespace agentq::cli
