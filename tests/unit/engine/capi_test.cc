// The C API (runtime/capi/signoff.h): results, errors, per-thread messages.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <thread>

#include "nlohmann/json.hpp"
#include "runtime/capi/signoff.h"

namespace {

constexpr char kPolicy[] =
    "group sre = [\"alice\"]\n"
    "rule deploys {\n  on app.deploy\n  require 1 of sre\n}\n";

std::string Decide(const signoff_engine* engine, const std::string& json,
                   bool explain = false) {
  char* out =
      explain ? signoff_decide_json_explain(engine, json.data(), json.size())
              : signoff_decide_json(engine, json.data(), json.size());
  if (out == nullptr) return "";
  std::string result(out);
  signoff_string_free(out);
  return result;
}

TEST(CApiTest, LoadAndDecide) {
  signoff_engine* engine = signoff_engine_new();
  ASSERT_NE(engine, nullptr);
  ASSERT_EQ(signoff_engine_load_source(engine, "p.signoff", kPolicy), 0)
      << signoff_last_error();
  std::string out = Decide(engine, R"({"action": "app.deploy"})");
  auto decision = nlohmann::json::parse(out, nullptr, false);
  ASSERT_FALSE(decision.is_discarded()) << out;
  EXPECT_EQ(decision["decision"], "require_approval");
  EXPECT_EQ(decision["requirements"][0]["group"], "sre");
  EXPECT_FALSE(decision.contains("explain"));
  EXPECT_EQ(out.find('\n'), std::string::npos);  // one line

  auto explained = nlohmann::json::parse(
      Decide(engine, R"({"action": "app.deploy"})", true));
  EXPECT_TRUE(explained.contains("explain"));
  signoff_engine_free(engine);
}

TEST(CApiTest, LoadFilesAndSources) {
  signoff_engine* engine = signoff_engine_new_with_backend(1);
  EXPECT_STREQ(signoff_engine_backend(engine), "interp");
  std::string dir = std::string(SIGNOFF_SOURCE_DIR) + "/examples/data-exports";
  const char* paths[] = {dir.c_str()};
  ASSERT_EQ(signoff_engine_load_files(engine, paths, 1), 0)
      << signoff_last_error();
  const char* names[] = {"a.signoff", "b.signoff"};
  const char* texts[] = {"group sre = [\"alice\"]\n",
                         "rule r {\n  on x.y\n  require 1 of sre\n}\n"};
  ASSERT_EQ(signoff_engine_load_sources(engine, names, texts, 2), 0)
      << signoff_last_error();
  auto decision = nlohmann::json::parse(Decide(engine, R"({"action":"x.y"})"));
  EXPECT_EQ(decision["rules"][0], "r");
  signoff_engine_free(engine);
}

TEST(CApiTest, FailuresSetTheLastError) {
  signoff_engine* engine = signoff_engine_new();
  EXPECT_EQ(Decide(engine, R"({"action": "a.b"})"), "");
  EXPECT_STREQ(signoff_last_error(), "no policy set is loaded");

  ASSERT_EQ(signoff_engine_load_source(engine, "p.signoff", kPolicy), 0);
  EXPECT_EQ(signoff_engine_load_source(engine, "bad.signoff", "rule {"), -1);
  EXPECT_NE(std::strstr(signoff_last_error(), "bad.signoff:1:"), nullptr)
      << signoff_last_error();
  // The old set keeps serving.
  EXPECT_NE(Decide(engine, R"({"action": "app.deploy"})"), "");

  EXPECT_EQ(Decide(engine, "{not json"), "");
  EXPECT_STREQ(signoff_last_error(), "the request is not valid JSON");

  const char* missing[] = {"/no/such/dir"};
  EXPECT_EQ(signoff_engine_load_files(engine, missing, 1), -1);
  EXPECT_NE(std::strstr(signoff_last_error(), "/no/such/dir"), nullptr);
  signoff_engine_free(engine);
}

TEST(CApiTest, NullArgumentsFailCleanly) {
  EXPECT_EQ(signoff_decide_json(nullptr, "{}", 2), nullptr);
  EXPECT_NE(std::strstr(signoff_last_error(), "NULL"), nullptr);
  EXPECT_EQ(signoff_engine_load_files(nullptr, nullptr, 0), -1);
  EXPECT_EQ(signoff_engine_load_source(nullptr, "p", "x"), -1);
  signoff_engine* engine = signoff_engine_new();
  EXPECT_EQ(signoff_engine_load_source(engine, nullptr, "x"), -1);
  EXPECT_EQ(signoff_engine_load_source(engine, "p", nullptr), -1);
  const char* paths[] = {nullptr};
  EXPECT_EQ(signoff_engine_load_files(engine, paths, 1), -1);
  EXPECT_EQ(signoff_decide_json(engine, nullptr, 3), nullptr);
  signoff_engine_free(engine);
  signoff_engine_free(nullptr);
  signoff_string_free(nullptr);
}

TEST(CApiTest, TheLastErrorIsPerThread) {
  EXPECT_EQ(signoff_engine_load_source(nullptr, "p", "x"), -1);
  std::string here = signoff_last_error();
  ASSERT_FALSE(here.empty());
  std::string there = "unset";
  std::thread([&] { there = signoff_last_error(); }).join();
  EXPECT_EQ(there, "");
  EXPECT_EQ(signoff_last_error(), here);
}

}  // namespace
