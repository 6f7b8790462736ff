#include "core/glob.h"

#include <cctype>
#include <cstdint>
#include <memory>

namespace agentq {
namespace {

// The matcher works on a parsed pattern: a sequence of tokens, matched against the text by a
// backtracking search memoised on (token, text position), so it is O(tokens × length).
struct Token {
  enum Kind : uint8_t { literal, any_char, star, dirs, rest, cls } kind;
  char ch = 0;            // literal
  uint32_t class_at = 0;  // cls: offset of the class body in the pattern
  bool negated = false;   // cls
};

bool class_contains(std::string_view body, unsigned char c, bool* malformed) {
  // `body` is the text between '[' (after any negation) and the closing ']'.
  bool matched = false;
  unsigned char prev = 0;
  bool have_prev = false;
  for (size_t i = 0; i < body.size(); ++i) {
    unsigned char p = static_cast<unsigned char>(body[i]);
    if (p == '\\' && i + 1 < body.size()) {
      p = static_cast<unsigned char>(body[++i]);
      if (p == c) matched = true;
      prev = p;
      have_prev = true;
      continue;
    }
    if (p == '-' && have_prev && i + 1 < body.size()) {
      unsigned char hi = static_cast<unsigned char>(body[++i]);
      if (hi == '\\' && i + 1 < body.size()) hi = static_cast<unsigned char>(body[++i]);
      if (c >= prev && c <= hi) matched = true;
      have_prev = false;
      continue;
    }
    if (p == '[' && i + 1 < body.size() && body[i + 1] == ':') {
      size_t end = body.find(":]", i + 2);
      if (end != std::string_view::npos) {
        std::string_view name = body.substr(i + 2, end - i - 2);
        int ch = c;
        bool in;
        if (name == "alnum") in = std::isalnum(ch);
        else if (name == "alpha") in = std::isalpha(ch);
        else if (name == "blank") in = ch == ' ' || ch == '\t';
        else if (name == "cntrl") in = std::iscntrl(ch);
        else if (name == "digit") in = std::isdigit(ch);
        else if (name == "graph") in = std::isgraph(ch);
        else if (name == "lower") in = std::islower(ch);
        else if (name == "print") in = std::isprint(ch);
        else if (name == "punct") in = std::ispunct(ch);
        else if (name == "space") in = std::isspace(ch);
        else if (name == "upper") in = std::isupper(ch);
        else if (name == "xdigit") in = std::isxdigit(ch);
        else {
          *malformed = true;
          return false;
        }
        if (in) matched = true;
        i = end + 1;
        have_prev = false;
        continue;
      }
    }
    if (p == c) matched = true;
    prev = p;
    have_prev = true;
  }
  return matched;
}

// Finds the ']' closing a class whose body starts at `i` (a ']' right at the start is literal,
// as are escaped ones and those inside "[:name:]"). npos when unterminated.
size_t class_end(std::string_view p, size_t i) {
  size_t j = i;
  if (j < p.size() && p[j] == ']') ++j;
  while (j < p.size()) {
    if (p[j] == '\\') {
      j += 2;
      continue;
    }
    if (p[j] == '[' && j + 1 < p.size() && p[j + 1] == ':') {
      size_t end = p.find(":]", j + 2);
      if (end != std::string_view::npos) {
        j = end + 2;
        continue;
      }
    }
    if (p[j] == ']') return j;
    ++j;
  }
  return std::string_view::npos;
}

bool parse(std::string_view p, std::vector<Token>* out) {
  for (size_t i = 0; i < p.size();) {
    const char c = p[i];
    if (c == '\\') {
      if (i + 1 >= p.size()) return false;  // a trailing backslash matches nothing
      out->push_back({Token::literal, p[i + 1]});
      i += 2;
    } else if (c == '?') {
      out->push_back({Token::any_char});
      ++i;
    } else if (c == '*') {
      size_t j = i;
      while (j < p.size() && p[j] == '*') ++j;
      const bool at_boundary_before = i == 0 || p[i - 1] == '/';
      if (j - i >= 2 && j == p.size()) {
        // Trailing stars match the rest, slashes included, whatever precedes them (git:
        // ':(glob)a**' matches "a/b/c").
        out->push_back({Token::rest});
        i = j;
      } else if (j - i >= 2 && at_boundary_before && p[j] == '/') {
        out->push_back({Token::dirs});  // "**/": zero or more whole directories
        i = j + 1;
      } else {
        out->push_back({Token::star});  // any other run of stars is one '*'
        i = j;
      }
    } else if (c == '[') {
      size_t body = i + 1;
      bool negated = false;
      if (body < p.size() && (p[body] == '!' || p[body] == '^')) {
        negated = true;
        ++body;
      }
      size_t end = class_end(p, body);
      if (end == std::string_view::npos) return false;  // unterminated: matches nothing
      Token t{Token::cls};
      t.class_at = static_cast<uint32_t>(body);
      t.negated = negated;
      t.ch = static_cast<char>(end - body);  // body length fits: patterns are short
      if (end - body > 127) return false;
      out->push_back(t);
      i = end + 1;
    } else {
      out->push_back({Token::literal, c});
      ++i;
    }
  }
  return true;
}

class Matcher {
 public:
  Matcher(std::string_view pattern, const std::vector<Token>& tokens, std::string_view text)
      : pattern_(pattern),
        tokens_(tokens),
        text_(text),
        memo_(std::make_unique<uint8_t[]>((tokens.size() + 1) * (text.size() + 1))) {}

  bool match(size_t t, size_t i) {
    uint8_t& m = memo_[t * (text_.size() + 1) + i];
    if (m) return m == 2;
    bool r = compute(t, i);
    m = r ? 2 : 1;
    return r;
  }

 private:
  bool compute(size_t t, size_t i) {
    if (t == tokens_.size()) return i == text_.size();
    const Token& tok = tokens_[t];
    switch (tok.kind) {
      case Token::rest:
        return true;
      case Token::dirs:
        if (match(t + 1, i)) return true;
        for (size_t j = i; j < text_.size(); ++j)
          if (text_[j] == '/' && match(t + 1, j + 1)) return true;
        return false;
      case Token::star:
        for (size_t j = i;; ++j) {
          if (match(t + 1, j)) return true;
          if (j == text_.size() || text_[j] == '/') return false;
        }
      case Token::any_char:
        return i < text_.size() && text_[i] != '/' && match(t + 1, i + 1);
      case Token::cls: {
        if (i >= text_.size() || text_[i] == '/') return false;
        bool malformed = false;
        bool in = class_contains(pattern_.substr(tok.class_at, static_cast<size_t>(tok.ch)),
                                 static_cast<unsigned char>(text_[i]), &malformed);
        if (malformed) return false;
        return in != tok.negated && match(t + 1, i + 1);
      }
      case Token::literal:
        return i < text_.size() && text_[i] == tok.ch && match(t + 1, i + 1);
    }
    return false;
  }

  std::string_view pattern_;
  const std::vector<Token>& tokens_;
  std::string_view text_;
  std::unique_ptr<uint8_t[]> memo_;  // per (token, position): 0 unknown, 1 no, 2 yes
};

bool wildmatch(std::string_view pattern, const std::vector<Token>& tokens, std::string_view text) {
  Matcher m(pattern, tokens, text);
  return m.match(0, 0);
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view path) {
  // A pattern without wildcard characters names a file or a directory: it matches the path
  // itself and everything below it. Wildcard patterns get no such rule (git: ':(glob)a/*'
  // does not match "a/b/c").
  if (pattern.find_first_of("*?[\\") == std::string_view::npos) {
    while (!pattern.empty() && pattern.back() == '/') pattern.remove_suffix(1);
    if (pattern.empty()) return true;
    return path == pattern || (path.size() > pattern.size() && path.substr(0, pattern.size()) == pattern &&
                               path[pattern.size()] == '/');
  }
  std::vector<Token> tokens;
  if (!parse(pattern, &tokens)) return false;
  return wildmatch(pattern, tokens, path);
}

bool glob_match_any(const std::vector<std::string>& patterns, std::string_view path) {
  for (const std::string& p : patterns)
    if (glob_match(p, path)) return true;
  return false;
}

}  // namespace agentq
