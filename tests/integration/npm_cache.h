// npm packages the tests run with node (the MCP SDK client, the CI template validators),
// installed once into a cache directory of the build tree (or AGENTQ_TEST_CACHE) that the
// tests control, never into the system or the sandbox's HOME.
#pragma once

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "harness.h"

namespace agentq::it {

inline std::string npm_cache_dir(const Sandbox& sb, const std::string& name) {
  if (const char* c = std::getenv("AGENTQ_TEST_CACHE")) return std::string(c) + "/" + name;
  return (std::filesystem::path(sb.binary()).parent_path() / "test-cache" / name).string();
}

// Installs `packages` (npm specs) into the cache directory `name` unless `marker` (a path
// under it) exists, under a lock (ctest runs tests in parallel). Returns the directory, or ""
// with `why` set when npm's registry cannot be reached: the only reason to skip. Any other
// failure fails the test.
inline std::string npm_install(const Sandbox& sb, const std::string& name, const std::string& packages,
                               const std::string& marker, std::string& why) {
  const std::string dir = npm_cache_dir(sb, name);
  const std::string mark = dir + "/" + marker;
  if (std::filesystem::exists(mark)) return dir;
  std::filesystem::create_directories(dir);
  // --ignore-scripts: nothing is compiled at install time (the packages used are plain JS).
  Run r = sb.sh(sb.root(), "flock '" + dir + ".lock' sh -c 'test -e \"" + mark + "\" || npm install --prefix \"" + dir +
                               "\" --cache \"" + dir + "/npm-cache\" --ignore-scripts --no-audit --no-fund "
                               "--loglevel=error " + packages + "'");
  if (r.code == 0 && std::filesystem::exists(mark)) return dir;
  Run ping = sb.sh(sb.root(), "npm ping --cache '" + dir + "/npm-cache' 2>&1");
  if (ping.code != 0) {
    why = "npm's registry is unreachable (" + ping.all() + "), so " + packages + " cannot be installed";
    return {};
  }
  INFO("npm install " << packages << ": " << r.all());
  FAIL("npm install failed although the registry is reachable");
  return {};
}

}  // namespace agentq::it
