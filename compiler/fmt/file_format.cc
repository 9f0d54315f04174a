// FormatFile: the canonical layout of a whole file (`signoff fmt`).
//
// Declarations and clauses keep their order; each clause, field and
// expectation gets its own line; every comment is printed exactly once
// (see printer.h for where). One blank line separates declarations where
// the source had any, and always surrounds multi-line blocks.
#include <string>
#include <string_view>
#include <variant>

#include "compiler/fmt/fmt_internal.h"
#include "compiler/fmt/formatter.h"
#include "compiler/fmt/literal_text.h"
#include "compiler/fmt/printer.h"

namespace signoff::fmt {
namespace {

class FilePrinter {
 public:
  FilePrinter(std::string_view source, const ast::File& file)
      : source_(source), p_(source, file.comments) {}

  std::string Print(const ast::File& file) {
    bool prev_block = false;
    for (size_t i = 0; i < file.decls.size(); ++i) {
      bool block = IsMultiLine(file.decls[i]);
      if (i > 0 && (block || prev_block)) p_.ForceBlank();
      std::visit([this](const auto& d) { Decl(d); }, file.decls[i]);
      prev_block = block;
    }
    if (prev_block) p_.ForceBlank();
    return p_.Finish();
  }

 private:
  // Whether a block declaration prints over several lines: it has content,
  // or comments inside its braces.
  bool IsBlockWithContent(SourceSpan span, uint32_t brace_end,
                          bool has_children) const {
    return has_children ||
           p_.HasCommentIn(brace_end, p_.CloseBrace(span.begin, span.end));
  }

  bool IsMultiLine(const ast::Decl& decl) const {
    if (const auto* a = std::get_if<ast::ActionDecl>(&decl)) {
      return IsBlockWithContent(a->span, HeaderEnd(a->span, a->name.span),
                                !a->fields.empty());
    }
    if (const auto* r = std::get_if<ast::RuleDecl>(&decl)) {
      return IsBlockWithContent(r->span, HeaderEnd(r->span, r->name.span),
                                !r->clauses.empty());
    }
    if (const auto* d = std::get_if<ast::DefaultDecl>(&decl)) {
      return d->block &&
             IsBlockWithContent(d->span, HeaderEnd(d->span, SourceSpan{}),
                                !d->clauses.empty());
    }
    return std::holds_alternative<ast::TestDecl>(decl);
  }

  // Offset just past the `{` that follows `name`.
  uint32_t HeaderEnd(SourceSpan decl, SourceSpan name) const {
    uint32_t from = name.valid() ? name.end : decl.begin;
    return p_.AfterOpenBrace(from, decl.end);
  }

  // `header {` children `}`, or `header {}` when empty.
  template <typename Children>
  void Block(const std::string& header, SourceSpan span, uint32_t brace_end,
             bool has_children, Children children) {
    uint32_t close = p_.CloseBrace(span.begin, span.end);
    if (!IsBlockWithContent(span, brace_end, has_children)) {
      p_.Line(0, header + " {}", span.begin, span.end);
      return;
    }
    p_.Line(0, header + " {", span.begin, brace_end);
    p_.SuppressBlank();
    children();
    p_.FlushCommentsBefore(close, 1);
    p_.SuppressBlank();
    p_.Line(0, "}", close, span.end);
  }

  void Clauses(const std::vector<ast::Clause>& clauses) {
    for (const ast::Clause& c : clauses) {
      p_.Line(1, ClauseText(source_, c), c.span.begin, c.span.end);
    }
  }

  void Decl(const ast::ImportDecl& d) {
    p_.Line(0, "import " + StringLiteralText(d.module), d.span.begin,
            d.span.end);
  }

  void Decl(const ast::GroupDecl& d) {
    std::string head = "group " + d.name.name + " = ";
    std::string line =
        head + (d.value == nullptr ? "<?>" : FormatGroupExpr(*d.value));
    if (d.value == nullptr || Columns(line) <= kMaxColumns ||
        !HasMemberList(*d.value)) {
      p_.Line(0, line, d.span.begin, d.span.end);
      return;
    }
    // Too long: each member list breaks one member per line.
    pending_ = head;
    pending_begin_ = d.span.begin;
    BrokenGroup(*d.value);
    p_.Line(0, pending_, pending_begin_, d.span.end);
  }

  static bool HasMemberList(const ast::GroupExpr& g) {
    if (g.kind == ast::GroupExpr::Kind::kMembers) return !g.members.empty();
    for (const ast::GroupExprPtr& child : g.children) {
      if (child != nullptr && HasMemberList(*child)) return true;
    }
    return false;
  }

  // Appends `g` to the pending line, emitting lines at each member list.
  void BrokenGroup(const ast::GroupExpr& g) {
    if (g.kind == ast::GroupExpr::Kind::kUnion) {
      for (size_t i = 0; i < g.children.size(); ++i) {
        if (i > 0) pending_ += " | ";
        if (g.children[i] != nullptr) BrokenGroup(*g.children[i]);
      }
      return;
    }
    if (g.kind != ast::GroupExpr::Kind::kMembers || g.members.empty()) {
      pending_ += FormatGroupExpr(g);
      return;
    }
    p_.Line(0, pending_ + "[", pending_begin_, g.span.begin + 1);
    p_.SuppressBlank();
    for (const ast::StringLiteral& m : g.members) {
      p_.Line(1, StringLiteralText(m) + ",", m.span.begin, m.span.end);
    }
    uint32_t close = g.span.end > g.span.begin ? g.span.end - 1 : g.span.end;
    p_.FlushCommentsBefore(close, 1);
    p_.SuppressBlank();
    pending_ = "]";
    pending_begin_ = close;
  }

  void Decl(const ast::ChannelDecl& d) {
    p_.Line(0,
            "channel " + d.name.name + " = " + d.kind.name + "(" +
                StringLiteralText(d.target) + ")",
            d.span.begin, d.span.end);
  }

  void Decl(const ast::ActionDecl& d) {
    Block("action " + d.name.text, d.span, HeaderEnd(d.span, d.name.span),
          !d.fields.empty(), [&] {
            for (const ast::FieldDecl& f : d.fields) {
              std::string line = f.name.name + ": " + TypeRefText(f.type);
              if (f.optional) line += '?';
              p_.Line(1, line, f.span.begin, f.span.end);
            }
          });
  }

  void Decl(const ast::RuleDecl& d) {
    Block("rule " + d.name.name, d.span, HeaderEnd(d.span, d.name.span),
          !d.clauses.empty(), [&] { Clauses(d.clauses); });
  }

  void Decl(const ast::DefaultDecl& d) {
    if (d.block) {
      Block("default", d.span, HeaderEnd(d.span, SourceSpan{}),
            !d.clauses.empty(), [&] { Clauses(d.clauses); });
      return;
    }
    std::string line = "default ";
    line += d.clauses.empty() ? "deny" : ClauseText(source_, d.clauses[0]);
    p_.Line(0, line, d.span.begin, d.span.end);
  }

  void Decl(const ast::TestDecl& d) { PrintTest(p_, source_, d); }

  std::string_view source_;
  Printer p_;
  std::string pending_;  // BrokenGroup: the line being built
  uint32_t pending_begin_ = 0;
};

}  // namespace

std::string FormatFile(const SourceManager& sources, const ast::File& file) {
  std::string_view text;
  if (file.file != kNoFile && file.file < sources.size()) {
    text = sources.file(file.file).text();
  }
  FilePrinter printer(text, file);
  return printer.Print(file);
}

}  // namespace signoff::fmt
