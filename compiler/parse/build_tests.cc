// AST builder: `test "name" { input { ... } expect ... }` blocks.
//
// Whether a test may appear in this file, whether the decision word is
// one of allow/deny/require_approval and whether the input has the right
// shape are the checker's questions (InvalidTest); this file builds what
// is written and rejects only lists of the wrong kind of item.
#include <string>

#include "absl/strings/str_cat.h"
#include "compiler/parse/builder.h"
#include "compiler/parse/literals.h"
#include "stdlib/absl_compat.h"

namespace signoff::parse {

using P = SignoffParser;

ast::TestDecl AstBuilder::Test(P::TestDeclContext* ctx) {
  ast::TestDecl decl;
  decl.span = state_.map.Span(ctx);
  decl.name = String(ctx->STRING());
  decl.input = Object(ctx->object());
  for (P::ExpectationContext* expectation : ctx->expectation()) {
    decl.expectations.push_back(Expectation(expectation));
  }
  return decl;
}

ast::TestValuePtr AstBuilder::Object(P::ObjectContext* ctx) {
  auto object = std::make_unique<ast::TestValue>();
  object->kind = ast::TestValue::Kind::kObject;
  object->span = state_.map.Span(ctx);
  for (P::ObjectFieldContext* field : ctx->objectField()) {
    P::ObjectKeyContext* key_ctx = field->objectKey();
    ast::Identifier key;
    if (key_ctx->STRING() != nullptr) {
      ast::StringLiteral lit = String(key_ctx->STRING());
      key = {std::move(lit.value), lit.span};
    } else {
      key = Word(key_ctx->word());
    }
    object->fields.emplace_back(std::move(key), Value(field->value()));
  }
  return object;
}

ast::TestValuePtr AstBuilder::Value(P::ValueContext* ctx) {
  if (auto* object = dynamic_cast<P::ObjectValueContext*>(ctx)) {
    return Object(object->object());
  }
  auto value = std::make_unique<ast::TestValue>();
  value->span = state_.map.Span(ctx);
  if (auto* str = dynamic_cast<P::StringValueContext*>(ctx)) {
    value->kind = ast::TestValue::Kind::kString;
    ast::StringLiteral lit = String(str->STRING());
    value->string_value = std::move(lit.value);
    value->text = std::move(lit.text);
  } else if (auto* num = dynamic_cast<P::IntValueContext*>(ctx)) {
    value->kind = ast::TestValue::Kind::kInt;
    bool negative = num->MINUS() != nullptr;
    std::string_view digits = state_.map.Text(num->INT()->getSymbol());
    value->int_value = ParseIntLiteral(digits, state_.map.Span(num->INT()),
                                       state_.diags, negative)
                           .value_or(0);
    value->text = absl::StrCat(negative ? "-" : "", AsAbsl(digits));
  } else if (dynamic_cast<P::BoolValueContext*>(ctx) != nullptr) {
    value->kind = ast::TestValue::Kind::kBool;
    value->bool_value = ctx->getStart()->getType() == P::TRUE;
    value->text = state_.map.Text(ctx->getStart());
  } else if (auto* dur = dynamic_cast<P::DurationValueContext*>(ctx)) {
    value->kind = ast::TestValue::Kind::kDuration;
    value->int_value = Duration(dur->DURATION());
    value->text = state_.map.Text(ctx->getStart());
  } else if (auto* list = dynamic_cast<P::ListValueContext*>(ctx)) {
    value->kind = ast::TestValue::Kind::kList;
    for (P::ValueContext* item : list->value()) {
      value->items.push_back(Value(item));
    }
  }
  return value;
}

ast::Expectation AstBuilder::Expectation(P::ExpectationContext* ctx) {
  ast::Expectation expectation;
  expectation.span = state_.map.Span(ctx);
  if (auto* decision = dynamic_cast<P::ExpectDecisionContext*>(ctx)) {
    expectation.kind = ast::Expectation::Kind::kDecision;
    expectation.decision = Word(decision->word());
    return expectation;
  }
  auto* list = static_cast<P::ExpectListContext*>(ctx);
  ast::Identifier what = Ident(list->IDENT());
  enum class Item { kRule, kRequirement, kReason } want;
  if (what.name == "rules") {
    expectation.kind = ast::Expectation::Kind::kRules;
    want = Item::kRule;
  } else if (what.name == "requirements") {
    expectation.kind = ast::Expectation::Kind::kRequirements;
    want = Item::kRequirement;
  } else if (what.name == "reasons") {
    expectation.kind = ast::Expectation::Kind::kReasons;
    want = Item::kReason;
  } else {
    StructuralError(what.span,
                    absl::StrCat("unknown expectation `", what.name,
                                 "`; expected `rules`, `requirements` or "
                                 "`reasons`"),
                    "a decision is written without brackets, as in "
                    "`expect deny`");
    return expectation;
  }
  static constexpr const char* kWanted[] = {
      "a rule name", "a requirement such as `2 of sre`", "a string"};
  for (P::ExpectItemContext* item : list->expectItem()) {
    if (auto* rule = dynamic_cast<P::ExpectRuleContext*>(item);
        rule && want == Item::kRule) {
      expectation.rules.push_back(Ident(rule->IDENT()));
    } else if (auto* req = dynamic_cast<P::ExpectRequirementContext*>(item);
               req && want == Item::kRequirement) {
      expectation.requirements.push_back(Requirement(req->requirement()));
    } else if (auto* reason = dynamic_cast<P::ExpectReasonContext*>(item);
               reason && want == Item::kReason) {
      expectation.reasons.push_back(String(reason->STRING()));
    } else {
      StructuralError(
          state_.map.Span(item),
          absl::StrCat("each entry of `expect ", what.name, "` must be ",
                       kWanted[static_cast<int>(want)]),
          "write `expect rules [name, ...]`, `expect requirements "
          "[2 of group, ...]` or `expect reasons [\"...\", ...]`");
      break;
    }
  }
  return expectation;
}

}  // namespace signoff::parse
