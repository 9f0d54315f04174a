// Positions and plumbing shared by the parse: UTF-8 validation, the code
// point to byte map, syntax error de-duplication, and the token source that
// feeds pre-scanned tokens to ANTLR.
#include <algorithm>
#include <cstdint>
#include <string>

#include "compiler/parse/parse_state.h"

namespace signoff::parse {

using antlr4::Token;

bool ValidUtf8(std::string_view text, size_t* bad) {
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int len;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;  // no surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      *bad = i;
      return false;
    }
    for (int k = 1; k < len; ++k) {
      if (i + k >= n) {
        *bad = i;
        return false;
      }
      unsigned char cc = static_cast<unsigned char>(text[i + k]);
      if (cc < (k == 1 ? lo : 0x80) || cc > (k == 1 ? hi : 0xBF)) {
        *bad = i;
        return false;
      }
    }
    i += len;
  }
  return true;
}

TextMap::TextMap(FileId file, std::string_view text, uint32_t base,
                 const std::vector<uint32_t>* remap)
    : file_(file), text_(text), base_(base), remap_(remap) {
  cp_to_byte_.reserve(text.size() + 1);
  for (size_t i = 0; i < text.size();) {
    cp_to_byte_.push_back(static_cast<uint32_t>(i));
    i += Utf8Length(static_cast<unsigned char>(text[i]));
  }
  cp_to_byte_.push_back(static_cast<uint32_t>(text.size()));
}

uint32_t TextMap::Begin(const Token* token) const {
  size_t index = token->getStartIndex();
  if (index >= cp_to_byte_.size()) return cp_to_byte_.back();
  return cp_to_byte_[index];
}

uint32_t TextMap::End(const Token* token) const {
  uint32_t begin = Begin(token);
  size_t stop = token->getStopIndex();
  if (token->getType() == Token::EOF || stop == INVALID_INDEX ||
      stop + 1 < token->getStartIndex()) {
    return begin;
  }
  if (stop + 1 >= cp_to_byte_.size()) return cp_to_byte_.back();
  return std::max(begin, cp_to_byte_[stop + 1]);
}

std::string_view TextMap::Text(const Token* token) const {
  uint32_t begin = Begin(token);
  return text_.substr(begin, End(token) - begin);
}

uint32_t TextMap::FileOffset(uint32_t text_offset) const {
  if (remap_ == nullptr) return base_ + text_offset;
  if (remap_->empty()) return base_;
  return (*remap_)[std::min<size_t>(text_offset, remap_->size() - 1)];
}

SourceSpan TextMap::Span(const Token* token) const {
  return Span(token, token);
}

SourceSpan TextMap::Span(const Token* first, const Token* last) const {
  uint32_t begin = Begin(first);
  uint32_t end = last == nullptr ? begin : std::max(begin, End(last));
  return SourceSpan{file_, FileOffset(begin), FileOffset(end)};
}

SourceSpan TextMap::Span(antlr4::ParserRuleContext* ctx) const {
  return Span(ctx->getStart(), ctx->getStop());
}

OffsetMap TextMap::Offsets(const Token* token) const {
  if (remap_ == nullptr) return OffsetMap{file_, base_ + Begin(token), nullptr};
  return OffsetMap{file_, Begin(token), remap_};
}

void ParseState::SyntaxError(SourceSpan span, std::string message,
                             std::string help) {
  if (last_error_valid && span.begin == last_error_offset) return;
  if (syntax_errors > kMaxSyntaxErrors) return;
  last_error_valid = true;
  last_error_offset = span.begin;
  DiagKind kind =
      interpolation ? DiagKind::kInvalidInterpolation : DiagKind::kSyntaxError;
  if (++syntax_errors > kMaxSyntaxErrors) {
    diags.Report(kind, span, "too many syntax errors; giving up on this file");
    return;
  }
  diags.Report(kind, span, std::move(message), std::move(help));
}

VectorTokenSource::VectorTokenSource(std::vector<std::unique_ptr<Token>> t)
    : tokens_(std::move(t)) {
  if (!tokens_.empty()) {
    eof_start_ = tokens_.back()->getStartIndex();
    eof_line_ = tokens_.back()->getLine();
    eof_column_ = tokens_.back()->getCharPositionInLine();
  }
}

std::unique_ptr<Token> VectorTokenSource::nextToken() {
  if (next_ < tokens_.size()) return std::move(tokens_[next_++]);
  auto eof = std::make_unique<antlr4::CommonToken>(Token::EOF);
  eof->setStartIndex(eof_start_);
  eof->setStopIndex(eof_start_ - 1);
  eof->setLine(eof_line_);
  eof->setCharPositionInLine(eof_column_);
  next_ = tokens_.size() + 1;
  return eof;
}

size_t VectorTokenSource::getLine() const {
  return next_ < tokens_.size() ? tokens_[next_]->getLine() : eof_line_;
}

size_t VectorTokenSource::getCharPositionInLine() {
  return next_ < tokens_.size() ? tokens_[next_]->getCharPositionInLine()
                                : eof_column_;
}

antlr4::TokenFactory<antlr4::CommonToken>*
VectorTokenSource::getTokenFactory() {
  return antlr4::CommonTokenFactory::DEFAULT.get();
}

}  // namespace signoff::parse
