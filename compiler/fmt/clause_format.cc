// Single-line text of rule clauses, requirements and field types.
#include <string>

#include "compiler/fmt/fmt_internal.h"
#include "compiler/fmt/formatter.h"
#include "compiler/fmt/literal_text.h"
#include "stdlib/builtins.h"

namespace signoff::fmt {
namespace {

// The number as written when its span is known, else its value.
std::string CountText(std::string_view source, SourceSpan span, int64_t value) {
  if (span.valid() && span.begin < span.end && span.end <= source.size()) {
    return std::string(source.substr(span.begin, span.end - span.begin));
  }
  return std::to_string(value);
}

std::string Duration(const std::string& text, int64_t seconds) {
  return text.empty() ? stdlib::FormatDuration(seconds) : text;
}

std::string GroupText(const ast::GroupExprPtr& group) {
  return group == nullptr ? "<?>" : FormatGroupExpr(*group);
}

void AppendChannels(const std::vector<ast::Identifier>& channels,
                    std::string& out) {
  for (size_t i = 0; i < channels.size(); ++i) {
    if (i > 0) out += ", ";
    out += channels[i].name;
  }
}

}  // namespace

std::string RequirementText(std::string_view source,
                            const ast::Requirement& r) {
  std::string out = CountText(source, r.count_span, r.count);
  out += " of ";
  out += GroupText(r.group);
  if (r.where != nullptr) {
    out += " where ";
    out += FormatExpr(*r.where);
  }
  return out;
}

std::string ClauseText(std::string_view source, const ast::Clause& c) {
  std::string out(ast::ClauseKeyword(c.kind));
  switch (c.kind) {
    case ast::ClauseKind::kOn:
      for (size_t i = 0; i < c.patterns.size(); ++i) {
        out += i == 0 ? " " : ", ";
        out += c.patterns[i].text;
      }
      break;
    case ast::ClauseKind::kWhen:
    case ast::ClauseKind::kUnless:
      out += ' ';
      out += c.condition == nullptr ? "<?>" : FormatExpr(*c.condition);
      break;
    case ast::ClauseKind::kAllow:
      break;
    case ast::ClauseKind::kDeny:
      if (c.reason.has_value()) {
        out += ' ';
        out += StringLiteralText(*c.reason);
      }
      break;
    case ast::ClauseKind::kRequire:
      out += ' ';
      out += RequirementText(source, c.requirement);
      break;
    case ast::ClauseKind::kVeto:
      out += ' ';
      out += CountText(source, c.count_span, c.count);
      break;
    case ast::ClauseKind::kExpire:
    case ast::ClauseKind::kGrant:
      out += ' ';
      out += Duration(c.duration_text, c.seconds);
      break;
    case ast::ClauseKind::kNotify:
      out += ' ';
      AppendChannels(c.channels, out);
      break;
    case ast::ClauseKind::kMessage:
      if (c.message.has_value()) {
        out += ' ';
        out += StringLiteralText(c.message->raw);
      }
      break;
    case ast::ClauseKind::kEscalate:
      if (c.escalation.has_value()) {
        const ast::Escalation& e = *c.escalation;
        out += " after ";
        out += Duration(e.after_text, e.after_seconds);
        out += " to ";
        out += GroupText(e.group);
        if (!e.channels.empty()) {
          out += " notify ";
          AppendChannels(e.channels, out);
        }
      }
      break;
  }
  return out;
}

std::string TypeRefText(const ast::TypeRef& type) {
  std::string out = type.name;
  if (!type.args.empty()) {
    out += '<';
    for (size_t i = 0; i < type.args.size(); ++i) {
      if (i > 0) out += ',';
      out += TypeRefText(type.args[i]);
    }
    out += '>';
  }
  return out;
}

}  // namespace signoff::fmt
