// Tests of the differential suite itself: the generators are deterministic,
// cover the language, and produce only compiling policies; the re-serialiser
// keeps meaning; the harness finds and minimises injected back-end bugs.
#include <gtest/gtest.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "compiler/diag/render.h"
#include "nlohmann/json.hpp"
#include "stdlib/absl_compat.h"
#include "stdlib/builtins.h"
#include "tests/diff/harness.h"
#include "tests/diff/policy_gen.h"
#include "tests/diff/request_gen.h"

namespace signoff::difftest {
namespace {

TEST(PolicyGeneratorTest, IsDeterministic) {
  for (uint64_t seed : {1ULL, 2ULL, 12345ULL}) {
    PolicySpec a = GeneratePolicy(seed);
    PolicySpec b = GeneratePolicy(seed);
    EXPECT_EQ(a.RenderForDisplay(), b.RenderForDisplay());
    for (uint64_t r = 0; r < 20; ++r) {
      EXPECT_EQ(GenerateRequest(a, r), GenerateRequest(b, r));
    }
  }
  EXPECT_NE(GeneratePolicy(1).RenderForDisplay(),
            GeneratePolicy(2).RenderForDisplay());
}

// A debugging aid: prints policy SIGNOFF_DIFF_POLICY (of base seed
// SIGNOFF_DIFF_SEED), its warnings and a few requests and decisions. Run with
// --gtest_also_run_disabled_tests --gtest_filter='*Print*'.
TEST(PolicyGeneratorTest, DISABLED_Print) {
  const char* seed_text = std::getenv("SIGNOFF_DIFF_SEED");
  const char* policy_text = std::getenv("SIGNOFF_DIFF_POLICY");
  uint64_t base = seed_text ? std::strtoull(seed_text, nullptr, 10) : 1;
  int64_t index = policy_text ? std::strtoll(policy_text, nullptr, 10) : 0;
  uint64_t seed = PolicySeed(base, index);
  PolicySpec spec = GeneratePolicy(seed);
  std::printf("%s", spec.RenderForDisplay().c_str());
  absl::StatusOr<std::unique_ptr<driver::Compilation>> compiled =
      driver::CompileSources(spec.Render(), {});
  ASSERT_TRUE(compiled.ok());
  std::printf("--- diagnostics ---\n%s",
              RenderDiagnostics((*compiled)->sources, (*compiled)->diags.all(),
                                DiagFormat::kText, {})
                  .c_str());
  absl::StatusOr<CompiledSpec> ours = CompileSpec(spec);
  ASSERT_TRUE(ours.ok());
  for (int r = 0; r < 8; ++r) {
    std::string request = GenerateRequest(spec, MixSeed(seed, r));
    CaseResult result =
        CompareCase(*ours, *ReserialisingInterpreter().prepare(ours->policy),
                    request, OptionsFor(seed, r));
    std::printf("--- request %d ---\n%s\n%s\n", r, request.c_str(),
                result.reference.c_str());
  }
}

TEST(PolicyGeneratorTest, StdActionsMatchTheModule) {
  absl::StatusOr<CompiledSpec> compiled =
      CompileSources({{"p.signoff", "import \"std/actions\"\n"}});
  ASSERT_TRUE(compiled.ok()) << compiled.status().message();
  const ir::Policy& policy = *compiled->policy;
  ASSERT_EQ(policy.actions.size(), StdActions().size());
  for (const ActionSpec& expected : StdActions()) {
    int id = policy.FindAction(expected.name);
    ASSERT_GE(id, 0) << expected.name;
    const ir::ActionSchema& actual = policy.actions[id];
    ASSERT_EQ(actual.fields.size(), expected.fields.size()) << expected.name;
    for (size_t i = 0; i < actual.fields.size(); ++i) {
      EXPECT_EQ(actual.fields[i].name, expected.fields[i].name);
      EXPECT_EQ(actual.fields[i].type, expected.fields[i].type)
          << expected.name << "." << expected.fields[i].name;
      EXPECT_EQ(actual.fields[i].optional, expected.fields[i].optional)
          << expected.name << "." << expected.fields[i].name;
    }
  }
}

TEST(PolicyGeneratorTest, FieldPoolAgreesWithStdActions) {
  for (const FieldSpec& field : FieldPool()) {
    for (const ActionSpec& action : StdActions()) {
      for (const FieldSpec& std_field : action.fields) {
        if (std_field.name == field.name) {
          EXPECT_EQ(std_field.type, field.type) << field.name;
        }
      }
    }
  }
}

// Every IR operation and built-in appears, every field type is declared
// (required and optional), and every kind of declaration and clause is
// generated; every policy compiles.
TEST(PolicyGeneratorTest, CoversTheLanguage) {
  std::map<std::string, int> seen;
  constexpr int kPolicies = 400;
  for (int i = 0; i < kPolicies; ++i) {
    PolicySpec spec = GeneratePolicy(PolicySeed(777, i));
    absl::StatusOr<CompiledSpec> compiled = CompileSpec(spec);
    ASSERT_TRUE(compiled.ok()) << "generated policy does not compile:\n"
                               << spec.RenderForDisplay() << "\n"
                               << compiled.status().message();
    const ir::Policy& policy = *compiled->policy;
    for (const ir::Node& node : policy.nodes) {
      seen[absl::StrCat("op ", AsAbsl(ir::OpName(node.op)))]++;
      if (node.op == ir::Op::kCall) {
        seen[absl::StrCat(
            "builtin ",
            AsAbsl(stdlib::GetBuiltin(static_cast<stdlib::Builtin>(node.imm))
                       .name),
            "(", AsAbsl(TypeName(node.type)), ")")]++;
        seen[absl::StrCat("builtin #", node.imm)]++;
      }
      if (node.op == ir::Op::kEq || node.op == ir::Op::kLt) {
        seen[absl::StrCat(AsAbsl(ir::OpName(node.op)), " of ",
                          AsAbsl(TypeName(policy.nodes[node.args[0]].type)))]++;
      }
    }
    for (const ir::ActionSchema& action : policy.actions) {
      for (const ir::ActionField& field : action.fields) {
        seen[absl::StrCat("field ", AsAbsl(TypeName(field.type)),
                          field.optional ? "?" : "")]++;
      }
    }
    for (const ir::Group& group : policy.groups) {
      if (!group.directories.empty()) seen["group with directory"]++;
      if (!group.members.empty()) seen["group with members"]++;
      if (group.members.empty() && group.directories.empty()) {
        seen["empty group"]++;
      }
    }
    for (const ir::Rule& rule : policy.rules) {
      seen[absl::StrCat("effect ", AsAbsl(ir::EffectName(rule.effect)))]++;
      for (const ir::Pattern& pattern : rule.patterns) {
        for (const std::string& segment : pattern.segments) {
          if (segment == "*") seen["pattern *"]++;
          if (segment == "**") seen["pattern **"]++;
        }
      }
      for (const ir::Condition& condition : rule.conditions) {
        seen[condition.negated ? "unless" : "when"]++;
      }
      for (const ir::Requirement& requirement : rule.requirements) {
        if (requirement.where != ir::kNoNode) seen["require where"]++;
      }
      if (rule.has_message) seen["message"]++;
      if (rule.veto) seen["veto"]++;
      if (rule.expire_seconds) seen["expire"]++;
      if (rule.grant_seconds) seen["grant"]++;
      if (!rule.channels.empty()) seen["notify"]++;
      if (!rule.escalations.empty()) seen["escalate"]++;
      if (!rule.deny_reason.empty()) seen["deny reason"]++;
      if (rule.patterns.size() > 1) seen["several patterns"]++;
    }
    seen[absl::StrCat("default ",
                      AsAbsl(ir::EffectName(policy.default_rule.effect)))]++;
    if (policy.default_rule.has_message) seen["default message"]++;
    if (spec.import_std) seen["import std/actions"]++;
    if (spec.file_count > 1) seen["several files"]++;
    if (policy.regexes.size() > 0) seen["regex"]++;
    if (policy.timezones.size() > 0) seen["time zone"]++;
    for (const ir::Slot& slot : policy.slots) {
      seen[absl::StrCat("slot ", AsAbsl(ir::SlotSourceName(slot.source)))]++;
    }
  }
  std::vector<std::string> required = {"group with directory",
                                       "group with members",
                                       "empty group",
                                       "effect allow",
                                       "effect deny",
                                       "effect require",
                                       "pattern *",
                                       "pattern **",
                                       "unless",
                                       "when",
                                       "require where",
                                       "message",
                                       "veto",
                                       "expire",
                                       "grant",
                                       "notify",
                                       "escalate",
                                       "deny reason",
                                       "several patterns",
                                       "default allow",
                                       "default deny",
                                       "default require",
                                       "default message",
                                       "import std/actions",
                                       "several files",
                                       "regex",
                                       "time zone",
                                       "slot params",
                                       "slot requester",
                                       "slot context",
                                       "slot approver"};
#define SIGNOFF_OP(name, description) required.push_back("op " #name);
#include "compiler/ir/ir_ops.def"
  for (size_t i = 0; i < stdlib::AllBuiltins().size(); ++i) {
    required.push_back(absl::StrCat("builtin #", i));
  }
  for (Type type :
       {Type::kString, Type::kInt, Type::kBool, Type::kDuration, Type::kTime,
        Type::kIp, Type::kListString, Type::kListInt, Type::kMapStringString}) {
    required.push_back(absl::StrCat("field ", AsAbsl(TypeName(type))));
    required.push_back(absl::StrCat("field ", AsAbsl(TypeName(type)), "?"));
  }
  for (Type type :
       {Type::kString, Type::kInt, Type::kBool, Type::kDuration, Type::kTime,
        Type::kIp, Type::kListString, Type::kListInt}) {
    required.push_back(absl::StrCat("Eq of ", AsAbsl(TypeName(type))));
  }
  for (Type type : {Type::kString, Type::kInt, Type::kDuration, Type::kTime}) {
    required.push_back(absl::StrCat("Lt of ", AsAbsl(TypeName(type))));
  }
  std::string table;
  for (const auto& [what, count] : seen) {
    absl::StrAppend(&table, "  ", what, ": ", count, "\n");
  }
  for (const std::string& what : required) {
    EXPECT_GT(seen[what], 0) << "the generator never produces: " << what;
  }
  std::printf("[ coverage ] over %d generated policies:\n%s", kPolicies,
              table.c_str());
}

// The requests reach every rule outcome and decision, hit overflow errors
// and the default, and include invalid requests.
TEST(RequestGeneratorTest, ReachesEveryOutcome) {
  RunConfig config;
  config.base_seed = 99;
  config.policy_count = 120;
  config.requests_per_policy = 40;
  RunStats stats = RunRandom(ReserialisingInterpreter(), config);
  std::printf("[ coverage ] %s\n", stats.Summary().c_str());
  EXPECT_TRUE(stats.generator_failures.empty());
  EXPECT_EQ(stats.mismatches, 0);
  for (size_t i = 0; i < stats.rule_statuses.size(); ++i) {
    EXPECT_GT(stats.rule_statuses[i], 0) << "rule status " << i;
  }
  for (const char* kind : {"allow", "deny", "require_approval"}) {
    EXPECT_GT(stats.decisions[kind], 0) << kind;
  }
  EXPECT_GT(stats.rule_errors_overflow, 0);
  EXPECT_GT(stats.decided_by_default, 0);
  EXPECT_GT(stats.invalid_requests, stats.cases / 50);
  EXPECT_LT(stats.invalid_requests, stats.cases / 3);
}

TEST(ReformatJsonTest, KeepsMeaningAndEscapesEverything) {
  int checked = 0;
  for (int i = 0; i < 40; ++i) {
    PolicySpec spec = GeneratePolicy(PolicySeed(5, i));
    for (uint64_t r = 0; r < 50; ++r) {
      std::string request = GenerateRequest(spec, r);
      std::optional<std::string> reformatted = ReformatJson(request);
      ASSERT_TRUE(reformatted.has_value()) << request;
      for (char c : *reformatted) {
        ASSERT_LT(static_cast<unsigned char>(c), 0x80) << *reformatted;
      }
      auto a = nlohmann::json::parse(request, nullptr, false);
      auto b = nlohmann::json::parse(*reformatted, nullptr, false);
      ASSERT_EQ(a.is_discarded(), b.is_discarded()) << request;
      if (!a.is_discarded()) {
        EXPECT_EQ(a, b) << request << "\n" << *reformatted;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 1000);
  EXPECT_EQ(
      *ReformatJson(R"({"a":"\u00e9/\ud83d\ude00","b":[1e3,-0]})"),
      "{\n  \"a\" : \"\\u00e9\\/\\ud83d\\ude00\",\n  \"b\" : [\n    1e3,\n"
      "    -0\n  ]\n}");
  EXPECT_EQ(*ReformatJson("\"\xf0\x9f\x98\x80\xc3\xa9\""),
            "\"\\ud83d\\ude00\\u00e9\"");
}

// A back end with a planted bug: the interpreter, with one outcome field
// corrupted by `corrupt`.
Backend BuggyBackend(std::string name,
                     std::function<void(eval::Outcome&)> corrupt) {
  Backend backend;
  backend.name = std::move(name);
  backend.prepare = [corrupt](std::shared_ptr<const ir::Policy> policy)
      -> absl::StatusOr<BackendInstance> {
    BackendInstance instance;
    instance.bind = [policy](std::string_view json) {
      return eval::BindJson(*policy, json);
    };
    instance.evaluate = [policy, corrupt](const eval::BoundRequest& request,
                                          const interp::EvalOptions& options) {
      eval::Outcome outcome = interp::Evaluate(*policy, request, options);
      corrupt(outcome);
      return outcome;
    };
    return instance;
  };
  return backend;
}

// Finds a mismatch of `backend` among generated cases and minimises it.
std::optional<Repro> FindAndMinimise(const Backend& backend) {
  for (int i = 0; i < 300; ++i) {
    uint64_t seed = PolicySeed(4242, i);
    PolicySpec spec = GeneratePolicy(seed);
    absl::StatusOr<CompiledSpec> compiled = CompileSpec(spec);
    if (!compiled.ok()) return std::nullopt;
    absl::StatusOr<BackendInstance> instance =
        backend.prepare(compiled->policy);
    if (!instance.ok()) return std::nullopt;
    for (int r = 0; r < 50; ++r) {
      std::string request = GenerateRequest(spec, MixSeed(seed, r));
      CaseOptions options = OptionsFor(seed, r);
      if (CompareCase(*compiled, *instance, request, options).match) continue;
      return Minimise(spec, request, options, backend);
    }
  }
  return std::nullopt;
}

int NonEmptyConditions(const PolicySpec& spec) {
  int n = 0;
  for (const RuleSpec& rule : spec.rules) {
    n += static_cast<int>(rule.conditions.size());
  }
  return n;
}

TEST(MinimiserTest, ShrinksAnIgnoredOverflow) {
  Backend buggy =
      BuggyBackend("JIT-without-overflow-checks", [](eval::Outcome& outcome) {
        for (eval::RuleOutcome& rule : outcome.rules) {
          if (rule.status == eval::RuleStatus::kError) {
            rule.status = eval::RuleStatus::kConditionFailed;
            rule.failed_condition = 0;
            rule.error.clear();
          }
        }
      });
  std::optional<Repro> repro = FindAndMinimise(buggy);
  ASSERT_TRUE(repro.has_value()) << "no overflow found in generated cases";
  EXPECT_FALSE(repro->result.match);
  EXPECT_TRUE(CheckMismatch(repro->spec, repro->request, repro->options, buggy)
                  .has_value());
  EXPECT_EQ(repro->spec.rules.size(), 1u) << FormatRepro(*repro, buggy);
  EXPECT_LE(NonEmptyConditions(repro->spec), 1) << FormatRepro(*repro, buggy);
  EXPECT_FALSE(repro->spec.default_rule.has_value());
  EXPECT_NE(repro->result.difference.find("status error vs condition_failed"),
            std::string::npos)
      << repro->result.difference;
  std::printf("[ example  ] a minimised repro of a planted bug:\n%s",
              FormatRepro(*repro, buggy).c_str());
}

TEST(MinimiserTest, ShrinksALostMessage) {
  Backend buggy =
      BuggyBackend("JIT-dropping-messages", [](eval::Outcome& outcome) {
        for (eval::RuleOutcome& rule : outcome.rules) {
          if (rule.messages.size() == 1 && rule.messages[0].size() > 3) {
            rule.messages[0].pop_back();
          }
        }
      });
  std::optional<Repro> repro = FindAndMinimise(buggy);
  ASSERT_TRUE(repro.has_value());
  EXPECT_EQ(repro->spec.rules.size(), 1u) << FormatRepro(*repro, buggy);
  EXPECT_EQ(NonEmptyConditions(repro->spec), 0) << FormatRepro(*repro, buggy);
  ASSERT_FALSE(repro->spec.rules.empty());
  EXPECT_TRUE(repro->spec.rules[0].message.has_value());
  EXPECT_LE(repro->spec.rules[0].requirements.size(), 1u);
}

TEST(MinimiserTest, ReportsABackEndThatCannotCompile) {
  Backend broken;
  broken.name = "JIT-that-rejects-regexes";
  broken.prepare = [](std::shared_ptr<const ir::Policy> policy)
      -> absl::StatusOr<BackendInstance> {
    if (!policy->regexes.empty()) {
      return absl::UnimplementedError("regexes are not supported yet");
    }
    return ReserialisingInterpreter().prepare(policy);
  };
  RunConfig config;
  config.base_seed = 7;
  config.policy_count = 40;
  config.requests_per_policy = 2;
  config.max_repros = 1;
  RunStats stats = RunRandom(broken, config);
  EXPECT_GT(stats.mismatches, 0);
  ASSERT_EQ(stats.repros.size(), 1u);
  EXPECT_NE(stats.repros[0].find("regexes are not supported yet"),
            std::string::npos)
      << stats.repros[0];
  EXPECT_NE(stats.repros[0].find("matches"), std::string::npos)
      << stats.repros[0];
}

}  // namespace
}  // namespace signoff::difftest

namespace signoff::difftest {
namespace {

// A back end that dies mid-evaluation: the harness prints the case first.
TEST(CrashReportDeathTest, PrintsThePolicyAndRequest) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  Backend crashing;
  crashing.name = "JIT-that-crashes";
  crashing.prepare = [](std::shared_ptr<const ir::Policy> policy)
      -> absl::StatusOr<BackendInstance> {
    absl::StatusOr<BackendInstance> instance =
        ReserialisingInterpreter().prepare(policy);
    instance->evaluate = [](const eval::BoundRequest&,
                            const interp::EvalOptions&) -> eval::Outcome {
      std::raise(SIGSEGV);
      return {};
    };
    return instance;
  };
  RunConfig config;
  config.policy_count = 1;
  config.requests_per_policy = 1;
  EXPECT_DEATH(RunRandom(crashing, config),
               "differential test crashed(.|\n)*policy #0(.|\n)*--- policy "
               "---(.|\n)*rule(.|\n)*--- request ---");
}

}  // namespace
}  // namespace signoff::difftest
