// Test blocks: `test "name" { input {...} expect ... }`.
//
// The input object prints one key per line; nested objects and lists stay
// inline unless the line would exceed kMaxColumns, then they break one entry
// per line (list items with a trailing comma, object fields without).
#include <string>

#include "compiler/fmt/fmt_internal.h"
#include "compiler/fmt/literal_text.h"
#include "stdlib/builtins.h"

namespace signoff::fmt {
namespace {

using ast::TestValue;

std::string IntText(const TestValue& v) {
  if (v.text.empty()) return std::to_string(v.int_value);
  std::string out;
  for (char c : v.text) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') out += c;
  }
  if (v.int_value < 0 && (out.empty() || out[0] != '-')) out.insert(0, "-");
  return out;
}

bool IsNonEmptyContainer(const TestValue& v) {
  return (v.kind == TestValue::Kind::kList && !v.items.empty()) ||
         (v.kind == TestValue::Kind::kObject && !v.fields.empty());
}

uint32_t CloseOffset(const TestValue& v) {
  return v.span.end > v.span.begin ? v.span.end - 1 : v.span.end;
}

// `prefix` + value + `suffix` from source offset `begin`: inline when it
// fits (or cannot break), else one entry per line.
void PrintValue(Printer& p, int indent, const std::string& prefix,
                const TestValue& v, const std::string& suffix, uint32_t begin) {
  std::string line = prefix + ValueText(v) + suffix;
  if (!IsNonEmptyContainer(v) ||
      indent * kIndentWidth + Columns(line) <= kMaxColumns) {
    p.Line(indent, line, begin, v.span.end);
    return;
  }
  bool list = v.kind == TestValue::Kind::kList;
  p.Line(indent, prefix + (list ? "[" : "{"), begin, v.span.begin + 1);
  p.SuppressBlank();
  if (list) {
    for (const ast::TestValuePtr& item : v.items) {
      PrintValue(p, indent + 1, "", *item, ",", item->span.begin);
    }
  } else {
    for (const auto& [key, value] : v.fields) {
      PrintValue(p, indent + 1, KeyText(key.name) + ": ", *value, "",
                 key.span.begin);
    }
  }
  uint32_t close = CloseOffset(v);
  p.FlushCommentsBefore(close, indent + 1);
  p.SuppressBlank();
  p.Line(indent, std::string(list ? "]" : "}") + suffix, close, v.span.end);
}

void PrintInput(Printer& p, const TestValue& input) {
  bool object = input.kind == TestValue::Kind::kObject;
  if (!object || (input.fields.empty() &&
                  !p.HasCommentIn(input.span.begin, input.span.end))) {
    p.Line(1, "input " + ValueText(input), input.span.begin, input.span.end);
    return;
  }
  p.Line(1, "input {", input.span.begin,
         p.AfterOpenBrace(input.span.begin, input.span.end));
  p.SuppressBlank();
  for (const auto& [key, value] : input.fields) {
    PrintValue(p, 2, KeyText(key.name) + ": ", *value, "", key.span.begin);
  }
  uint32_t close = CloseOffset(input);
  p.FlushCommentsBefore(close, 2);
  p.SuppressBlank();
  p.Line(1, "}", close, input.span.end);
}

std::string ExpectationText(std::string_view source,
                            const ast::Expectation& e) {
  std::string out = "expect ";
  auto join = [&out](const auto& items, auto text) {
    out += '[';
    for (size_t i = 0; i < items.size(); ++i) {
      if (i > 0) out += ", ";
      out += text(items[i]);
    }
    out += ']';
  };
  switch (e.kind) {
    case ast::Expectation::Kind::kDecision:
      out += e.decision.name;
      break;
    case ast::Expectation::Kind::kRules:
      out += "rules ";
      join(e.rules, [](const ast::Identifier& id) { return id.name; });
      break;
    case ast::Expectation::Kind::kRequirements:
      out += "requirements ";
      join(e.requirements, [source](const ast::Requirement& r) {
        return RequirementText(source, r);
      });
      break;
    case ast::Expectation::Kind::kReasons:
      out += "reasons ";
      join(e.reasons,
           [](const ast::StringLiteral& s) { return StringLiteralText(s); });
      break;
  }
  return out;
}

}  // namespace

std::string KeyText(const std::string& key) {
  return IsIdentifier(key) ? key : stdlib::QuoteString(key);
}

std::string ValueText(const TestValue& v) {
  switch (v.kind) {
    case TestValue::Kind::kString:
      return v.text.empty() ? stdlib::QuoteString(v.string_value) : v.text;
    case TestValue::Kind::kInt:
      return IntText(v);
    case TestValue::Kind::kBool:
      return v.bool_value ? "true" : "false";
    case TestValue::Kind::kDuration:
      return v.text.empty() ? stdlib::FormatDuration(v.int_value) : v.text;
    case TestValue::Kind::kList: {
      std::string out = "[";
      for (size_t i = 0; i < v.items.size(); ++i) {
        if (i > 0) out += ", ";
        out += ValueText(*v.items[i]);
      }
      return out + "]";
    }
    case TestValue::Kind::kObject: {
      std::string out = "{";
      for (size_t i = 0; i < v.fields.size(); ++i) {
        if (i > 0) out += ", ";
        out += KeyText(v.fields[i].first.name);
        out += ": ";
        out += ValueText(*v.fields[i].second);
      }
      return out + "}";
    }
  }
  return "";
}

void PrintTest(Printer& p, std::string_view source, const ast::TestDecl& t) {
  p.Line(0, "test " + StringLiteralText(t.name) + " {", t.span.begin,
         p.AfterOpenBrace(t.name.span.end, t.span.end));
  p.SuppressBlank();
  if (t.input != nullptr) PrintInput(p, *t.input);
  for (const ast::Expectation& e : t.expectations) {
    p.Line(1, ExpectationText(source, e), e.span.begin, e.span.end);
  }
  uint32_t close = p.CloseBrace(t.span.begin, t.span.end);
  p.FlushCommentsBefore(close, 1);
  p.SuppressBlank();
  p.Line(0, "}", close, t.span.end);
}

}  // namespace signoff::fmt
