// ir::Pattern::Matches: `*` is exactly one segment, `**` (last only) one or
// more segments, literal segments compare equal.
#include <string>
#include <vector>

#include "compiler/ir/ir.h"
#include "gtest/gtest.h"

namespace signoff::ir {
namespace {

Pattern Make(const std::string& text) {
  Pattern p;
  p.text = text;
  size_t start = 0;
  while (true) {
    size_t dot = text.find('.', start);
    p.segments.push_back(text.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return p;
}

struct Case {
  const char* pattern;
  const char* action;
  bool matches;
};

TEST(Pattern, MatchesTable) {
  const Case kCases[] = {
      {"data.*", "data.export", true},
      {"data.*", "data.export.x", false},
      {"data.*", "data", false},
      {"data.*", "other.export", false},
      {"iam.**", "iam.role.grant", true},
      {"iam.**", "iam.role", true},
      {"iam.**", "iam", false},
      {"iam.**", "iamx.role", false},
      {"**", "a", true},
      {"**", "a.b.c", true},
      {"**", "", false},
      {"*.read", "db.read", true},
      {"*.read", "read", false},
      {"*.read", "db.x.read", false},
      {"*.read", "db.write", false},
      {"data.export", "data.export", true},
      {"data.export", "data.exports", false},
      {"data.export", "data.export.x", false},
      {"*", "x", true},
      {"*", "x.y", false},
      {"*.**", "x", false},
      {"*.**", "x.y.z", true},
      {"a.*.c", "a.b.c", true},
      {"a.*.c", "a.b.d", false},
  };
  for (const Case& c : kCases) {
    EXPECT_EQ(Make(c.pattern).Matches(c.action), c.matches)
        << c.pattern << " vs " << c.action;
  }
}

TEST(Names, OpsSourcesEffects) {
  EXPECT_EQ(OpName(Op::kConstBool), "ConstBool");
  EXPECT_EQ(OpName(Op::kInGroup), "InGroup");
  EXPECT_EQ(OpName(Op::kCall), "Call");
  EXPECT_EQ(SlotSourceName(SlotSource::kParams), "params");
  EXPECT_EQ(SlotSourceName(SlotSource::kApprover), "approver");
  EXPECT_EQ(EffectName(Effect::kRequire), "require");
  EXPECT_EQ(EffectName(Effect::kAllow), "allow");
}

}  // namespace
}  // namespace signoff::ir
