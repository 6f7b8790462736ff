// The single place that writes to stdout/stderr: text and --json rendering, and the one
// function that prints `error[CODE]: message`.
#pragma once

#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace agentq::cli {

using json = nlohmann::ordered_json;

class Output {
 public:
  bool json_mode = false;
  bool quiet = false;

  // stderr: "error[CODE]: LOCATION: message" and "hint: fix"; with --json also a JSON
  // object {"ok": false, "error": {...}} on stdout. Returns the exit code for the error.
  int error(const Error& e) const;
  // stderr only: the "error[CODE]: …" and "hint: …" lines (for reports of many findings).
  void diagnostic(const Error& e, const char* label = "error") const;
  // stderr, a plain line (suppressed by -q).
  void note(const std::string& msg) const;
  // stderr: "warning: …" (suppressed by -q).
  void warn(const std::string& msg) const;
  // stdout, one line, for text mode only (suppressed by -q and --json).
  void line(const std::string& text = {}) const;
  // stdout, pretty JSON (printed whatever -q says: the caller asked for it).
  void emit(const json& j) const;
  // stdout, a finished document (JUnit XML, a report) as is.
  void raw(const std::string& text) const;
  // stderr, text as is (what a command run in capture mode said there: the server's log).
  void raw_log(const std::string& text) const;
  // Progress and notices on stderr when it is a terminal (never with -q or --json).
  void progress(const std::string& text) const;

  bool text() const { return !json_mode && !quiet; }
  bool color() const;
  std::string bold(const std::string& s) const;
  std::string green(const std::string& s) const;
  std::string red(const std::string& s) const;
  std::string yellow(const std::string& s) const;
  std::string dim(const std::string& s) const;

  // Capture mode: what would go to stdout and stderr goes to these streams instead, so a
  // command can run in-process for a caller that owns the real streams (the MCP server,
  // whose stdout carries nothing but protocol messages). Progress is never shown then.
  // `color`: keep colouring the text (a frame of `status --watch` drawn on a terminal).
  void capture(std::ostream& out, std::ostream& err, bool color = false) {
    out_ = &out;
    err_ = &err;
    captured_ = true;
    captured_color_ = color;
  }
  void flush() const { out_->flush(); }

 private:
  std::ostream* out_ = &std::cout;
  std::ostream* err_ = &std::cerr;
  bool captured_ = false, captured_color_ = false;
};

json error_json(const Error& e);

// Left-aligned columns for simple tables.
std::string pad(const std::string& s, size_t width);

}  // namespace agentq::cli
