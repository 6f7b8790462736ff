#include "cmd/output.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "core/utf8.h"

namespace agentq::cli {
namespace {

// JSON never carries bytes that are not UTF-8 (a message may quote what a user typed): they
// become U+FFFD instead of an exception out of the renderer.
std::string dump_json(const json& j) { return j.dump(2, ' ', false, json::error_handler_t::replace); }

}  // namespace

json error_json(const Error& e) {
  json j;
  j["code"] = std::string(code_name(e.code));
  j["message"] = e.message;
  // Every key is always there (null when it does not apply), so that a consumer reads
  // error.fix without checking first.
  j["location"] = nullptr;
  if (!e.where.empty()) {
    json loc;
    if (!e.where.file.empty()) loc["file"] = e.where.file;
    if (e.where.line) loc["line"] = e.where.line;
    if (e.where.col) loc["col"] = e.where.col;
    if (!e.where.ref.empty()) loc["ref"] = e.where.ref;
    if (!e.where.commit.empty()) loc["commit"] = e.where.commit;
    if (!e.where.task.empty()) loc["task"] = e.where.task;
    j["location"] = loc;
  }
  j["fix"] = e.fix.empty() ? json(nullptr) : json(e.fix);
  j["exit_code"] = e.exit_code();
  return j;
}

void Output::diagnostic(const Error& e, const char* label) const {
  *err_ << label << "[" << code_name(e.code) << "]: " << neutralise_keeping_colour(e.str()) << "\n";
  if (!e.fix.empty()) *err_ << "hint: " << neutralise_keeping_colour(e.fix) << "\n";
}

int Output::error(const Error& e) const {
  diagnostic(e);
  if (json_mode) {
    json j;
    j["ok"] = false;
    j["error"] = error_json(e);
    *out_ << dump_json(j) << "\n";
  }
  out_->flush();
  return e.exit_code();
}

void Output::note(const std::string& msg) const {
  if (!quiet) *err_ << neutralise_keeping_colour(msg) << "\n";
}

void Output::warn(const std::string& msg) const {
  if (!quiet) *err_ << "warning: " << neutralise_keeping_colour(msg) << "\n";
}

void Output::line(const std::string& t) const {
  if (text()) *out_ << neutralise_keeping_colour(t) << "\n";
}

void Output::emit(const json& j) const { *out_ << dump_json(j) << "\n"; }

void Output::raw(const std::string& text) const { *out_ << text; }

void Output::raw_log(const std::string& text) const { *err_ << text << std::flush; }

void Output::progress(const std::string& t) const {
  if (quiet || json_mode || captured_ || !isatty(2)) return;
  *err_ << neutralise_keeping_colour(t) << "\n";
}

bool Output::color() const {
  static const bool on = isatty(1) && !std::getenv("NO_COLOR") && std::getenv("TERM") &&
                         std::string(std::getenv("TERM")) != "dumb";
  return (captured_ ? captured_color_ : on) && !json_mode;
}

namespace {
std::string wrap(bool on, const char* code, const std::string& s) {
  return on ? std::string("\033[") + code + "m" + s + "\033[0m" : s;
}
}  // namespace

std::string Output::bold(const std::string& s) const { return wrap(color(), "1", s); }
std::string Output::green(const std::string& s) const { return wrap(color(), "32", s); }
std::string Output::red(const std::string& s) const { return wrap(color(), "31", s); }
std::string Output::yellow(const std::string& s) const { return wrap(color(), "33", s); }
std::string Output::dim(const std::string& s) const { return wrap(color(), "2", s); }

std::string pad(const std::string& s, size_t width) {
  return s.size() >= width ? s + " " : s + std::string(width - s.size(), ' ');
}

}  // namespace agentq::cli
