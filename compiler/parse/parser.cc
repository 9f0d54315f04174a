// The parse driver: limits, lexing, the pre-scan, one ANTLR parse per
// declaration with resynchronisation after a syntax error, and the nested
// parse of message interpolations.
//
// Everything ANTLR can throw is caught here; ParseFile never throws.
#include "compiler/parse/parser.h"

#include <exception>
#include <string>

#include "SignoffLexer.h"
#include "absl/strings/str_cat.h"
#include "compiler/parse/builder.h"
#include "compiler/parse/parse_state.h"
#include "stdlib/absl_compat.h"

namespace signoff::parse {
namespace {

using antlr4::Token;

// ANTLRInputStream drops one leading byte-order mark. We hand it one so that
// it sees exactly our text (which may itself start with U+FEFF).
constexpr char kByteOrderMark[] = "\xEF\xBB\xBF";

// A lexer, token stream and parser over the text of one ParseState.
class Session {
 public:
  explicit Session(ParseState& state)
      : input_(absl::StrCat(kByteOrderMark, AsAbsl(state.map.text()))),
        lexer_(&input_) {
    lexer_.removeErrorListeners();
    scanned_ = ScanTokens(lexer_, state);
    source_ = std::make_unique<VectorTokenSource>(std::move(scanned_.tokens));
    stream_ = std::make_unique<antlr4::CommonTokenStream>(source_.get());
    stream_->fill();
    parser_ = std::make_unique<SignoffParser>(stream_.get());
    parser_->removeErrorListeners();
    parser_->setErrorHandler(MakeErrorStrategy(state));
  }

  ScannedTokens& scanned() { return scanned_; }
  antlr4::CommonTokenStream& stream() { return *stream_; }
  SignoffParser& parser() { return *parser_; }

  // Frees the parse tree of the last declaration and clears error state.
  void Reset() {
    parser_->getTreeTracker().reset();
    parser_->getErrorHandler()->reset(parser_.get());
  }

 private:
  antlr4::ANTLRInputStream input_;
  signoff_antlr::SignoffLexer lexer_;
  ScannedTokens scanned_;
  std::unique_ptr<VectorTokenSource> source_;
  std::unique_ptr<antlr4::CommonTokenStream> stream_;
  std::unique_ptr<SignoffParser> parser_;
};

void ParseDeclarations(ParseState& state, ast::File* file) {
  Session session(state);
  file->comments = std::move(session.scanned().comments);
  antlr4::CommonTokenStream& stream = session.stream();
  const std::vector<Token*> tokens = stream.getTokens();
  AstBuilder builder(state);
  while (stream.LA(1) != Token::EOF &&
         state.syntax_errors <= kMaxSyntaxErrors && !state.diags.full()) {
    size_t start = stream.index();
    try {
      SignoffParser::DeclarationContext* ctx = session.parser().declaration();
      std::optional<ast::Decl> decl = builder.Declaration(ctx);
      if (decl.has_value()) file->decls.push_back(std::move(*decl));
    } catch (const DeclarationAborted&) {
      // Skip to the next line that starts a declaration.
      size_t next = std::max(stream.index(), start + 1);
      while (next + 1 < tokens.size() && !StartsDeclaration(tokens, next)) {
        ++next;
      }
      stream.seek(std::min(next, tokens.size() - 1));
    }
    session.Reset();
  }
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

ast::ExprPtr ParseInterpolation(std::string_view text,
                                const std::vector<uint32_t>& remap, FileId file,
                                Reporter& diags) {
  ParseState state(file, text, 0, &remap, diags);
  state.interpolation = true;
  Session session(state);
  if (session.scanned().too_deep || state.syntax_errors > 0) return nullptr;
  try {
    SignoffParser::InterpolationContext* ctx = session.parser().interpolation();
    AstBuilder builder(state);
    ast::ExprPtr expr = builder.Expr(ctx->expr());
    if (builder.failed()) return nullptr;
    return expr;
  } catch (const DeclarationAborted&) {
    return nullptr;
  }
}

ast::File ParseFile(const SourceManager& sources, FileId id,
                    DiagnosticBag& diags) {
  ast::File file;
  file.file = id;
  const SourceFile& source = sources.file(id);
  file.is_test_file = EndsWith(source.path(), "_test.signoff");
  std::string_view text = source.text();
  if (text.size() > kMaxFileBytes) {
    diags.Report(
        DiagKind::kFileTooLarge, SourceSpan{id, 0, 0},
        absl::StrCat("file is ", text.size(), " bytes, more than the limit of ",
                     kMaxFileBytes, " bytes"),
        "split the policy into several files");
    return file;
  }
  size_t bad = 0;
  if (!ValidUtf8(text, &bad)) {
    uint32_t at = static_cast<uint32_t>(bad);
    diags.Report(DiagKind::kInvalidUtf8, SourceSpan{id, at, at + 1},
                 absl::StrCat("invalid UTF-8 byte 0x",
                              absl::Hex(static_cast<unsigned char>(text[bad]),
                                        absl::kZeroPad2)),
                 "save the file as UTF-8");
    return file;
  }
  // A leading byte-order mark is not part of the text.
  uint32_t base = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  try {
    Reporter reporter(diags);
    ParseState state(id, text.substr(base), base, nullptr, reporter);
    ParseDeclarations(state, &file);
  } catch (const std::exception& e) {
    diags.Report(DiagKind::kSyntaxError, SourceSpan{id, 0, 0},
                 absl::StrCat("internal parser error: ", e.what()),
                 "please report this as a bug in signoff");
  } catch (...) {
    diags.Report(DiagKind::kSyntaxError, SourceSpan{id, 0, 0},
                 "internal parser error",
                 "please report this as a bug in signoff");
  }
  return file;
}

}  // namespace signoff::parse
