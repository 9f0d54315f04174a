// `test` blocks: the shape of the input and the expectations.
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "compiler/check/check_state.h"

namespace signoff::check::internal {
namespace {

constexpr std::string_view kInputKeys[] = {"action", "params", "requester",
                                           "context"};
constexpr std::string_view kDecisions[] = {"allow", "deny", "require_approval"};

std::string_view ExpectationWord(ast::Expectation::Kind kind) {
  switch (kind) {
    case ast::Expectation::Kind::kDecision:
      return "expect <decision>";
    case ast::Expectation::Kind::kRules:
      return "expect rules";
    case ast::Expectation::Kind::kRequirements:
      return "expect requirements";
    case ast::Expectation::Kind::kReasons:
      return "expect reasons";
  }
  return "expect";
}

class TestChecker {
 public:
  TestChecker(CheckState& state, ast::TestDecl& test)
      : state_(state), test_(test) {}

  void Run() {
    CheckInput();
    std::array<const ast::Expectation*, 4> seen{};
    for (ast::Expectation& expectation : test_.expectations) {
      const ast::Expectation*& first = seen[static_cast<int>(expectation.kind)];
      if (first != nullptr) {
        Diagnostic& diag =
            state_.diags.Report(DiagKind::kInvalidTest, expectation.span,
                                "test " + test_.name.text + " has a second " +
                                    Quote(ExpectationWord(expectation.kind)));
        diag.notes.push_back({first->span, "first here"});
      } else {
        first = &expectation;
      }
      CheckExpectation(expectation);
    }
  }

 private:
  void Invalid(SourceSpan span, std::string message, std::string help = "") {
    state_.diags.Report(DiagKind::kInvalidTest, span, std::move(message),
                        std::move(help));
  }

  void CheckInput() {
    const ast::TestValue* input = test_.input.get();
    if (input == nullptr || input->kind != ast::TestValue::Kind::kObject) {
      Invalid(input != nullptr ? input->span : test_.name.span,
              "a test input must be an object",
              "write it as `input { action: \"data.export\", params: { ... } "
              "}`");
      return;
    }
    std::vector<std::string> keys(std::begin(kInputKeys), std::end(kInputKeys));
    absl::flat_hash_map<std::string, const ast::Identifier*> seen;
    bool has_action = false;
    for (const auto& [key, value] : input->fields) {
      auto [it, inserted] = seen.try_emplace(key.name, &key);
      if (!inserted) {
        Diagnostic& diag = state_.diags.Report(
            DiagKind::kInvalidTest, key.span,
            "input key " + Quote(key.name) + " is given twice");
        diag.notes.push_back({it->second->span, "first given here"});
        continue;
      }
      if (key.name == "action") {
        has_action = true;
        if (value->kind != ast::TestValue::Kind::kString) {
          Invalid(value->span, "`action` must be a string",
                  "write it as `action: \"data.export\"`");
        } else {
          action_ = value->string_value;
        }
      } else if (key.name == "params" || key.name == "requester" ||
                 key.name == "context") {
        if (value->kind != ast::TestValue::Kind::kObject) {
          Invalid(value->span, Quote(key.name) + " must be an object");
        }
      } else {
        std::string help = DidYouMean(key.name, keys);
        if (help.empty()) {
          help =
              "the input keys are `action`, `params`, `requester` and "
              "`context`";
        }
        Invalid(key.span, "unknown input key " + Quote(key.name),
                std::move(help));
      }
    }
    if (!has_action) {
      Invalid(input->span, "a test input needs an `action`",
              "add `action: \"data.export\"`");
    }
  }

  void CheckExpectation(ast::Expectation& expectation) {
    switch (expectation.kind) {
      case ast::Expectation::Kind::kDecision:
        CheckDecision(expectation.decision);
        break;
      case ast::Expectation::Kind::kRules:
        for (const ast::Identifier& rule : expectation.rules) {
          CheckRuleName(rule);
        }
        break;
      case ast::Expectation::Kind::kRequirements: {
        ParamScope scope;
        scope.owner = ParamScope::Owner::kTest;
        scope.subject = Quote(action_);
        int action = state_.model.FindAction(action_);
        if (action >= 0) scope.matched.push_back(action);
        for (ast::Requirement& requirement : expectation.requirements) {
          CheckRequirement(state_, scope, requirement);
        }
        break;
      }
      case ast::Expectation::Kind::kReasons:
        break;
    }
  }

  void CheckDecision(const ast::Identifier& decision) {
    for (std::string_view word : kDecisions) {
      if (decision.name == word) return;
    }
    std::vector<std::string> words(std::begin(kDecisions),
                                   std::end(kDecisions));
    std::string help = decision.name == "require"
                           ? "did you mean `require_approval`?"
                           : DidYouMean(decision.name, words);
    if (help.empty()) {
      help = "a decision is `allow`, `deny` or `require_approval`";
    }
    Invalid(decision.span, "unknown decision " + Quote(decision.name),
            std::move(help));
  }

  void CheckRuleName(const ast::Identifier& rule) {
    const NameEntry* entry = state_.Find(rule.name);
    if (entry != nullptr && entry->kind == NameKind::kRule) return;
    std::vector<std::string> rules;
    for (const ast::RuleDecl* decl : state_.rule_decls) {
      rules.push_back(decl->name.name);
    }
    std::string help = DidYouMean(rule.name, rules);
    if (help.empty() && entry != nullptr) {
      help = Quote(rule.name) + " is a " +
             std::string(NameKindWord(entry->kind)) + ", not a rule";
    }
    state_.diags.Report(DiagKind::kUnknownName, rule.span,
                        "unknown rule " + Quote(rule.name), std::move(help));
  }

  CheckState& state_;
  ast::TestDecl& test_;
  std::string action_;
};

}  // namespace

void CheckTests(CheckState& state) {
  for (ast::TestDecl* test : state.test_decls) {
    TestChecker(state, *test).Run();
  }
}

}  // namespace signoff::check::internal
