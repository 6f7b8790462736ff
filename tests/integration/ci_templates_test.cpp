// The CI templates of doc/ci/ are checked by real validators: @action-validator/cli (GitHub's
// workflow schema) and GitLab's CI JSON schema as gitlab-ci-local ships it, checked with the
// ajv it ships with. A copy with a misspelt key must fail each, so a validator that accepts
// anything cannot pass the test.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "harness.h"
#include "npm_cache.h"

using namespace agentq::it;

namespace {

// gitlab-ci-local 4.56 is the last release that runs on Debian's node (18 in bookworm).
const char* kValidators = "@action-validator/cli@0.6.0 gitlab-ci-local@4.56.0";

const char* kGitlabValidator = R"JS(
import { createRequire } from 'module';
import { readFileSync } from 'fs';
const dir = process.env.VALIDATORS;
const req = createRequire(dir + '/node_modules/gitlab-ci-local/package.json');
const Ajv = req('ajv');
const yaml = req('js-yaml');
const { schema } = await import(dir + '/node_modules/gitlab-ci-local/src/schema/schema.js');
const validate = new Ajv({ strict: false, allErrors: true, validateFormats: false, logger: false }).compile(schema);
const doc = yaml.load(readFileSync(process.argv[2], 'utf8'));
if (validate(doc)) { console.log('valid'); process.exit(0); }
console.log(JSON.stringify(validate.errors, null, 1));
process.exit(1);
)JS";

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string misspelt(std::string text, const std::string& key, const std::string& bad) {
  const size_t at = text.find(key);
  REQUIRE(at != std::string::npos);
  return text.replace(at, key.size(), bad);
}

}  // namespace

TEST_CASE("the CI templates pass GitHub's and GitLab's validators", "[ci-templates]") {
  Sandbox sb;
  std::string why;
  const std::string dir = npm_install(sb, "ci-validators", kValidators, "node_modules/gitlab-ci-local/src/schema/schema.js", why);
  if (dir.empty()) {
    WARN("skipped: " << why);
    return;
  }
  const std::string github = std::string(AGENTQ_SOURCE_DIR) + "/doc/ci/github-actions.yml";
  const std::string gitlab = std::string(AGENTQ_SOURCE_DIR) + "/doc/ci/gitlab-ci.yml";
  const std::string action_validator = dir + "/node_modules/.bin/action-validator";

  Run gh = sb.run({action_validator, github}, sb.root());
  INFO(gh.all());
  CHECK(gh.code == 0);
  sb.write("bad-github.yml", misspelt(slurp(github), "runs-on:", "runs_on:"));
  CHECK(sb.run({action_validator, sb.path("bad-github.yml")}, sb.root()).code != 0);

  sb.write("gitlab.mjs", kGitlabValidator);
  Run gl = sb.run({"node", sb.path("gitlab.mjs"), gitlab}, sb.root(), {{"VALIDATORS", dir}});
  INFO(gl.all());
  CHECK(gl.code == 0);
  sb.write("bad-gitlab.yml", misspelt(slurp(gitlab), "before_script:", "before_scripts:"));
  Run bad = sb.run({"node", sb.path("gitlab.mjs"), sb.path("bad-gitlab.yml")}, sb.root(), {{"VALIDATORS", dir}});
  CHECK(bad.code == 1);
  CHECK(bad.out.find("before_scripts") != std::string::npos);
}

TEST_CASE("the CI templates install this version's package, cached under its version", "[ci-templates]") {
  Sandbox sb;
  std::string version = sb.run({sb.binary(), "--version"}).out;  // "git-agentq version X.Y.Z"
  version = version.substr(version.rfind(' ') + 1);
  while (!version.empty() && version.back() == '\n') version.pop_back();
  for (const char* name : {"/doc/ci/github-actions.yml", "/doc/ci/gitlab-ci.yml"}) {
    INFO(name);
    const std::string t = slurp(std::string(AGENTQ_SOURCE_DIR) + name);
    CHECK(t.find("AGENTQ_VERSION: \"" + version + "\"") != std::string::npos);
    CHECK(t.find("git-agentq_" + version + "_amd64.deb") != std::string::npos);
    const bool keyed = t.find("key: git-agentq-deb-${{ env.AGENTQ_VERSION }}") != std::string::npos ||
                       t.find("key: git-agentq-deb-$AGENTQ_VERSION") != std::string::npos;
    CHECK(keyed);  // a new version is a new cache entry, built or fetched once
    CHECK(t.find("git-agentq.deb") != std::string::npos);
    CHECK(t.find("git agentq ci-check") != std::string::npos);
  }
}
