// core/strings.h: the one trim, chomp and blank.
#include <catch2/catch.hpp>

#include "core/strings.h"

using namespace agentq;

TEST_CASE("strings: chomp drops line endings only, so a trailing space in a value survives", "[strings]") {
  CHECK(chomp("main\n") == "main");
  CHECK(chomp("C:\\dir\r\n") == "C:\\dir");
  CHECK(chomp("hooks dir \n") == "hooks dir ");
  CHECK(chomp("\n\n") == "");
  CHECK(chomp("") == "");
}

TEST_CASE("strings: trim_end drops every kind of trailing whitespace, trim both ends", "[strings]") {
  CHECK(trim_end("fatal: no such ref  \t\r\n") == "fatal: no such ref");
  CHECK(trim_end("  kept in front") == "  kept in front");
  CHECK(trim("\t ssh-ed25519 AAAA key \n") == "ssh-ed25519 AAAA key");
  CHECK(trim(" \n ") == "");
  CHECK(trim("x") == "x");
}

TEST_CASE("strings: blank is empty or only spaces, tabs and line endings", "[strings]") {
  CHECK(blank(""));
  CHECK(blank(" \t\r\n"));
  CHECK_FALSE(blank(" x "));
  CHECK_FALSE(blank("-"));
}

TEST_CASE("strings: lower is ASCII lower case", "[strings]") {
  CHECK(lower("Couldn't Find Remote Ref") == "couldn't find remote ref");
  CHECK(lower("ABCDEF0123") == "abcdef0123");
}

TEST_CASE("strings: sh_quote makes one shell word of anything", "[strings]") {
  CHECK(sh_quote("plain") == "'plain'");
  CHECK(sh_quote("it's") == "'it'\\''s'");
  CHECK(sh_quote("") == "''");
}

TEST_CASE("strings: join puts the separator between the parts only", "[strings]") {
  CHECK(join({}) == "");
  CHECK(join({"a"}) == "a");
  CHECK(join({"a", "b", "c"}) == "a, b, c");
  CHECK(join({"x", "y"}, " | ") == "x | y");
}
