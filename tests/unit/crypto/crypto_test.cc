#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "gtest/gtest.h"
#include "runtime/crypto/canonical_json.h"
#include "runtime/crypto/ed25519.h"
#include "runtime/crypto/encoding.h"

namespace signoff::crypto {
namespace {

std::string Unhex(std::string_view hex) { return HexDecode(hex).value(); }

TEST(EncodingTest, HexRoundTripAndRejects) {
  EXPECT_EQ(HexEncode(std::string("\x00\xff\x10", 3)), "00ff10");
  EXPECT_EQ(HexDecode("00FF10"), std::string("\x00\xff\x10", 3));
  EXPECT_FALSE(HexDecode("abc").has_value());
  EXPECT_FALSE(HexDecode("zz").has_value());
}

TEST(EncodingTest, Base64UrlRfc4648Vectors) {
  // RFC 4648 §10 vectors, in the URL alphabet without padding.
  const std::pair<std::string, std::string> vectors[] = {
      {"", ""},
      {"f", "Zg"},
      {"fo", "Zm8"},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg"},
      {"fooba", "Zm9vYmE"},
      {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(Base64UrlEncode(plain), encoded);
    EXPECT_EQ(Base64UrlDecode(encoded), plain);
  }
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_EQ(Base64UrlDecode("-_8"), "\xfb\xff");
}

TEST(EncodingTest, Base64UrlRejectsNonCanonical) {
  EXPECT_FALSE(Base64UrlDecode("Zg==").has_value());  // padding
  EXPECT_FALSE(Base64UrlDecode("Zh").has_value());    // trailing bits set
  EXPECT_FALSE(Base64UrlDecode("Z").has_value());     // impossible length
  EXPECT_FALSE(Base64UrlDecode("Zm+v").has_value());  // standard alphabet
  EXPECT_FALSE(Base64UrlDecode("Zm9 v").has_value());
}

TEST(EncodingTest, Sha256AndHmacVectors) {
  EXPECT_EQ(HexEncode(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Tagged(""),
            "sha256:"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  // RFC 4231 test case 2.
  EXPECT_EQ(HexEncode(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(EncodingTest, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
}

TEST(CanonicalJsonTest, SortedKeysNoWhitespace) {
  auto a =
      nlohmann::json::parse(R"({ "b": 1, "a": {"z": [1, 2], "y": "é\n"} })");
  auto b = nlohmann::json::parse(R"({"a":{"y":"é\n","z":[1,2]},"b":1})");
  EXPECT_EQ(CanonicalJson(a), R"({"a":{"y":"é\n","z":[1,2]},"b":1})");
  EXPECT_EQ(CanonicalJson(a), CanonicalJson(b));
  EXPECT_EQ(CanonicalJson(nlohmann::json::parse(R"({"a\"":"\u0001"})")),
            R"({"a\"":"\u0001"})");
}

TEST(Ed25519Test, Rfc8032TestVector1) {
  auto key = SigningKey::FromSeed(Unhex(
      "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(HexEncode((*key)->public_key()),
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  const std::string signature = (*key)->Sign("");
  EXPECT_EQ(HexEncode(signature),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
            "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
  EXPECT_TRUE(VerifyEd25519((*key)->public_key(), "", signature));
  EXPECT_FALSE(VerifyEd25519((*key)->public_key(), "x", signature));
  std::string flipped = signature;
  flipped[5] ^= 1;
  EXPECT_FALSE(VerifyEd25519((*key)->public_key(), "", flipped));
  EXPECT_FALSE(VerifyEd25519("short", "", signature));
  EXPECT_FALSE(VerifyEd25519((*key)->public_key(), "", signature.substr(1)));
  EXPECT_EQ((*key)->key_id().rfind("ed25519:", 0), 0u);
  EXPECT_EQ((*key)->key_id().size(), 8u + 16u);
}

class KeyDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/signoff-keys-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    root_ = pattern;
    dir_ = root_ + "/keys";
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  std::string root_;
  std::string dir_;
};

TEST_F(KeyDirTest, CreatesOnceWithPrivateModesAndReloadsSameKey) {
  auto first = SigningKey::LoadOrCreate(dir_);
  ASSERT_TRUE(first.ok()) << first.status();
  struct stat info;
  ASSERT_EQ(stat((dir_ + "/signing.key").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  ASSERT_EQ(stat(dir_.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
  auto second = SigningKey::LoadOrCreate(dir_);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ((*first)->public_key(), (*second)->public_key());
  EXPECT_TRUE(VerifyEd25519((*first)->public_key(), "m", (*second)->Sign("m")));
  // No temporary files left behind.
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    (void)entry;
    ++files;
  }
  EXPECT_EQ(files, 1);
}

TEST_F(KeyDirTest, RefusesKeyOthersCanRead) {
  ASSERT_TRUE(SigningKey::LoadOrCreate(dir_).ok());
  ASSERT_EQ(chmod((dir_ + "/signing.key").c_str(), 0644), 0);
  auto key = SigningKey::LoadOrCreate(dir_);
  EXPECT_EQ(key.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(key.status().message().find("chmod 600"), std::string::npos);
}

TEST_F(KeyDirTest, RefusesGarbageAndOtherKeyTypes) {
  ASSERT_EQ(mkdir(dir_.c_str(), 0700), 0);
  {
    std::ofstream out(dir_ + "/signing.key");
    out << "not a key";
  }
  ASSERT_EQ(chmod((dir_ + "/signing.key").c_str(), 0600), 0);
  auto key = SigningKey::LoadOrCreate(dir_);
  EXPECT_EQ(key.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(SigningKey::FromSeed("short").ok());
}

}  // namespace
}  // namespace signoff::crypto
