// Shared state of one parse (private to compiler/parse; ANTLR types allowed
// here and nowhere outside this folder).
//
// ANTLR's C++ runtime indexes characters by code point; our spans are byte
// offsets into the UTF-8 file. TextMap converts, and also maps the text of a
// message interpolation (decoded from the string literal before it was
// parsed on its own) back to the bytes of the file.
#ifndef SIGNOFF_COMPILER_PARSE_PARSE_STATE_H_
#define SIGNOFF_COMPILER_PARSE_PARSE_STATE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "SignoffParser.h"
#include "antlr4-runtime.h"
#include "compiler/ast/ast.h"
#include "compiler/diag/diagnostic.h"
#include "compiler/parse/literals.h"
#include "compiler/source/source.h"

namespace signoff::parse {

using signoff_antlr::SignoffParser;

// Stop reporting syntax errors in a file after this many.
inline constexpr int kMaxSyntaxErrors = 100;

class TextMap {
 public:
  // `text` must outlive the map. `base` is the file offset of text[0];
  // `remap` (if not null) maps each text offset (0..size) to a file offset.
  TextMap(FileId file, std::string_view text, uint32_t base,
          const std::vector<uint32_t>* remap);

  FileId file() const { return file_; }
  std::string_view text() const { return text_; }

  // Byte offsets into text() of a token (EOF: zero width at the end).
  uint32_t Begin(const antlr4::Token* token) const;
  uint32_t End(const antlr4::Token* token) const;
  std::string_view Text(const antlr4::Token* token) const;

  uint32_t FileOffset(uint32_t text_offset) const;
  SourceSpan Span(const antlr4::Token* token) const;
  SourceSpan Span(const antlr4::Token* first, const antlr4::Token* last) const;
  SourceSpan Span(antlr4::ParserRuleContext* ctx) const;
  SourceSpan Span(antlr4::tree::TerminalNode* node) const {
    return Span(node->getSymbol());
  }
  // For decoding a literal token: local offset 0 is the token's first byte.
  OffsetMap Offsets(const antlr4::Token* token) const;

 private:
  FileId file_;
  std::string_view text_;
  uint32_t base_;
  const std::vector<uint32_t>* remap_;
  std::vector<uint32_t> cp_to_byte_;  // code point index -> byte offset
};

// Everything the stages of one parse share.
struct ParseState {
  ParseState(FileId file, std::string_view text, uint32_t base,
             const std::vector<uint32_t>* remap, Reporter& diags)
      : map(file, text, base, remap), diags(diags) {}

  TextMap map;
  Reporter& diags;
  // Inside a message interpolation, syntax errors are InvalidInterpolation.
  bool interpolation = false;
  int syntax_errors = 0;
  // File offsets of tokens right after a stray character the pre-scan
  // reported and dropped (sorted): a parse error there is a cascade.
  std::vector<uint32_t> after_stray;
  bool last_error_valid = false;
  uint32_t last_error_offset = 0;

  // Reports a syntax error unless one was already reported at the same
  // place or the file has too many.
  void SyntaxError(SourceSpan span, std::string message, std::string help = "");
};

// --- tokens (token_scan.cc) -------------------------------------------------

// Whether `text` is valid UTF-8; otherwise *bad is the first bad byte.
bool ValidUtf8(std::string_view text, size_t* bad);

// The lexer's output after the pre-scan: comments taken out, stray
// characters and unterminated strings reported, nesting measured.
struct ScannedTokens {
  std::vector<std::unique_ptr<antlr4::Token>> tokens;  // ends with EOF
  std::vector<ast::Comment> comments;
  bool too_deep = false;
};

// Runs the lexer to the end and pre-scans its tokens. When the nesting
// limit is exceeded, reports NestingTooDeep once and cuts the token list
// (see the .cc) so the recursive parser never sees the deep part.
ScannedTokens ScanTokens(antlr4::Lexer& lexer, ParseState& state);

// Whether tokens[i] plausibly starts a declaration (a declaration keyword
// first on its line followed by what that declaration needs).
bool StartsDeclaration(const std::vector<antlr4::Token*>& tokens, size_t i);

// Hands pre-scanned tokens to a CommonTokenStream.
class VectorTokenSource : public antlr4::TokenSource {
 public:
  explicit VectorTokenSource(std::vector<std::unique_ptr<antlr4::Token>> t);
  std::unique_ptr<antlr4::Token> nextToken() override;
  size_t getLine() const override;
  size_t getCharPositionInLine() override;
  antlr4::CharStream* getInputStream() override { return nullptr; }
  std::string getSourceName() override { return "signoff"; }
  antlr4::TokenFactory<antlr4::CommonToken>* getTokenFactory() override;

 private:
  std::vector<std::unique_ptr<antlr4::Token>> tokens_;
  size_t next_ = 0;
  size_t eof_start_ = 0;
  size_t eof_line_ = 1;
  size_t eof_column_ = 0;
};

// --- errors (error_strategy.cc) ---------------------------------------------

// Thrown (by the error strategy) after reporting the first syntax error of
// a declaration; the driver catches it and resynchronises.
struct DeclarationAborted {};

// Reports the first syntax error of a declaration in our style and aborts
// the declaration: no in-rule recovery, so no cascading errors.
std::shared_ptr<antlr4::ANTLRErrorStrategy> MakeErrorStrategy(
    ParseState& state);

}  // namespace signoff::parse

#endif  // SIGNOFF_COMPILER_PARSE_PARSE_STATE_H_
