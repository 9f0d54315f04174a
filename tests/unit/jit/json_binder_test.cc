// The fast request binder (compiler/jit/json_binder.h) against the
// reference, eval::BindJson: kBound only for requests BindJson binds with no
// errors, and then with the slots FlatRequest builds from BindJson's result
// (strings byte-equal with equal interned ids, lists element-wise, maps
// entry-wise, ip bytes, presence flags, action and action id).
//
// The corpora: the golden evaluation cases and the example requests (every
// valid one must bind fast), then tables of adversarial inputs pinning what
// simdjson 3.0.1 rejects by itself and what the binder must catch.
#include "compiler/jit/json_binder.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <new>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "compiler/driver/driver.h"
#include "compiler/eval/request.h"
#include "compiler/eval/test_input.h"
#include "compiler/jit/flat_request.h"
#include "compiler/jit/json_binder_support.h"
#include "compiler/jit/runtime_calls.h"
#include "stdlib/absl_compat.h"
#include "tests/testing/golden_eval_cases.h"
#include "tests/testing/native_slots.h"

// Allocation counting for NoHeapAllocationAfterWarmUp: counts only while the
// current thread sets g_counting. Only `new` is replaced; libstdc++'s
// default `delete` frees with std::free.
namespace {
thread_local bool g_counting = false;
thread_local int64_t g_allocations = 0;
}  // namespace

void* operator new(std::size_t size) {
  if (g_counting) ++g_allocations;
  void* p = std::malloc(size == 0 ? 1 : size);
  if (p == nullptr) std::abort();
  return p;
}

namespace signoff::jit::internal {
namespace {

namespace fs = std::filesystem;
using Result = JsonBinder::Result;

using testing::DescribeSlot;

std::string DescribeSlots(const ir::Policy& policy, const NativeSlot* slots) {
  std::string out;
  for (size_t i = 0; i < policy.slots.size(); ++i) {
    const ir::Slot& slot = policy.slots[i];
    absl::StrAppend(&out, i, " ", AsAbsl(ir::SlotSourceName(slot.source)), ".",
                    slot.field, ": ", DescribeSlot(slots[i], slot.type), "\n");
  }
  return out;
}

struct Outcome {
  bool reference_valid = false;  // BindJson bound it with no errors
  std::string reference_errors;  // its status or errors otherwise
  Result result = Result::kSlowPath;
  std::string broken;  // the contract broken, "" when kept
  std::string slots;   // the binder's slots, described (kBound)
};

// A policy's binder, checked against BindJson + FlatRequest.
class BinderUnderTest {
 public:
  explicit BinderUnderTest(const ir::Policy& policy)
      : policy_(policy),
        interner_(policy),
        binder_(policy, interner_),
        generic_(GenericRules(policy)),
        indexes_(SlotValueIndexes(policy)) {}

  Outcome Check(std::string_view json) { return Check(json, scratch_); }

  Outcome Check(std::string_view json, BindScratch& scratch) {
    Outcome out;
    absl::StatusOr<eval::BoundRequest> reference =
        eval::BindJson(policy_, json);
    out.reference_valid = reference.ok() && reference->valid();
    if (!reference.ok()) {
      out.reference_errors = std::string(reference.status().message());
    } else {
      out.reference_errors = absl::StrJoin(reference->errors, "; ");
    }
    out.result = binder_.Bind(json, scratch);
    if (out.result == Result::kSlowPath) return out;
    out.slots = DescribeSlots(policy_, scratch.slots());
    if (!out.reference_valid) {
      out.broken = "kBound, but BindJson rejects it: " + out.reference_errors;
      return out;
    }
    if (!Fits(indexes_, *reference)) {
      out.broken = "kBound, but BindJson's request does not fit native code";
      return out;
    }
    FlatRequest flat(policy_, interner_, *reference, nullptr,
                     reference->action_id, generic_);
    std::string want = DescribeSlots(policy_, flat.native()->slots);
    if (scratch.slot_count() != policy_.slots.size()) {
      out.broken = absl::StrCat("slot count ", scratch.slot_count());
    } else if (testing::QuoteFlat(scratch.action()) !=
               testing::QuoteFlat(flat.native()->action)) {
      out.broken =
          absl::StrCat("action ", testing::QuoteFlat(scratch.action()),
                       " want ", testing::QuoteFlat(flat.native()->action));
    } else if (scratch.action_id() != reference->action_id) {
      out.broken = absl::StrCat("action id ", scratch.action_id(), " want ",
                                reference->action_id);
    } else if (out.slots != want) {
      out.broken = absl::StrCat("slots differ; binder:\n", out.slots,
                                "BindJson:\n", want);
    }
    return out;
  }

  const JsonBinder& binder() const { return binder_; }
  const ir::Policy& policy() const { return policy_; }

 private:
  const ir::Policy& policy_;
  Interner interner_;
  JsonBinder binder_;
  std::vector<uint32_t> generic_;
  std::vector<uint8_t> indexes_;
  BindScratch scratch_;
};

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::unique_ptr<driver::Compilation> CompileOrFail(
    const std::vector<std::string>& paths, bool include_tests = false) {
  driver::LoadOptions options;
  options.include_tests = include_tests;
  absl::StatusOr<std::unique_ptr<driver::Compilation>> compilation =
      driver::CompilePaths(paths, options);
  EXPECT_TRUE(compilation.ok()) << compilation.status();
  if (!compilation.ok()) return nullptr;
  EXPECT_TRUE((*compilation)->ok()) << "does not compile: " << paths[0];
  if (!(*compilation)->ok()) return nullptr;
  return *std::move(compilation);
}

// Valid corpus requests must bind fast; invalid ones must not bind.
struct CorpusCounts {
  int bound = 0;
  int invalid = 0;
};

void CheckCorpusRequest(BinderUnderTest& binder, const std::string& json,
                        CorpusCounts& counts) {
  Outcome out = binder.Check(json);
  EXPECT_EQ(out.broken, "") << json;
  if (out.reference_valid) {
    EXPECT_EQ(out.result, Result::kBound) << "valid, but slow path: " << json;
    ++counts.bound;
  } else {
    EXPECT_EQ(out.result, Result::kSlowPath) << json;
    ++counts.invalid;
  }
  // Re-binding with the same (now used) scratch gives the same slots.
  Outcome again = binder.Check(json);
  EXPECT_EQ(again.slots, out.slots) << json;
}

TEST(JsonBinderCorpusTest, GoldenEvalCasesBindAsBindJson) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(fs::path(SIGNOFF_SOURCE_DIR) /
                                                  "tests/golden/eval")) {
    if (entry.path().extension() == ".signoff") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_FALSE(files.empty());
  CorpusCounts counts;
  for (const fs::path& file : files) {
    SCOPED_TRACE(file.string());
    std::unique_ptr<driver::Compilation> compilation =
        CompileOrFail({file.string()});
    ASSERT_NE(compilation, nullptr);
    BinderUnderTest binder(*compilation->policy);
    for (const ::signoff::testing::GoldenEvalCase& c :
         ::signoff::testing::ParseGoldenEvalCases(ReadFile(file))) {
      SCOPED_TRACE("line " + std::to_string(c.line));
      CheckCorpusRequest(binder, c.request, counts);
    }
  }
  EXPECT_GT(counts.bound, 20);
  EXPECT_GT(counts.invalid, 2);
}

TEST(JsonBinderCorpusTest, ExampleRequestsBindAsBindJson) {
  CorpusCounts counts;
  for (const auto& entry :
       fs::directory_iterator(fs::path(SIGNOFF_SOURCE_DIR) / "examples")) {
    fs::path requests = entry.path() / "requests";
    if (!fs::is_directory(requests)) continue;
    SCOPED_TRACE(entry.path().string());
    std::unique_ptr<driver::Compilation> compilation =
        CompileOrFail({entry.path().string()}, true);
    ASSERT_NE(compilation, nullptr);
    BinderUnderTest binder(*compilation->policy);
    for (const auto& file : fs::directory_iterator(requests)) {
      std::string name = file.path().filename().string();
      if (file.path().extension() != ".json" ||
          name.find(".expected.") != std::string::npos) {
        continue;
      }
      SCOPED_TRACE(name);
      CheckCorpusRequest(binder, ReadFile(file.path()), counts);
    }
    for (const ast::File& file : compilation->files) {
      for (const ast::Decl& decl : file.decls) {
        const auto* test = std::get_if<ast::TestDecl>(&decl);
        if (test == nullptr || test->input == nullptr) continue;
        SCOPED_TRACE(test->name.value);
        CheckCorpusRequest(binder, eval::TestInputJson(*test->input), counts);
      }
    }
  }
  EXPECT_GT(counts.bound, 20);
}

// Every field type, read by rules (so each has a slot), plus an unread
// field, an action with only optional fields, and approver fields.
constexpr char kPolicy[] = R"(
action t.all {
  s: string
  n: int
  b: bool
  d: duration
  t: time
  addr: ip
  ls: list<string>
  li: list<int>
  m: map<string, string>
  opt: string?
  unread: int?
}

action t.none {
  x: string?
}

group g = ["alice", "bob", ""]

rule reads_params {
  on t.all
  when params.s == "alice" or params.n > 5 or params.b or params.d > 1h
  when hour(params.t, "UTC") > 3 or in_cidr(params.addr, "10.0.0.0/8")
  when "x" in params.ls or 3 in params.li or params.m["k"] == "v" or has(params.opt)
  allow
}

rule reads_entities {
  on **
  when requester.id in g or requester.kind == "agent" or requester.team == "t"
  when "g1" in requester.groups or requester.on_behalf_of == "dana" or requester.attrs["a"] == "b"
  when hour(context.time, "UTC") > 3 or in_cidr(context.ip, "10.0.0.0/8")
  when context.justification == "j" or context.ticket == "T-1" or context.attrs["x"] == "y"
  require 1 of g where approver.team != requester.team and approver.mfa
}

rule reads_none {
  on t.none
  when params.x == "v"
  allow
}
)";

constexpr char kBase[] =
    R"({"action":"t.all","params":{"s":"alice","n":7,"b":true,"d":"1h30m",)"
    R"("t":"2026-11-21T03:00:00Z","addr":"10.1.2.3","ls":["x","y"],)"
    R"("li":[3,4],"m":{"k":"v","a":"b"},"opt":"o"},)"
    R"("requester":{"id":"alice","kind":"agent","team":"t","groups":["g1"],)"
    R"("on_behalf_of":"dana","attrs":{"a":"b"}},)"
    R"("context":{"time":"2026-11-21T03:00:00Z","ip":"10.0.0.1",)"
    R"("justification":"j","ticket":"T-1","attrs":{"x":"y"}}})";

// kBase with the first `from` replaced by `to`.
std::string With(std::string_view from, std::string_view to,
                 std::string base = kBase) {
  size_t at = base.find(from);
  if (at == std::string::npos) {
    ADD_FAILURE() << "no `" << from << "` in " << base;
    return base;
  }
  return base.replace(at, from.size(), to);
}

class JsonBinderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<std::unique_ptr<driver::Compilation>> compilation =
        driver::CompileSources({{"t.signoff", kPolicy}}, {});
    ASSERT_TRUE(compilation.ok()) << compilation.status();
    ASSERT_TRUE((*compilation)->ok()) << "the test policy does not compile";
    compilation_ = compilation->release();
  }
  static void TearDownTestSuite() {
    delete compilation_;
    compilation_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(compilation_, nullptr);
    binder_ = std::make_unique<BinderUnderTest>(*compilation_->policy);
  }

  static driver::Compilation* compilation_;
  std::unique_ptr<BinderUnderTest> binder_;
};

driver::Compilation* JsonBinderTest::compilation_ = nullptr;

TEST_F(JsonBinderTest, PolicyHasASlotPerField) {
  // 11 params slots (`unread` has none), 6 requester, 5 context, approver.
  const ir::Policy& policy = binder_->policy();
  EXPECT_GE(policy.slots.size(), 10u + 6 + 5 + 2);
  int unread = -1;
  for (const ir::ActionField& f :
       policy.actions[policy.FindAction("t.all")].fields) {
    if (f.name == "unread") unread = f.slot;
  }
  EXPECT_EQ(unread, -1);
}

TEST_F(JsonBinderTest, BaseRequestBinds) {
  Outcome out = binder_->Check(kBase);
  EXPECT_TRUE(out.reference_valid) << out.reference_errors;
  EXPECT_EQ(out.result, Result::kBound);
  EXPECT_EQ(out.broken, "");
  EXPECT_NE(out.slots.find("\"alice\"#"), std::string::npos) << out.slots;
}

struct Case {
  std::string name;
  std::string json;
};

// BindJson rejects each (or it is not JSON): the binder must take the slow
// path.
std::vector<Case> RejectedCases() {
  const std::string undeclared = R"({"action":"u.x","params":PARAMS})";
  auto params = [&](std::string_view p) {
    return With("PARAMS", p, undeclared);
  };
  std::vector<Case> cases = {
      // Duplicate keys, at every level.
      {"dup top action",
       With(R"({"action":"t.all",)", R"({"action":"t.all","action":"t.all",)")},
      {"dup top params",
       With(R"("requester":)", R"("params":{},"requester":)")},
      {"dup top escaped", With(R"({"action":"t.all",)",
                               R"({"action":"t.all","\u0061ction":"t.all",)")},
      {"dup params", With(R"("s":"alice")", R"("s":"a","s":"alice")")},
      {"dup params escaped",
       With(R"("s":"alice")", R"("s":"a","\u0073":"alice")")},
      {"dup requester", With(R"("team":"t")", R"("team":"t","team":"t")")},
      {"dup context",
       With(R"("ticket":"T-1")", R"("ticket":"T-1","ticket":"x")")},
      {"dup params map", With(R"("k":"v")", R"("k":"v","k":"w")")},
      {"dup params map same value", With(R"("k":"v")", R"("k":"v","k":"v")")},
      {"dup params map escaped", With(R"("k":"v")", R"("k":"v","\u006b":"w")")},
      {"dup requester attrs",
       With(R"("attrs":{"a":"b"})", R"("attrs":{"a":"b","a":"c"})")},
      {"dup context attrs",
       With(R"("attrs":{"x":"y"})", R"("attrs":{"x":"y","x":"y"})")},
      {"dup unread field",
       With(R"("opt":"o")", R"("opt":"o","unread":1,"unread":2)")},
      {"dup undeclared top", params(R"({"a":1,"a":1})")},
      {"dup undeclared nested", params(R"({"a":{"b":1,"b":2}})")},
      {"dup undeclared in list", params(R"({"a":[1,{"k":1,"k":1}]})")},
      {"dup undeclared escaped", params(R"({"x":1,"\u0078":1})")},
      {"dup undeclared many keys",
       params(
           R"({"a":1,"b":1,"c":1,"d":1,"e":1,"f":1,"g":1,"h":1,"i":1,)"
           R"("j":1,"k":1,"l":1,"m":1,"n":1,"o":1,"p":1,"q":1,"r":1,"a":2})")},
      {"dup deep", params(R"({"a":[[{"b":[{"c":{"d":1,"d":1}}]}]]})")},
      // Raw control characters in strings (JSON forbids them).
      {"raw tab", With(R"("s":"alice")", "\"s\":\"al\tice\"")},
      {"raw newline", With(R"("s":"alice")", "\"s\":\"al\nice\"")},
      {"raw 0x01", With(R"("s":"alice")", "\"s\":\"al\x01ice\"")},
      {"raw 0x1f in key", With(R"("s":"alice")", "\"s\x1f\":\"alice\"")},
      {"raw newline in map value", With(R"("k":"v")", "\"k\":\"v\n\"")},
      {"raw tab in undeclared", params("{\"a\":\"x\ty\"}")},
      {"raw 0x00 in string",
       With(R"("s":"alice")", std::string("\"s\":\"a\0b\"", 9))},
      // Content after the root value.
      {"trailing garbage", std::string(kBase) + " x"},
      {"trailing brace", std::string(kBase) + "}"},
      {"trailing bracket", std::string(kBase) + "]"},
      {"trailing object", std::string(kBase) + " {}"},
      {"trailing comma", std::string(kBase) + ","},
      {"trailing string", std::string(kBase) + "\"x\""},
      {"trailing number", std::string(kBase) + " 1"},
      // null anywhere.
      {"null string", With(R"("s":"alice")", R"("s":null)")},
      {"null optional", With(R"("opt":"o")", R"("opt":null)")},
      {"null params", R"({"action":"t.none","params":null})"},
      {"null requester", R"({"action":"t.none","requester":null})"},
      {"null context", R"({"action":"t.none","context":null})"},
      {"null action", R"({"action":null})"},
      {"null list element", With(R"(["x","y"])", R"(["x",null])")},
      {"null map value", With(R"("k":"v")", R"("k":null)")},
      {"null requester id", With(R"("id":"alice")", R"("id":null)")},
      {"null context time",
       With(R"("time":"2026-11-21T03:00:00Z","ip")", R"("time":null,"ip")")},
      {"null params undeclared", params("null")},
      // Not ints.
      {"float 1.0", With(R"("n":7)", R"("n":1.0)")},
      {"float 1.5", With(R"("n":7)", R"("n":1.5)")},
      {"exponent 1e2", With(R"("n":7)", R"("n":1e2)")},
      {"exponent 1E2", With(R"("n":7)", R"("n":1E2)")},
      {"exponent 1e+2", With(R"("n":7)", R"("n":1e+2)")},
      {"negative zero float", With(R"("n":7)", R"("n":-0.0)")},
      {"int64 max + 1", With(R"("n":7)", R"("n":9223372036854775808)")},
      {"int64 min - 1", With(R"("n":7)", R"("n":-9223372036854775809)")},
      {"uint64 max + 1", With(R"("n":7)", R"("n":18446744073709551616)")},
      {"huge int", With(R"("n":7)", R"("n":123456789012345678901234567890)")},
      {"float in int list", With(R"([3,4])", R"([3,4.0])")},
      {"big in int list", With(R"([3,4])", R"([3,9223372036854775808])")},
      {"string for int", With(R"("n":7)", R"("n":"7")")},
      {"bool for int", With(R"("n":7)", R"("n":true)")},
      {"int for string", With(R"("s":"alice")", R"("s":7)")},
      {"string for bool", With(R"("b":true)", R"("b":"true")")},
      {"int for bool", With(R"("b":true)", R"("b":1)")},
      {"object for list", With(R"(["x","y"])", R"({"x":"y"})")},
      {"list for map", With(R"({"k":"v","a":"b"})", R"(["k","v"])")},
      {"int in string list", With(R"(["x","y"])", R"(["x",1])")},
      {"string in int list", With(R"([3,4])", R"([3,"4"])")},
      {"int map value", With(R"("k":"v")", R"("k":1)")},
      {"nested list", With(R"(["x","y"])", R"([["x"]])")},
      {"deep junk for string",
       With(R"("s":"alice")", R"("s":[[[[[[[[[[{"a":[[[[1]]]]}]]]]]]]]]])")},
      // Malformed numbers and literals.
      {"leading zero", With(R"("n":7)", R"("n":07)")},
      {"plus", With(R"("n":7)", R"("n":+7)")},
      {"bare minus", With(R"("n":7)", R"("n":-)")},
      {"dot first", With(R"("n":7)", R"("n":.7)")},
      {"dot last", With(R"("n":7)", R"("n":7.)")},
      {"hex", With(R"("n":7)", R"("n":0x7)")},
      {"NaN", With(R"("n":7)", R"("n":NaN)")},
      {"Infinity", With(R"("n":7)", R"("n":Infinity)")},
      {"number suffix", With(R"("n":7)", R"("n":7x)")},
      {"truex", With(R"("b":true)", R"("b":truex)")},
      {"tru", With(R"("b":true)", R"("b":tru)")},
      {"True", With(R"("b":true)", R"("b":True)")},
      {"undeclared nul", params(R"({"a":nul})")},
      {"undeclared nullx", params(R"({"a":nullx})")},
      {"undeclared leading zero", params(R"({"a":01})")},
      {"undeclared 1.", params(R"({"a":1.})")},
      {"undeclared overflow", params(R"({"a":1e400})")},
      {"undeclared overflow negative", params(R"({"a":-1e400})")},
      {"undeclared 400 digits",
       params("{\"a\":" + std::string(400, '9') + "}")},
      {"undeclared single quotes", params("{'a':1}")},
      {"undeclared trailing comma", params(R"({"a":1,})")},
      {"undeclared list trailing comma", params(R"({"a":[1,]})")},
      {"undeclared missing colon", params(R"({"a" 1})")},
      {"undeclared unclosed", params(R"({"a":[1})")},
      {"undeclared bad escape", params(R"({"a":"\x"})")},
      // Malformed structure.
      {"missing comma", With(R"("n":7,)", R"("n":7 )")},
      {"double comma", With(R"("n":7,)", R"("n":7,,)")},
      {"object trailing comma", With(R"("opt":"o"})", R"("opt":"o",})")},
      {"list trailing comma", With(R"(["x","y"])", R"(["x","y",])")},
      {"list missing comma", With(R"(["x","y"])", R"(["x" "y"])")},
      {"unclosed", std::string(kBase).substr(0, std::string(kBase).size() - 1)},
      {"unclosed string", With(R"("s":"alice")", R"("s":"alice)")},
      {"colon colon", With(R"("s":"alice")", R"("s"::"alice")")},
      // Strings: escapes, surrogates, UTF-8.
      {"lone high surrogate", With(R"("s":"alice")", R"("s":"\ud800")")},
      {"lone low surrogate", With(R"("s":"alice")", R"("s":"\udc00")")},
      {"high then letter", With(R"("s":"alice")", R"("s":"\ud800\u0041")")},
      {"high then high", With(R"("s":"alice")", R"("s":"\ud800\ud800")")},
      {"high at end", With(R"("s":"alice")", R"("s":"a\udbff")")},
      {"lone surrogate in key", With(R"("k":"v")", R"("\ud800":"v")")},
      {"lone surrogate undeclared", params(R"({"a":"\udfff"})")},
      {"short escape", With(R"("s":"alice")", R"("s":"\u00")")},
      {"bad escape", With(R"("s":"alice")", R"("s":"\q")")},
      {"upper U escape", With(R"("s":"alice")", R"("s":"\U0041")")},
      {"utf8 0xff", With(R"("s":"alice")", "\"s\":\"\xff\"")},
      {"utf8 overlong", With(R"("s":"alice")", "\"s\":\"\xc0\xaf\"")},
      {"utf8 surrogate", With(R"("s":"alice")", "\"s\":\"\xed\xa0\x80\"")},
      {"utf8 above U+10FFFF",
       With(R"("s":"alice")", "\"s\":\"\xf4\x90\x80\x80\"")},
      {"utf8 truncated", With(R"("s":"alice")", "\"s\":\"\xe2\x82\"")},
      {"utf8 continuation", With(R"("s":"alice")", "\"s\":\"\x80\"")},
      {"utf8 in key", With(R"("k":"v")", "\"k\xff\":\"v\"")},
      {"utf8 outside strings", std::string(kBase) + "\xc3\xa9"},
      // Not an object; empty.
      {"empty", ""},
      {"whitespace", " \n\t "},
      {"array root", "[" + std::string(kBase) + "]"},
      {"string root", R"("t.all")"},
      {"number root", "1"},
      {"null root", "null"},
      {"true root", "true"},
      // Unknown keys and fields.
      {"unknown top-level",
       With(R"({"action":"t.all",)", R"({"action":"t.all","extra":true,)")},
      {"unknown top-level null",
       With(R"({"action":"t.all",)", R"({"action":"t.all","extra":null,)")},
      {"unknown params field", With(R"("opt":"o")", R"("opt":"o","zzz":1)")},
      {"unknown requester field",
       With(R"("team":"t")", R"("team":"t","mfa":true)")},
      {"unknown context field",
       With(R"("ticket":"T-1")", R"("ticket":"T-1","zzz":"")")},
      {"params field of another action",
       With(R"("opt":"o")", R"("opt":"o","x":"v")")},
      // Bad values.
      {"kind robot", With(R"("kind":"agent")", R"("kind":"robot")")},
      {"kind Human", With(R"("kind":"agent")", R"("kind":"Human")")},
      {"kind empty", With(R"("kind":"agent")", R"("kind":"")")},
      {"kind int", With(R"("kind":"agent")", R"("kind":1)")},
      {"duration mins", With(R"("d":"1h30m")", R"("d":"5mins")")},
      {"duration empty", With(R"("d":"1h30m")", R"("d":"")")},
      {"duration order", With(R"("d":"1h30m")", R"("d":"30m1h")")},
      {"duration int", With(R"("d":"1h30m")", R"("d":90)")},
      {"time month 13",
       With(R"("t":"2026-11-21T03:00:00Z")", R"("t":"2026-13-01T00:00:00Z")")},
      {"time space",
       With(R"("t":"2026-11-21T03:00:00Z")", R"("t":" 2026-11-21T03:00:00Z")")},
      {"time no zone",
       With(R"("t":"2026-11-21T03:00:00Z")", R"("t":"2026-11-21T03:00:00")")},
      {"time infinite",
       With(R"("t":"2026-11-21T03:00:00Z")", R"("t":"infinite-future")")},
      {"context time bad", With(R"("time":"2026-11-21T03:00:00Z","ip")",
                                R"("time":"yesterday","ip")")},
      {"ip 999", With(R"("addr":"10.1.2.3")", R"("addr":"999.1.1.1")")},
      {"ip empty", With(R"("addr":"10.1.2.3")", R"("addr":"")")},
      {"ip space", With(R"("addr":"10.1.2.3")", R"("addr":"10.1.2.3 ")")},
      {"ip cidr", With(R"("addr":"10.1.2.3")", R"("addr":"10.0.0.0/8")")},
      {"ip nul", With(R"("addr":"10.1.2.3")", R"("addr":"10.1.2.3\u0000")")},
      {"context ip bad", With(R"("ip":"10.0.0.1")", R"("ip":"localhost")")},
      // Missing required fields; params of the wrong type.
      {"missing required", With(R"("s":"alice",)", "")},
      {"params missing", R"({"action":"t.all","requester":{}})"},
      {"params empty",
       With(
           R"("params":{"s":"alice","n":7,"b":true,"d":"1h30m","t":"2026-11-21T03:00:00Z","addr":"10.1.2.3","ls":["x","y"],"li":[3,4],"m":{"k":"v","a":"b"},"opt":"o"})",
           R"("params":{})")},
      {"params list",
       With(
           R"("params":{"s":"alice","n":7,"b":true,"d":"1h30m","t":"2026-11-21T03:00:00Z","addr":"10.1.2.3","ls":["x","y"],"li":[3,4],"m":{"k":"v","a":"b"},"opt":"o"})",
           R"("params":[])")},
      {"undeclared params list", params("[]")},
      {"undeclared params string", params(R"("x")")},
      {"undeclared params number", params("1")},
      {"requester list",
       With(
           R"("requester":{"id":"alice","kind":"agent","team":"t","groups":["g1"],"on_behalf_of":"dana","attrs":{"a":"b"}})",
           R"("requester":["alice"])")},
      {"context string",
       With(
           R"("context":{"time":"2026-11-21T03:00:00Z","ip":"10.0.0.1","justification":"j","ticket":"T-1","attrs":{"x":"y"}})",
           R"("context":"now")")},
      // Action names.
      {"action missing", R"({"params":{}})"},
      {"action empty", R"({"action":""})"},
      {"action double dot", R"({"action":"data..export"})"},
      {"action digit first", R"({"action":"1abc"})"},
      {"action dot first", R"({"action":".x"})"},
      {"action dot last", R"({"action":"x."})"},
      {"action space", R"({"action":"t.all "})"},
      {"action umlaut", "{\"action\":\"d\xc3\xa4t\"}"},
      {"action int", R"({"action":42})"},
      {"action list", R"({"action":["t.all"]})"},
  };
  return cases;
}

TEST_F(JsonBinderTest, RejectedRequestsTakeTheSlowPath) {
  for (const Case& c : RejectedCases()) {
    SCOPED_TRACE(c.name + ": " + c.json);
    Outcome out = binder_->Check(c.json);
    EXPECT_FALSE(out.reference_valid) << "BindJson accepts it";
    EXPECT_EQ(out.result, Result::kSlowPath);
    EXPECT_EQ(out.broken, "");
  }
}

// BindJson accepts each: the binder must bind it with equal values.
std::vector<Case> AcceptedCases() {
  const std::string undeclared = R"({"action":"u.x","params":PARAMS})";
  auto params = [&](std::string_view p) {
    return With("PARAMS", p, undeclared);
  };
  std::string nested = "1";
  for (int i = 0; i < 30; ++i) nested = "[" + nested + ",{\"k\":[1]}]";
  std::string many = "{";
  for (int i = 0; i < 100; ++i) {
    absl::StrAppend(&many, i ? "," : "", "\"k", i,
                    "\":", i % 2 ? "null" : "1.5e-3");
  }
  many += "}";
  return {
      {"base", kBase},
      {"-0 is the int 0", With(R"("n":7)", R"("n":-0)")},
      {"int64 max", With(R"("n":7)", R"("n":9223372036854775807)")},
      {"int64 min", With(R"("n":7)", R"("n":-9223372036854775808)")},
      {"int list extremes",
       With(R"([3,4])", R"([-9223372036854775808,9223372036854775807,-0,0])")},
      {"zero", With(R"("n":7)", R"("n":0)")},
      {"false", With(R"("b":true)", R"("b":false)")},
      {"escapes", With(R"("s":"alice")", R"("s":"\"\\\/\b\f\n\r\t")")},
      {"unicode escapes",
       With(R"("s":"alice")", R"("s":"\u00e9\u65e5\ud83d\ude00\uFFFF")")},
      {"escaped NUL", With(R"("s":"alice")", R"("s":"a\u0000b")")},
      {"raw unicode",
       With(R"("s":"alice")",
            "\"s\":"
            "\"\xc3\xa9\xe6\x97\xa5\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\x7f\"")},
      {"escaped literal", With(R"("s":"alice")", R"("s":"\u0061lice")")},
      {"escaped params key", With(R"("s":"alice")", R"("\u0073":"alice")")},
      {"escaped requester key", With(R"("team":"t")", R"("t\u0065am":"t")")},
      {"escaped map keys sort unescaped",
       With(R"({"k":"v","a":"b"})",
            R"({"\u007a":"1","y":"2","\u00e9":"3","":"4","A":"5"})")},
      {"map of many",
       With(
           R"({"k":"v","a":"b"})",
           R"({"q":"1","w":"2","e":"3","r":"4","t":"5","y":"6","u":"7","i":"8","o":"9","p":"0","a":"1","s":"2","d":"3","f":"4","g":"5","h":"6","j":"7","k":"v","l":"9"})")},
      {"map keys by bytes",
       With(R"({"k":"v","a":"b"})",
            "{\"\xc3\xa9\":\"1\",\"z\":\"2\",\"Z\":\"3\",\"\x7f\":\"4\"}")},
      {"empty strings", With(R"("s":"alice")", R"("s":"")")},
      {"empty string in list", With(R"(["x","y"])", R"(["",""])")},
      {"empty map key and value", With(R"({"k":"v","a":"b"})", R"({"":""})")},
      {"empty requester id", With(R"("id":"alice")", R"("id":"")")},
      {"empty lists and maps",
       With(R"("ls":["x","y"],"li":[3,4],"m":{"k":"v","a":"b"})",
            R"("ls":[],"li":[],"m":{})")},
      {"long string",
       With(R"("s":"alice")", "\"s\":\"" + std::string(100000, 'a') + "\"")},
      {"long list", With(R"(["x","y"])", "[" +
                                             [] {
                                               std::string list;
                                               for (int i = 0; i < 3000; ++i)
                                                 absl::StrAppend(
                                                     &list, i ? "," : "", "\"e",
                                                     i, "\"");
                                               return list;
                                             }() +
                                             "]")},
      {"optional absent", With(R"(,"opt":"o")", "")},
      {"unread given", With(R"("opt":"o")", R"("opt":"o","unread":-5)")},
      {"kind human", With(R"("kind":"agent")", R"("kind":"human")")},
      {"kind service", With(R"("kind":"agent")", R"("kind":"service")")},
      {"time fraction offset",
       With(R"("t":"2026-11-21T03:00:00Z")",
            R"("t":"2026-11-21t03:00:00.999999999+23:59")")},
      {"time negative offset", With(R"("t":"2026-11-21T03:00:00Z")",
                                    R"("t":"1969-12-31T23:59:59-00:30")")},
      {"ipv6", With(R"("addr":"10.1.2.3")", R"("addr":"2001:DB8::1")")},
      {"ipv4 mapped",
       With(R"("addr":"10.1.2.3")", R"("addr":"::ffff:10.1.2.3")")},
      {"context ipv6", With(R"("ip":"10.0.0.1")", R"("ip":"fe80::1")")},
      {"duration forms", With(R"("d":"1h30m")", R"("d":"1_000s")")},
      {"no requester, no context", R"({"action":"t.none"})"},
      {"empty params of optional-only action",
       R"({"action":"t.none","params":{}})"},
      {"empty entities", R"({"action":"t.none","requester":{},"context":{}})"},
      {"params before action",
       R"({"params":{"x":"v"},"requester":{"id":"bob"},"action":"t.none"})"},
      {"action last",
       R"({"requester":{"id":"bob"},"context":{},"action":"t.none"})"},
      {"pretty",
       "{\n\t\"action\" :\r\n \"t.none\" ,\n  \"params\": { \"x\" : \"v\" "
       "}\n}\n\t\r "},
      {"undeclared no params", R"({"action":"u.x","requester":{"id":"bob"}})"},
      {"undeclared empty params", params("{}")},
      {"undeclared junk",
       params(
           R"({"a":[1,-0,2.5e10,1e-400,true,false,null,"s",{}],"b":{"c":{"d":[]}},"e":123456789012345678901234567890})")},
      {"undeclared nested", params("{\"n\":" + nested + "}")},
      {"undeclared many keys", params(many)},
      {"undeclared same keys in siblings",
       params(R"({"a":{"k":1},"b":{"k":1},"c":[{"k":1},{"k":2}]})")},
      {"undeclared nested escapes",
       params(R"({"\u0061":"\ud83d\ude00","a\"":1,"a\\":2})")},
      {"action with digits and underscores", R"({"action":"_a.b9._"})"},
  };
}

TEST_F(JsonBinderTest, AcceptedRequestsBindAsBindJson) {
  for (const Case& c : AcceptedCases()) {
    SCOPED_TRACE(c.name + ": " + c.json.substr(0, 300));
    Outcome out = binder_->Check(c.json);
    EXPECT_TRUE(out.reference_valid) << out.reference_errors;
    EXPECT_EQ(out.result, Result::kBound);
    EXPECT_EQ(out.broken, "");
  }
}

// BindJson accepts each, the binder leaves it to BindJson (any result is
// safe; these pin the choice).
TEST_F(JsonBinderTest, ValidFormsLeftToTheSlowPath) {
  std::string deep = "1";
  for (int i = 0; i < 100; ++i) deep = "[" + deep + "]";
  std::vector<Case> cases = {
      // nlohmann skips a byte-order mark; simdjson does not.
      {"byte-order mark", "\xef\xbb\xbf" + std::string(kBase)},
      {"deeper than the generic limit",
       With("PARAMS", "{\"a\":" + deep + "}",
            R"({"action":"u.x","params":PARAMS})")},
      {"above 1 MiB",
       With(R"("s":"alice")", "\"s\":\"" + std::string(1100000, 'a') + "\"")},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Outcome out = binder_->Check(c.json);
    EXPECT_TRUE(out.reference_valid) << out.reference_errors;
    EXPECT_EQ(out.result, Result::kSlowPath);
  }
}

// A raw NUL is never JSON: BindJson refuses the text (nlohmann would stop
// reading at it and ignore the rest), and the binder never binds it.
TEST_F(JsonBinderTest, ANulByteIsNotJson) {
  for (const std::string& json :
       {std::string(kBase) + std::string("\0 ]] garbage", 12),
        std::string(kBase) + std::string("\0", 1)}) {
    Outcome out = binder_->Check(json);
    EXPECT_FALSE(out.reference_valid);
    EXPECT_EQ(out.result, Result::kSlowPath);
  }
}

// Either result is fine, as long as it is consistent with BindJson.
TEST_F(JsonBinderTest, EscapedTopLevelKeysAreConsistent) {
  for (const std::string& json : {
           With(R"({"action":"t.all",)", R"({"\u0061ction":"t.all",)"),
           With(R"("params":{)", R"("p\u0061rams":{)"),
           With(R"("requester":{)", R"("requeste\u0072":{)"),
           With(R"("context":{)", R"("\u0063ontext":{)"),
       }) {
    SCOPED_TRACE(json);
    Outcome out = binder_->Check(json);
    EXPECT_TRUE(out.reference_valid) << out.reference_errors;
    EXPECT_EQ(out.broken, "");
  }
}

// What the binder leaves to simdjson 3.0.1: raw control characters inside
// strings and invalid UTF-8 fail stage 1, with every kernel this machine
// can run (the parser takes the kernel active when it is allocated).
TEST_F(JsonBinderTest, EveryKernelRejectsControlCharactersAndBadUtf8) {
  const simdjson::implementation* active =
      simdjson::get_active_implementation();
  int kernels = 0;
  for (const simdjson::implementation* kernel :
       simdjson::get_available_implementations()) {
    if (!kernel->supported_by_runtime_system()) continue;
    SCOPED_TRACE(kernel->name());
    ++kernels;
    simdjson::get_active_implementation() = kernel;
    BindScratch scratch;
    int checked = 0;
    for (const Case& c : RejectedCases()) {
      if (c.name.rfind("raw ", 0) != 0 && c.name.rfind("utf8 ", 0) != 0) {
        continue;
      }
      SCOPED_TRACE(c.name);
      EXPECT_EQ(binder_->Check(c.json, scratch).result, Result::kSlowPath);
      ++checked;
    }
    EXPECT_GT(checked, 10);
    Outcome base = binder_->Check(kBase, scratch);
    EXPECT_EQ(base.result, Result::kBound);
    EXPECT_EQ(base.broken, "");
  }
  simdjson::get_active_implementation() = active;
  EXPECT_GE(kernels, 1);
}

TEST_F(JsonBinderTest, ScratchReuseGivesEachRequestItsOwnValues) {
  const std::string a = kBase;
  const std::string b =
      R"({"action":"t.none","params":{"x":"bob"},"requester":{"id":"carol"}})";
  BindScratch fresh_a, fresh_b;
  Outcome want_a = binder_->Check(a, fresh_a);
  Outcome want_b = binder_->Check(b, fresh_b);
  ASSERT_EQ(want_a.result, Result::kBound);
  ASSERT_EQ(want_b.result, Result::kBound);
  ASSERT_NE(want_a.slots, want_b.slots);

  BindScratch scratch;
  EXPECT_EQ(binder_->Check(a, scratch).slots, want_a.slots);
  // B leaves most of A's slots absent: they must read zero, not A's values.
  Outcome got_b = binder_->Check(b, scratch);
  EXPECT_EQ(got_b.slots, want_b.slots);
  EXPECT_EQ(got_b.broken, "");
  EXPECT_EQ(binder_->Check(a, scratch).slots, want_a.slots);
  // An invalid request in between leaves nothing behind either.
  EXPECT_EQ(binder_->Check(R"({"action":"t.all","x":1})", scratch).result,
            Result::kSlowPath);
  EXPECT_EQ(binder_->Check(b, scratch).slots, want_b.slots);
}

TEST_F(JsonBinderTest, BoundStringsDoNotPointIntoTheCallersText) {
  std::string json = kBase;
  BindScratch scratch;
  ASSERT_EQ(binder_->binder().Bind(json, scratch), Result::kBound);
  std::string before = DescribeSlots(binder_->policy(), scratch.slots());
  std::string action_before = testing::QuoteFlat(scratch.action());
  // Scribble over the caller's text: the bound values must not change.
  std::fill(json.begin(), json.end(), '#');
  EXPECT_EQ(DescribeSlots(binder_->policy(), scratch.slots()), before);
  EXPECT_EQ(testing::QuoteFlat(scratch.action()), action_before);
}

TEST_F(JsonBinderTest, GrowsForLargeDocumentsAndShrinksBack) {
  BindScratch scratch;
  std::string big = AcceptedCases()[0].json;
  for (const Case& c : AcceptedCases()) {
    if (c.json.size() > big.size()) big = c.json;
  }
  ASSERT_GT(big.size(), size_t{64} << 10);
  for (const std::string& json :
       {std::string(kBase), big, std::string(kBase)}) {
    Outcome out = binder_->Check(json, scratch);
    EXPECT_EQ(out.result, Result::kBound);
    EXPECT_EQ(out.broken, "");
  }
}

TEST_F(JsonBinderTest, ScratchesOnThreadsAreIndependent) {
  std::vector<Case> cases = AcceptedCases();
  std::vector<std::string> want;
  for (const Case& c : cases) want.push_back(binder_->Check(c.json).slots);
  std::vector<int> failures(3, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      BindScratch scratch;
      for (int round = 0; round < 20; ++round) {
        for (size_t i = 0; i < cases.size(); ++i) {
          size_t k = (i * (2 * t + 1) + round) % cases.size();
          if (binder_->binder().Bind(cases[k].json, scratch) !=
                  Result::kBound ||
              DescribeSlots(binder_->policy(), scratch.slots()) != want[k]) {
            ++failures[t];
          }
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures, std::vector<int>(3, 0));
}

int64_t CountAllocations(const std::function<void()>& f) {
  g_allocations = 0;
  g_counting = true;
  f();
  g_counting = false;
  return g_allocations;
}

// No allocation once warm. (The stdlib parsers BindJson uses may allocate
// for some texts: stdlib::ParseRfc3339, which the binder calls for times
// other than "YYYY-MM-DDThh:mm:ssZ", and stdlib::IpAddress::Parse for
// texts over 15 bytes.)
TEST_F(JsonBinderTest, NoHeapAllocationAfterWarmUp) {
  BindScratch scratch;
  const JsonBinder& binder = binder_->binder();
  const std::vector<std::string> requests = {
      kBase,
      R"({"action":"u.x","params":{"a":[1,{"b":null}],"c":"d"},)"
      R"("requester":{"id":"alice","kind":"agent","groups":["g1","g2"],)"
      R"("attrs":{"z":"1","a":"2"}},"context":{"ip":"10.0.0.1",)"
      R"("justification":"\u00e9","attrs":{"x":"y"}}})",
      R"({"params":{"x":"v"},"action":"t.none"})",
  };
  for (const std::string& json : requests) {
    ASSERT_EQ(binder.Bind(json, scratch), Result::kBound) << json;
  }
  for (const std::string& json : requests) {
    int64_t count = CountAllocations([&] {
      for (int i = 0; i < 10; ++i) {
        if (binder.Bind(json, scratch) != Result::kBound) ADD_FAILURE();
      }
    });
    EXPECT_EQ(count, 0) << json;
  }
}

// The binder's allocation-free time parser gives what stdlib::ParseRfc3339
// gives for every text it takes, and takes the canonical spelling of every
// valid UTC time.
TEST(ParseCanonicalUtcTimeTest, AgreesWithParseRfc3339) {
  auto check = [](int year, int month, int day, int hour, int minute,
                  int second) {
    std::string text = absl::StrFormat("%04d-%02d-%02dT%02d:%02d:%02dZ", year,
                                       month, day, hour, minute, second);
    std::optional<int64_t> fast = ParseCanonicalUtcTime(text);
    std::optional<int64_t> reference = stdlib::ParseRfc3339(text);
    if (fast.has_value()) {
      EXPECT_EQ(fast, reference) << text;
    } else {
      // Not taken: only texts outside the plain calendar and clock.
      bool plain = month >= 1 && month <= 12 && day >= 1 && hour <= 23 &&
                   minute <= 59 && second <= 59 && reference.has_value();
      EXPECT_FALSE(plain && day <= 28) << text;
    }
    return fast.has_value();
  };
  int taken = 0;
  // Every day of 1600..2500; the month ends and leap days of every year.
  for (int year = 1600; year <= 2500; ++year) {
    for (int month = 1; month <= 12; ++month) {
      for (int day = 1; day <= 31; ++day) {
        taken += check(year, month, day, (day * 7) % 24, (day * 13) % 60,
                       (day * 17) % 60);
      }
    }
  }
  for (int year = 0; year <= 9999; year += year < 30 || year > 9970 ? 1 : 7) {
    for (int month : {1, 2, 3, 12}) {
      for (int day : {1, 28, 29, 30, 31}) {
        taken += check(year, month, day, 23, 59, 59);
      }
    }
  }
  EXPECT_GT(taken, 300000);
  // Every time of one day, and out-of-range fields.
  for (int second = 0; second < 86400; second += 7) {
    EXPECT_TRUE(
        check(2026, 11, 21, second / 3600, second / 60 % 60, second % 60));
  }
  for (auto [month, day, hour, minute, second] :
       std::vector<std::array<int, 5>>{{0, 1, 0, 0, 0},
                                       {13, 1, 0, 0, 0},
                                       {1, 0, 0, 0, 0},
                                       {1, 32, 0, 0, 0},
                                       {4, 31, 0, 0, 0},
                                       {2, 30, 0, 0, 0},
                                       {1, 1, 24, 0, 0},
                                       {1, 1, 0, 60, 0},
                                       {1, 1, 23, 59, 60},
                                       {12, 31, 23, 59, 60}}) {
    EXPECT_FALSE(check(2026, month, day, hour, minute, second));
  }
  EXPECT_FALSE(check(2023, 2, 29, 0, 0, 0));
  EXPECT_FALSE(check(1900, 2, 29, 0, 0, 0));
  EXPECT_TRUE(check(2000, 2, 29, 0, 0, 0));
  // Other spellings are left to stdlib::ParseRfc3339.
  for (std::string_view text :
       {"2026-11-21t03:00:00Z", "2026-11-21T03:00:00z",
        "2026-11-21T03:00:00.5Z", "2026-11-21T03:00:00+00:00",
        "2026-11-21 03:00:00Z", "2026-11-21T03:00:00Z ",
        " 2026-11-21T03:00:00Z", "2026-11-2103:00:00Z", "+026-11-21T03:00:00Z",
        "2026-1a-21T03:00:00Z", "20261121T030000Z", "2026-11-21T03:00:0Z",
        ""}) {
    EXPECT_EQ(ParseCanonicalUtcTime(text), std::nullopt) << text;
  }
  EXPECT_EQ(ParseCanonicalUtcTime("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseCanonicalUtcTime("0000-01-01T00:00:00Z"), -62167219200);
  EXPECT_EQ(ParseCanonicalUtcTime("9999-12-31T23:59:59Z"), 253402300799);
}

double NanosPerCall(const std::function<void()>& f, int rounds) {
  for (int i = 0; i < rounds / 100; ++i) f();
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < rounds; ++i) f();
  return std::chrono::duration<double, std::nano>(
             std::chrono::steady_clock::now() - start)
             .count() /
         rounds;
}

// Not a test: the time per bind, fast and reference, of this file's base
// request (22 fields) and of the LANGUAGE.md §6 request (11 fields) under
// tests/golden/eval/language_md.signoff. Run with
// `--gtest_also_run_disabled_tests --gtest_filter='*DISABLED_Speed'`.
TEST_F(JsonBinderTest, DISABLED_Speed) {
  std::unique_ptr<driver::Compilation> language_md =
      CompileOrFail({std::string(SIGNOFF_SOURCE_DIR) +
                     "/tests/golden/eval/language_md.signoff"});
  ASSERT_NE(language_md, nullptr);
  BinderUnderTest section6(*language_md->policy);
  const std::string kSection6 =
      R"({"action": "data.export", "params": {"dataset": "customers", )"
      R"("rows": 50000, "destination": "s3://warehouse/q4", )"
      R"("classification": "confidential"}, "requester": {"id": "agent:etl", )"
      R"("kind": "agent", "team": "data", "on_behalf_of": "dana"}, )"
      R"("context": {"time": "2026-11-21T03:00:00Z", "ip": "10.1.2.3", )"
      R"("justification": "Q4 report"}})";
  for (auto [binder, json] :
       {std::pair<BinderUnderTest*, std::string>{binder_.get(), kBase},
        {&section6, kSection6}}) {
    ASSERT_EQ(binder->Check(json).broken, "");
    BindScratch scratch;
    const JsonBinder& fast = binder->binder();
    const ir::Policy& policy = binder->policy();
    double fast_ns = NanosPerCall(
        [&] {
          if (fast.Bind(json, scratch) != Result::kBound) ADD_FAILURE();
        },
        200000);
    double reference_ns = NanosPerCall(
        [&] {
          if (!eval::BindJson(policy, json).ok()) ADD_FAILURE();
        },
        10000);
    std::printf("%zu bytes, %zu slots: JsonBinder %.0f ns, BindJson %.0f ns\n",
                json.size(), policy.slots.size(), fast_ns, reference_ns);
  }
}

}  // namespace
}  // namespace signoff::jit::internal
