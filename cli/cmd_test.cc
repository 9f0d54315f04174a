// `signoff test PATH...`: runs the `test` blocks of *_test.signoff files
// (LANGUAGE.md §8) against the policy set under the same paths.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "cli/cli.h"
#include "compiler/diag/render.h"
#include "compiler/driver/driver.h"
#include "compiler/eval/decision.h"
#include "compiler/eval/test_input.h"
#include "compiler/fmt/formatter.h"
#include "compiler/interp/interpreter.h"
#include "nlohmann/json.hpp"
#include "stdlib/absl_compat.h"

namespace signoff::cli {
namespace {

std::string RequirementText(int64_t count, std::string_view group,
                            std::string_view where) {
  std::string text = absl::StrCat(count, " of ", AsAbsl(group));
  if (!where.empty()) absl::StrAppend(&text, " where ", AsAbsl(where));
  return text;
}

std::string ListText(std::vector<std::string> items, bool sort) {
  if (sort) std::sort(items.begin(), items.end());
  return absl::StrCat("[", absl::StrJoin(items, ", "), "]");
}

// What the test states, and the same aspects of the actual decision, as
// comparable lines.
struct Comparison {
  std::string expected;
  std::string actual;
};

Comparison Compare(const ast::TestDecl& test, const eval::Decision& d) {
  Comparison c;
  for (const ast::Expectation& e : test.expectations) {
    switch (e.kind) {
      case ast::Expectation::Kind::kDecision:
        absl::StrAppend(&c.expected, "decision: ", e.decision.name, "\n");
        absl::StrAppend(&c.actual,
                        "decision: ", AsAbsl(eval::DecisionKindName(d.kind)),
                        "\n");
        break;
      case ast::Expectation::Kind::kRules: {
        std::vector<std::string> names;
        for (const auto& r : e.rules) names.push_back(r.name);
        absl::StrAppend(&c.expected, "rules: ", ListText(names, true), "\n");
        absl::StrAppend(&c.actual, "rules: ", ListText(d.rules, true), "\n");
        break;
      }
      case ast::Expectation::Kind::kRequirements: {
        std::vector<std::string> expected, actual;
        for (const ast::Requirement& r : e.requirements) {
          expected.push_back(
              RequirementText(r.count, fmt::FormatGroupExpr(*r.group),
                              r.where ? fmt::FormatExpr(*r.where) : ""));
        }
        for (const eval::DecisionRequirement& r : d.requirements) {
          actual.push_back(
              RequirementText(r.count, r.group_name, r.where_text));
        }
        absl::StrAppend(&c.expected, "requirements: ", ListText(expected, true),
                        "\n");
        absl::StrAppend(&c.actual, "requirements: ", ListText(actual, true),
                        "\n");
        break;
      }
      case ast::Expectation::Kind::kReasons: {
        std::vector<std::string> expected;
        for (const auto& r : e.reasons) expected.push_back(r.value);
        nlohmann::json quoted_expected = expected, quoted_actual = d.reasons;
        absl::StrAppend(&c.expected, "reasons: ", quoted_expected.dump(), "\n");
        absl::StrAppend(&c.actual, "reasons: ", quoted_actual.dump(), "\n");
        break;
      }
    }
  }
  return c;
}

}  // namespace

int RunTest(const std::vector<std::string>& argv) {
  absl::StatusOr<Args> args = Args::Parse(argv, {});
  if (!args.ok()) {
    PrintError(AsStd(args.status().message()));
    return kExitUsage;
  }
  if (args->positional().empty()) {
    PrintError("`signoff test` needs at least one file or directory");
    return kExitUsage;
  }
  int exit_code = kExitOk;
  std::unique_ptr<driver::Compilation> compilation =
      CompileOrReport(args->positional(), {.include_tests = true}, &exit_code);
  if (compilation == nullptr) return exit_code;
  const driver::Compilation& c = *compilation;
  const ir::Policy& policy = *c.policy;
  bool color = UseColor(stdout);
  const char* green = color ? "\033[32m" : "";
  const char* red = color ? "\033[31m" : "";
  const char* reset = color ? "\033[0m" : "";

  int passed = 0, failed = 0;
  std::set<std::string> exercised;
  for (const ast::TestDecl* test : c.model.tests) {
    std::string where = c.sources.Describe(test->span);
    std::string request_json = eval::TestInputJson(*test->input);
    absl::StatusOr<eval::BoundRequest> request =
        eval::BindJson(policy, request_json);
    if (!request.ok()) {  // cannot happen: we produced the JSON ourselves
      std::printf("%sFAIL%s  %s: %s\n  internal error: %s\n", red, reset,
                  where.c_str(), test->name.value.c_str(),
                  std::string(AsStd(request.status().message())).c_str());
      ++failed;
      continue;
    }
    eval::Outcome outcome = interp::Evaluate(policy, *request, {});
    eval::Decision decision = eval::Combine(
        policy, *request, outcome, eval::Defaults{}, false, &c.sources);
    for (const std::string& rule : decision.rules) exercised.insert(rule);
    Comparison comparison = Compare(*test, decision);
    if (comparison.expected == comparison.actual) {
      std::printf("%sok%s    %s: %s\n", green, reset, where.c_str(),
                  test->name.value.c_str());
      ++passed;
      continue;
    }
    ++failed;
    std::printf("%sFAIL%s  %s: %s\n", red, reset, where.c_str(),
                test->name.value.c_str());
    std::string diff = UnifiedDiff(comparison.expected, comparison.actual,
                                   "expected", "actual", 10);
    for (absl::string_view line : absl::StrSplit(diff, '\n')) {
      if (!line.empty()) std::printf("      %s\n", std::string(line).c_str());
    }
    for (const std::string& error : decision.errors) {
      std::printf("      error: %s\n", error.c_str());
    }
  }

  std::vector<std::string> untested;
  for (const ir::Rule& rule : policy.rules) {
    if (!exercised.contains(rule.name)) untested.push_back(rule.name);
  }
  if (c.model.tests.empty()) {
    std::printf("no tests found (tests live in *_test.signoff files)\n");
  }
  if (!untested.empty()) {
    std::printf("rules no test exercised: %s\n",
                absl::StrJoin(untested, ", ").c_str());
  }
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed > 0 ? kExitFailure : kExitOk;
}

}  // namespace signoff::cli
