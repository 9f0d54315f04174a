#include "compiler/eval/value.h"

#include <gtest/gtest.h>

#include <string>

namespace signoff::eval {
namespace {

TEST(ValueTest, ZeroValues) {
  EXPECT_EQ(ZeroValue(Type::kBool), Value(false));
  EXPECT_EQ(ZeroValue(Type::kInt), Value(int64_t{0}));
  EXPECT_EQ(ZeroValue(Type::kDuration), Value(int64_t{0}));
  EXPECT_EQ(ZeroValue(Type::kTime), Value(int64_t{0}));
  EXPECT_EQ(ZeroValue(Type::kString), Value(std::string()));
  EXPECT_FALSE(std::get<stdlib::IpAddress>(ZeroValue(Type::kIp)).valid);
  EXPECT_EQ(ZeroValue(Type::kListString), Value(StringList{}));
  EXPECT_EQ(ZeroValue(Type::kListInt), Value(IntList{}));
  EXPECT_EQ(ZeroValue(Type::kMapStringString), Value(StringMap{}));
}

TEST(ValueTest, ToStringByType) {
  EXPECT_EQ(ValueToString(Value(true), Type::kBool), "true");
  EXPECT_EQ(ValueToString(Value(false), Type::kBool), "false");
  EXPECT_EQ(ValueToString(Value(int64_t{-50000}), Type::kInt), "-50000");
  EXPECT_EQ(ValueToString(Value(int64_t{5400}), Type::kDuration), "1h30m");
  EXPECT_EQ(ValueToString(Value(int64_t{1795230000}), Type::kTime),
            "2026-11-21T03:00:00Z");
  EXPECT_EQ(ValueToString(Value(std::string("s3://x")), Type::kString),
            "s3://x");
  EXPECT_EQ(
      ValueToString(Value(*stdlib::IpAddress::Parse("2001:db8::1")), Type::kIp),
      "2001:db8::1");
  EXPECT_EQ(ValueToString(Value(stdlib::IpAddress{}), Type::kIp), "");
  EXPECT_EQ(ValueToString(Value(StringList{"a", "b\"c"}), Type::kListString),
            R"(["a", "b\"c"])");
  EXPECT_EQ(ValueToString(Value(StringList{}), Type::kListString), "[]");
  EXPECT_EQ(ValueToString(Value(IntList{1, -2}), Type::kListInt), "[1, -2]");
  EXPECT_EQ(ValueToString(Value(StringMap{{"k", "v"}, {"x", "y\n"}}),
                          Type::kMapStringString),
            R"({"k": "v", "x": "y\n"})");
}

TEST(ValueTest, MapGetFindsKeysAndDefaultsToEmpty) {
  StringMap map = {{"a", "1"}, {"b", "2"}, {"team", "data"}};
  EXPECT_EQ(MapGet(map, "team"), "data");
  EXPECT_EQ(MapGet(map, "a"), "1");
  EXPECT_EQ(MapGet(map, "missing"), "");
  EXPECT_EQ(MapGet(StringMap{}, "a"), "");
}

}  // namespace
}  // namespace signoff::eval
