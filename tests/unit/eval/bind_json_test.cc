#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "compiler/eval/request.h"
#include "compiler/ir/ir.h"

namespace signoff::eval {
namespace {

using Strings = std::vector<std::string>;

// A policy that reads every kind of field: data.export declares one field
// of each type; rules read requester, context and approver fields too.
class BindJsonTest : public ::testing::Test {
 protected:
  BindJsonTest() {
    AddField("dataset", Type::kString, false);
    AddField("rows", Type::kInt, false);
    AddField("note", Type::kString, true);
    AddField("ttl", Type::kDuration, true);
    AddField("at", Type::kTime, true);
    AddField("addr", Type::kIp, true);
    AddField("tags", Type::kListString, true);
    AddField("sizes", Type::kListInt, true);
    AddField("labels", Type::kMapStringString, true);
    AddField("dry_run", Type::kBool, true);
    AddField("unread", Type::kString, true, /*read=*/false);
    policy_.actions.push_back(std::move(schema_));
    AddSlot(ir::SlotSource::kRequester, "id", Type::kString);
    AddSlot(ir::SlotSource::kRequester, "kind", Type::kString);
    AddSlot(ir::SlotSource::kRequester, "groups", Type::kListString);
    AddSlot(ir::SlotSource::kRequester, "attrs", Type::kMapStringString);
    AddSlot(ir::SlotSource::kContext, "time", Type::kTime);
    AddSlot(ir::SlotSource::kContext, "ip", Type::kIp);
    AddSlot(ir::SlotSource::kContext, "ticket", Type::kString);
    AddSlot(ir::SlotSource::kApprover, "team", Type::kString);
  }

  int AddSlot(ir::SlotSource source, std::string field, Type type) {
    policy_.slots.push_back({source, std::move(field), type});
    return static_cast<int>(policy_.slots.size()) - 1;
  }

  void AddField(std::string name, Type type, bool optional, bool read = true) {
    int slot = read ? AddSlot(ir::SlotSource::kParams, name, type) : -1;
    schema_.fields.push_back({std::move(name), type, optional, slot});
  }

  int Slot(ir::SlotSource source, std::string_view field) {
    for (size_t i = 0; i < policy_.slots.size(); ++i) {
      if (policy_.slots[i].source == source &&
          policy_.slots[i].field == field) {
        return static_cast<int>(i);
      }
    }
    ADD_FAILURE() << "no slot " << field;
    return 0;
  }

  BoundRequest Bind(std::string_view json) {
    absl::StatusOr<BoundRequest> bound = BindJson(policy_, json);
    EXPECT_TRUE(bound.ok()) << bound.status();
    return bound.ok() ? *std::move(bound) : BoundRequest{};
  }

  std::vector<std::string> Errors(std::string_view json) {
    return Bind(json).errors;
  }

  // A valid data.export request with `params_extra` spliced into params.
  static std::string Export(std::string_view params_extra) {
    return std::string(
               R"({"action": "data.export", "params": {"dataset": "c", "rows": 5)") +
           (params_extra.empty() ? "" : ", ") + std::string(params_extra) +
           "}}";
  }

  ir::Policy policy_;
  ir::ActionSchema schema_{"data.export", {}, {}};
};

TEST_F(BindJsonTest, NotJsonIsAStatusError) {
  for (const char* bad : {"", "{", "not json", "{\"action\": }", "[1,]"}) {
    absl::StatusOr<BoundRequest> bound = BindJson(policy_, bad);
    EXPECT_FALSE(bound.ok()) << bad;
    EXPECT_EQ(bound.status().code(), absl::StatusCode::kInvalidArgument);
  }
  // nlohmann stops at a NUL; what follows must not be silently ignored.
  const std::string nul("{\"action\": \"a.b\"}\0 ]] garbage", 31);
  EXPECT_EQ(BindJson(policy_, nul).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(BindJsonTest, RequestMustBeAnObject) {
  EXPECT_EQ(Errors("[]"), (Strings{"request: expected a JSON object"}));
  EXPECT_EQ(Errors("\"data.export\""),
            (Strings{"request: expected a JSON object"}));
  EXPECT_EQ(Errors("null"), (Strings{"request: expected a JSON object"}));
}

TEST_F(BindJsonTest, TopLevelKeys) {
  EXPECT_EQ(Errors(R"({"action": "x.y", "foo": 1})"),
            (Strings{"unknown top-level key `foo`"}));
  EXPECT_EQ(Errors(R"({})"), (Strings{"action: required string is missing"}));
  EXPECT_EQ(Errors(R"({"action": 7})"),
            (Strings{"action: expected string, got int"}));
  EXPECT_EQ(Errors(R"({"action": ""})"),
            (Strings{"action: must not be empty"}));
  for (const char* bad : {"data..export", ".x", "x.", "data export", "1x",
                          "data.*", "x.y\\u0000"}) {
    std::vector<std::string> errors =
        Errors(std::string(R"({"action": ")") + bad + "\"}");
    ASSERT_EQ(errors.size(), 1u) << bad;
    EXPECT_EQ(errors[0].rfind("action: `", 0), 0u) << errors[0];
  }
  EXPECT_EQ(Errors(R"({"action": "x.y", "params": []})"),
            (Strings{"params: expected object, got array"}));
  EXPECT_EQ(Errors(R"({"action": "x.y", "requester": "bob"})"),
            (Strings{"requester: expected object, got string"}));
  EXPECT_EQ(Errors(R"({"action": "x.y", "context": null})"),
            (Strings{"context: expected object, got null"}));
}

TEST_F(BindJsonTest, DuplicateKeysAreErrors) {
  EXPECT_EQ(Errors(R"({"action": "x.y", "action": "a.b"})"),
            (Strings{"action: duplicate key"}));
  EXPECT_EQ(Errors(Export(R"("rows": 7)")),
            (Strings{"params.rows: duplicate key"}));
  EXPECT_EQ(
      Errors(
          R"({"action": "x.y", "requester": {"attrs": {"a": "1", "a": "2"}}})"),
      (Strings{"requester.attrs.a: duplicate key"}));
  EXPECT_EQ(
      Errors(R"({"action": "x.y", "params": {"l": [{}, {"k": 1, "k": 2}]}})"),
      (Strings{"params.l[1].k: duplicate key"}));
}

TEST_F(BindJsonTest, SchemaRequiredAndUnknownFields) {
  EXPECT_EQ(Errors(R"({"action": "data.export"})"),
            (Strings{"params.dataset: required field is missing",
                     "params.rows: required field is missing"}));
  EXPECT_EQ(Errors(R"({"action": "data.export", "params": {"rows": 1}})"),
            (Strings{"params.dataset: required field is missing"}));
  EXPECT_EQ(Errors(Export(R"("foo": 1)")),
            (Strings{"params.foo: unknown field for action `data.export`"}));
}

TEST_F(BindJsonTest, SchemaTypes) {
  EXPECT_EQ(
      Errors(
          R"({"action": "data.export", "params": {"dataset": "c", "rows": "5"}})"),
      (Strings{"params.rows: expected int, got string"}));
  EXPECT_EQ(
      Errors(
          R"({"action": "data.export", "params": {"dataset": "c", "rows": 5.0}})"),
      (Strings{"params.rows: expected int, got float"}));
  EXPECT_EQ(
      Errors(
          R"({"action": "data.export", "params": {"dataset": "c", "rows": true}})"),
      (Strings{"params.rows: expected int, got bool"}));
  EXPECT_EQ(
      Errors(
          R"({"action": "data.export", "params": {"dataset": "c", "rows": 9223372036854775808}})"),
      (Strings{"params.rows: integer out of the signed 64-bit range"}));
  EXPECT_EQ(Errors(Export(R"("note": null)")),
            (Strings{"params.note: expected string, got null"}));
  std::vector<std::string> errors = Errors(Export(R"("ttl": "90")"));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].rfind("params.ttl: not a duration", 0), 0u) << errors[0];
  EXPECT_EQ(Errors(Export(R"("ttl": 90)")),
            (Strings{"params.ttl: expected duration, got int"}));
  EXPECT_EQ(Errors(Export(R"("at": "yesterday")")),
            (Strings{"params.at: not an RFC 3339 time"}));
  EXPECT_EQ(Errors(Export(R"("addr": "10.0.0.256")")),
            (Strings{"params.addr: not an IP address"}));
  EXPECT_EQ(Errors(Export(R"("tags": ["a", 2, "c", false])")),
            (Strings{"params.tags[1]: expected string, got int",
                     "params.tags[3]: expected string, got bool"}));
  EXPECT_EQ(Errors(Export(R"("tags": "a")")),
            (Strings{"params.tags: expected list<string>, got string"}));
  EXPECT_EQ(Errors(Export(R"("sizes": [1, 2.5])")),
            (Strings{"params.sizes[1]: expected int, got float"}));
  EXPECT_EQ(Errors(Export(R"("labels": {"a": "x", "b": 1})")),
            (Strings{"params.labels.b: expected string, got int"}));
  EXPECT_EQ(Errors(Export(R"("labels": [])")),
            (Strings{"params.labels: expected map<string,string>, got array"}));
  EXPECT_EQ(Errors(Export(R"("dry_run": "true")")),
            (Strings{"params.dry_run: expected bool, got string"}));
  // A field no rule reads is validated all the same.
  EXPECT_EQ(Errors(Export(R"("unread": 3)")),
            (Strings{"params.unread: expected string, got int"}));
}

TEST_F(BindJsonTest, RequesterAndContextFields) {
  EXPECT_EQ(Errors(R"({"action": "x.y", "requester": {"kind": "robot"}})"),
            (Strings{"requester.kind: must be \"human\", \"agent\" or "
                     "\"service\""}));
  EXPECT_EQ(Errors(R"({"action": "x.y", "requester": {"name": "bob"}})"),
            (Strings{"requester.name: unknown field"}));
  EXPECT_EQ(Errors(R"({"action": "x.y", "requester": {"groups": "sre"}})"),
            (Strings{"requester.groups: expected list<string>, got string"}));
  EXPECT_EQ(Errors(R"({"action": "x.y", "context": {"time": "3am"}})"),
            (Strings{"context.time: not an RFC 3339 time"}));
  EXPECT_EQ(Errors(R"({"action": "x.y", "context": {"ip": "localhost"}})"),
            (Strings{"context.ip: not an IP address"}));
  EXPECT_EQ(Errors(R"({"action": "x.y", "context": {"mood": "ok"}})"),
            (Strings{"context.mood: unknown field"}));
  EXPECT_EQ(Errors(R"({"action": "x.y", "context": {"attrs": {"k": 1}}})"),
            (Strings{"context.attrs.k: expected string, got int"}));
  // approver is not part of a request.
  EXPECT_EQ(Errors(R"({"action": "x.y", "approver": {}})"),
            (Strings{"unknown top-level key `approver`"}));
}

TEST_F(BindJsonTest, EveryErrorIsReported) {
  std::vector<std::string> errors = Errors(
      R"({"action": "data.export", "params": {"rows": "x"}, "extra": 1,
          "requester": {"kind": "bot"}, "context": {"ip": "?"}})");
  EXPECT_EQ(errors.size(), 5u);
}

TEST_F(BindJsonTest, BindsValuesAndPresence) {
  BoundRequest request = Bind(R"({
    "action": "data.export",
    "params": {"dataset": "customers", "rows": 50000, "ttl": "1h30m",
               "at": "2026-11-21T04:00:00+01:00", "addr": "2001:DB8::1",
               "tags": ["b", "a"], "sizes": [3, -4],
               "labels": {"zone": "eu", "app": "crm"}, "dry_run": true,
               "unread": "x"},
    "requester": {"id": "agent:etl", "kind": "agent", "team": "data",
                  "groups": ["etl"], "on_behalf_of": "dana",
                  "attrs": {"b": "2", "a": "1"}},
    "context": {"time": "2026-11-21T03:00:00Z", "ip": "10.1.2.3",
                "justification": "Q4 report", "ticket": "OPS-1"}
  })");
  ASSERT_EQ(request.errors, (Strings{}));
  EXPECT_TRUE(request.valid());
  EXPECT_EQ(request.action, "data.export");
  EXPECT_EQ(request.action_id, 0);
  ASSERT_EQ(request.slots.size(), policy_.slots.size());
  ASSERT_EQ(request.present.size(), policy_.slots.size());
  using S = ir::SlotSource;
  auto slot = [&](S source, std::string_view field) -> const Value& {
    return request.slots[Slot(source, field)];
  };
  EXPECT_EQ(std::get<std::string>(slot(S::kParams, "dataset")), "customers");
  EXPECT_EQ(std::get<int64_t>(slot(S::kParams, "rows")), 50000);
  EXPECT_EQ(std::get<int64_t>(slot(S::kParams, "ttl")), 5400);
  EXPECT_EQ(std::get<int64_t>(slot(S::kParams, "at")), 1795230000);
  EXPECT_EQ(std::get<stdlib::IpAddress>(slot(S::kParams, "addr")).ToString(),
            "2001:db8::1");
  EXPECT_EQ(std::get<StringList>(slot(S::kParams, "tags")),
            (StringList{"b", "a"}));
  EXPECT_EQ(std::get<IntList>(slot(S::kParams, "sizes")), (IntList{3, -4}));
  EXPECT_EQ(std::get<StringMap>(slot(S::kParams, "labels")),
            (StringMap{{"app", "crm"}, {"zone", "eu"}}));
  EXPECT_EQ(std::get<bool>(slot(S::kParams, "dry_run")), true);
  EXPECT_EQ(std::get<std::string>(slot(S::kRequester, "id")), "agent:etl");
  EXPECT_EQ(std::get<std::string>(slot(S::kRequester, "kind")), "agent");
  EXPECT_EQ(std::get<StringList>(slot(S::kRequester, "groups")),
            StringList{"etl"});
  EXPECT_EQ(std::get<StringMap>(slot(S::kRequester, "attrs")),
            (StringMap{{"a", "1"}, {"b", "2"}}));
  EXPECT_EQ(std::get<int64_t>(slot(S::kContext, "time")), 1795230000);
  EXPECT_EQ(std::get<stdlib::IpAddress>(slot(S::kContext, "ip")).ToString(),
            "10.1.2.3");
  EXPECT_EQ(std::get<std::string>(slot(S::kContext, "ticket")), "OPS-1");
  EXPECT_FALSE(request.present[Slot(S::kParams, "note")]);
  EXPECT_TRUE(request.present[Slot(S::kParams, "ttl")]);
  EXPECT_FALSE(request.present[Slot(S::kApprover, "team")]);
  EXPECT_EQ(std::get<std::string>(slot(S::kApprover, "team")), "");
}

TEST_F(BindJsonTest, MissingFieldsReadAsZeroValues) {
  BoundRequest request = Bind(Export(""));
  ASSERT_EQ(request.errors, (Strings{}));
  using S = ir::SlotSource;
  for (size_t i = 0; i < policy_.slots.size(); ++i) {
    const std::string& field = policy_.slots[i].field;
    if (field == "dataset" || field == "rows") {
      EXPECT_TRUE(request.present[i]) << field;
      continue;
    }
    EXPECT_FALSE(request.present[i]) << field;
    EXPECT_EQ(request.slots[i], ZeroValue(policy_.slots[i].type)) << field;
  }
  EXPECT_EQ(std::get<std::string>(request.slots[Slot(S::kParams, "note")]), "");
  EXPECT_EQ(std::get<int64_t>(request.slots[Slot(S::kParams, "ttl")]), 0);
  EXPECT_FALSE(
      std::get<stdlib::IpAddress>(request.slots[Slot(S::kContext, "ip")])
          .valid);
  // Given empty values are present.
  request = Bind(Export(R"("note": "", "tags": [])"));
  EXPECT_TRUE(request.present[Slot(S::kParams, "note")]);
  EXPECT_TRUE(request.present[Slot(S::kParams, "tags")]);
}

TEST_F(BindJsonTest, UndeclaredActionParamsAreNotValidatedNorBound) {
  BoundRequest request = Bind(
      R"({"action": "files.read", "params": {"rows": "lots", "x": [1]},
          "requester": {"id": "bob"}})");
  EXPECT_EQ(request.errors, (Strings{}));
  EXPECT_EQ(request.action_id, -1);
  EXPECT_EQ(request.action, "files.read");
  EXPECT_FALSE(request.present[Slot(ir::SlotSource::kParams, "rows")]);
  EXPECT_EQ(
      std::get<int64_t>(request.slots[Slot(ir::SlotSource::kParams, "rows")]),
      0);
  EXPECT_TRUE(request.present[Slot(ir::SlotSource::kRequester, "id")]);
  // params may be left out entirely, but must be an object when given.
  EXPECT_EQ(Errors(R"({"action": "files.read"})"), (Strings{}));
  EXPECT_EQ(Errors(R"({"action": "files.read", "params": 3})"),
            (Strings{"params: expected object, got int"}));
}

TEST_F(BindJsonTest, IntegerLimits) {
  BoundRequest request = Bind(
      R"({"action": "data.export", "params": {"dataset": "c", "rows": -9223372036854775808}})");
  ASSERT_EQ(request.errors, Strings{});
  EXPECT_EQ(
      std::get<int64_t>(request.slots[Slot(ir::SlotSource::kParams, "rows")]),
      std::numeric_limits<int64_t>::min());
  request = Bind(
      R"({"action": "data.export", "params": {"dataset": "c", "rows": 9223372036854775807}})");
  ASSERT_EQ(request.errors, Strings{});
  EXPECT_EQ(
      std::get<int64_t>(request.slots[Slot(ir::SlotSource::kParams, "rows")]),
      std::numeric_limits<int64_t>::max());
  EXPECT_EQ(
      Errors(
          R"({"action": "data.export", "params": {"dataset": "c", "rows": 1e3}})"),
      (Strings{"params.rows: expected int, got float"}));
}

TEST_F(BindJsonTest, DeeplyNestedJsonDoesNotCrash) {
  std::string deep = R"({"action": "x.y", "params": {"a": )";
  deep += std::string(20000, '[') + std::string(20000, ']') + "}}";
  EXPECT_EQ(Errors(deep), Strings{});
  EXPECT_FALSE(BindJson(policy_, std::string(20000, '[')).ok());
}

TEST_F(BindJsonTest, BindApproverFillsApproverSlots) {
  BoundRequest request = Bind(Export(""));
  Approver approver;
  approver.team = "security";
  BindApprover(policy_, approver, request);
  int team = Slot(ir::SlotSource::kApprover, "team");
  EXPECT_EQ(std::get<std::string>(request.slots[team]), "security");
  EXPECT_TRUE(request.present[team]);
  // Other slots are untouched.
  EXPECT_EQ(std::get<std::string>(
                request.slots[Slot(ir::SlotSource::kParams, "dataset")]),
            "c");
}

TEST(BindApproverTest, EveryApproverField) {
  ir::Policy policy;
  for (auto [field, type] : std::vector<std::pair<std::string, Type>>{
           {"id", Type::kString},
           {"team", Type::kString},
           {"groups", Type::kListString},
           {"attrs", Type::kMapStringString},
           {"mfa", Type::kBool}}) {
    policy.slots.push_back({ir::SlotSource::kApprover, field, type});
  }
  BoundRequest request;
  request.slots.assign(5, Value(false));
  request.present.assign(5, false);
  Approver approver{
      "sam", "security", {"sre", "oncall"}, {{"z", "1"}, {"a", "2"}}, true};
  BindApprover(policy, approver, request);
  EXPECT_EQ(std::get<std::string>(request.slots[0]), "sam");
  EXPECT_EQ(std::get<std::string>(request.slots[1]), "security");
  EXPECT_EQ(std::get<StringList>(request.slots[2]),
            (StringList{"sre", "oncall"}));
  EXPECT_EQ(std::get<StringMap>(request.slots[3]),
            (StringMap{{"a", "2"}, {"z", "1"}}));
  EXPECT_EQ(std::get<bool>(request.slots[4]), true);
}

}  // namespace
}  // namespace signoff::eval
