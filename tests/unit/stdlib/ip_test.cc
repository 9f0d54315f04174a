#include <gtest/gtest.h>

#include <string>

#include "stdlib/builtins.h"

namespace signoff::stdlib {
namespace {

IpAddress Ip(std::string_view text) {
  std::optional<IpAddress> ip = IpAddress::Parse(text);
  EXPECT_TRUE(ip.has_value()) << text;
  return ip.value_or(IpAddress{});
}

Cidr Block(std::string_view text) {
  absl::StatusOr<Cidr> cidr = Cidr::Parse(text);
  EXPECT_TRUE(cidr.ok()) << text << ": " << cidr.status();
  return cidr.ok() ? *cidr : *Cidr::Parse("0.0.0.0/32");
}

TEST(IpAddressTest, ParsesAndPrintsCanonically) {
  EXPECT_EQ(Ip("10.1.2.3").ToString(), "10.1.2.3");
  EXPECT_TRUE(Ip("10.1.2.3").v4);
  EXPECT_EQ(Ip("2001:DB8:0:0::1").ToString(), "2001:db8::1");
  EXPECT_FALSE(Ip("::1").v4);
  EXPECT_EQ(Ip("::").ToString(), "::");
  EXPECT_EQ(Ip("::ffff:10.0.0.1").ToString(), "::ffff:10.0.0.1");
}

TEST(IpAddressTest, RejectsNonCanonicalAndGarbage) {
  for (const char* bad :
       {"", "10.1.2", "10.1.2.3.4", "256.1.1.1", "010.1.1.1", "1.2.3.4 ",
        " 1.2.3.4", "0x0a.0.0.1", "10.0.0.1/8", "fe80::1%eth0",
        ":::", "1:2:3:4:5:6:7:8:9", "localhost", "-1.2.3.4"}) {
    EXPECT_FALSE(IpAddress::Parse(bad).has_value()) << bad;
  }
  EXPECT_FALSE(IpAddress::Parse(std::string("1.2.3.4\0x", 9)).has_value());
}

TEST(IpAddressTest, MappedV6IsNotTheV4Address) {
  EXPECT_FALSE(Ip("::ffff:10.0.0.1") == Ip("10.0.0.1"));
  EXPECT_TRUE(Ip("2001:db8::1") == Ip("2001:0db8::0:1"));
  EXPECT_FALSE(IpAddress{}.valid);
  EXPECT_EQ(IpAddress{}.ToString(), "");
}

TEST(CidrTest, ContainsV4) {
  Cidr block = Block("10.0.0.0/8");
  EXPECT_EQ(block.text(), "10.0.0.0/8");
  EXPECT_TRUE(block.Contains(Ip("10.0.0.0")));
  EXPECT_TRUE(block.Contains(Ip("10.255.255.255")));
  EXPECT_FALSE(block.Contains(Ip("11.0.0.0")));
  EXPECT_FALSE(block.Contains(Ip("9.255.255.255")));
  Cidr odd = Block("192.168.1.128/25");
  EXPECT_TRUE(odd.Contains(Ip("192.168.1.200")));
  EXPECT_FALSE(odd.Contains(Ip("192.168.1.127")));
  Cidr all = Block("0.0.0.0/0");
  EXPECT_TRUE(all.Contains(Ip("255.255.255.255")));
  EXPECT_FALSE(all.Contains(Ip("::1")));
  Cidr host = Block("1.2.3.4/32");
  EXPECT_TRUE(host.Contains(Ip("1.2.3.4")));
  EXPECT_FALSE(host.Contains(Ip("1.2.3.5")));
}

TEST(CidrTest, ContainsV6) {
  Cidr block = Block("2001:DB8::/32");
  EXPECT_EQ(block.text(), "2001:db8::/32");
  EXPECT_TRUE(block.Contains(Ip("2001:db8:ffff::1")));
  EXPECT_FALSE(block.Contains(Ip("2001:db9::1")));
  Cidr odd = Block("fe80::/10");
  EXPECT_TRUE(odd.Contains(Ip("febf::1")));
  EXPECT_FALSE(odd.Contains(Ip("fec0::1")));
  EXPECT_TRUE(Block("::/0").Contains(Ip("::ffff:10.0.0.1")));
  EXPECT_TRUE(Block("::1/128").Contains(Ip("::1")));
}

TEST(CidrTest, FamiliesNeverMix) {
  EXPECT_FALSE(Block("10.0.0.0/8").Contains(Ip("::ffff:10.0.0.1")));
  EXPECT_FALSE(Block("::ffff:0:0/96").Contains(Ip("10.0.0.1")));
  EXPECT_FALSE(Block("0.0.0.0/0").Contains(IpAddress{}));  // absent ip
}

TEST(CidrTest, HostBitsMustBeZero) {
  absl::StatusOr<Cidr> cidr = Cidr::Parse("10.0.0.1/8");
  ASSERT_FALSE(cidr.ok());
  EXPECT_EQ(cidr.status().message(),
            "host bits set in `10.0.0.1/8`; did you mean `10.0.0.0/8`?");
  cidr = Cidr::Parse("2001:db8::1/32");
  ASSERT_FALSE(cidr.ok());
  EXPECT_EQ(cidr.status().message(),
            "host bits set in `2001:db8::1/32`; did you mean `2001:db8::/32`?");
}

TEST(CidrTest, RejectsMalformed) {
  for (const char* bad :
       {"10.0.0.0", "10.0.0.0/", "10.0.0.0/33", "::/129", "10.0.0.0/-1",
        "10.0.0.0/08", "10.0.0.0/8/8", "10.0.0/8", "x/8", "/8", "10.0.0.0/ 8",
        "10.0.0.0/1000"}) {
    absl::StatusOr<Cidr> cidr = Cidr::Parse(bad);
    EXPECT_FALSE(cidr.ok()) << bad;
    EXPECT_EQ(cidr.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_TRUE(Cidr::Parse("10.0.0.0/0").ok() == false);  // host bits set
  EXPECT_TRUE(Cidr::Parse("0.0.0.0/0").ok());
}

}  // namespace
}  // namespace signoff::stdlib
