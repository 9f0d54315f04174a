#include <gtest/gtest.h>

#include <string>

#include "stdlib/builtins.h"

namespace signoff::stdlib {
namespace {

TEST(StringsTest, PrefixSuffixSubstringAreBytewise) {
  EXPECT_TRUE(StartsWith("s3://public-x", "s3://"));
  EXPECT_TRUE(StartsWith("abc", ""));
  EXPECT_FALSE(StartsWith("ab", "abc"));
  EXPECT_FALSE(StartsWith("ABC", "abc"));
  EXPECT_TRUE(EndsWith("report.csv", ".csv"));
  EXPECT_TRUE(EndsWith("", ""));
  EXPECT_FALSE(EndsWith("csv", ".csv"));
  EXPECT_TRUE(Contains("prod-db-1", "db"));
  EXPECT_TRUE(Contains("x", ""));
  EXPECT_FALSE(Contains("", "x"));
  EXPECT_TRUE(Contains("caf\xc3\xa9", "\xc3\xa9"));
}

TEST(StringsTest, CaseMappingIsAsciiOnly) {
  EXPECT_EQ(Lower("Hello WORLD 42"), "hello world 42");
  EXPECT_EQ(Upper("Hello world"), "HELLO WORLD");
  // Non-ASCII letters are left alone: É stays É.
  EXPECT_EQ(Lower("\xc3\x89T\xc3\x89"), "\xc3\x89t\xc3\x89");
  EXPECT_EQ(Upper("\xc3\xa9t\xc3\xa9"), "\xc3\xa9T\xc3\xa9");
}

TEST(StringsTest, LengthCountsCodePoints) {
  EXPECT_EQ(CodePointLength(""), 0);
  EXPECT_EQ(CodePointLength("abc"), 3);
  EXPECT_EQ(CodePointLength("caf\xc3\xa9"), 4);        // café
  EXPECT_EQ(CodePointLength("\xe2\x82\xac"), 1);       // €
  EXPECT_EQ(CodePointLength("\xf0\x9f\x98\x80!"), 2);  // 😀!
  EXPECT_EQ(CodePointLength("\xff\xfe"), 2);           // invalid bytes
  EXPECT_EQ(CodePointLength("\xe2\x82"), 2);           // truncated
  EXPECT_EQ(CodePointLength(std::string("a\0b", 3)), 3);
}

TEST(BuiltinTableTest, TableIsInEnumOrderAndNamesAreUnique) {
  const auto& all = AllBuiltins();
  ASSERT_FALSE(all.empty());
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(static_cast<size_t>(all[i].id), i);
    EXPECT_EQ(&GetBuiltin(all[i].id), &all[i]);
  }
  EXPECT_EQ(GetBuiltin(Builtin::kLenListInt).name, "len");
  EXPECT_EQ(GetBuiltin(Builtin::kLenListInt).args,
            std::vector<Type>{Type::kListInt});
  EXPECT_EQ(GetBuiltin(Builtin::kInCidr).result, Type::kBool);
  std::vector<std::string> names = BuiltinNames();
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_EQ(std::count(names.begin(), names.end(), "len"), 1);
  EXPECT_NE(std::find(names.begin(), names.end(), "in_cidr"), names.end());
}

}  // namespace
}  // namespace signoff::stdlib
