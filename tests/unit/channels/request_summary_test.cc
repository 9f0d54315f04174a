// RequestSummary: what Slack and Teams show of an outbox payload, read once.
// The fields of a real payload, the outcome in words for every status, the
// escalation note, bounds on every text, odd payloads (any member of any
// JSON type) that never throw, and the shared helpers: UTF-8-safe cutting,
// request ids, member access.
#include "runtime/channels/request_summary.h"

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace signoff::channels {
namespace {

using nlohmann::json;

// A pending request as the outbox sends it (channel.h).
json PendingPayload() {
  return json::parse(R"json({
    "event": "request.created", "actor": "agent:etl",
    "time": "2026-11-21T03:00:00Z",
    "request": {
      "id": "req_42",
      "status": "pending",
      "action": "data.export",
      "params": {"table": "customers", "rows": 50000, "dry_run": false,
                 "tags": ["pii", "q4"], "note": null},
      "requester": {"id": "agent:etl", "on_behalf_of": "dana"},
      "context": {"justification": "Q4 board report", "ticket": "OPS-42"},
      "decision": {"decision": "require_approval",
                   "rules": ["confidential_exports", "big_exports"],
                   "messages": ["agent:etl exports 50000 rows"]},
      "created": "2026-11-21T03:00:00.000Z",
      "expires": "2026-11-21T03:30:00.000Z",
      "resolved": null,
      "resolved_by": "",
      "votes": [
        {"identity": "bob", "vote": "approve", "comment": "fine",
         "time": "2026-11-21T03:05:00.000Z", "counted": true},
        {"identity": "carol", "vote": "approve", "comment": "",
         "time": "2026-11-21T03:05:30.000Z", "counted": true},
        {"identity": "mallory", "vote": "approve", "comment": "",
         "time": "2026-11-21T03:06:00.000Z", "counted": false}],
      "requirements": [
        {"group": "sre", "needed": 3, "have": 2,
         "approvers": ["bob", "carol"]},
        {"group": "security", "needed": 1, "have": 0, "approvers": [],
         "where": "approver.team != requester.team",
         "satisfiable": false}],
      "rejections": 0,
      "veto": 1,
      "time_left_seconds": 1500
    }})json");
}

json Vote(const std::string& identity, const std::string& vote,
          bool counted = true) {
  return {{"identity", identity},
          {"vote", vote},
          {"comment", ""},
          {"counted", counted}};
}

// The pending payload ended as `status`, with `votes` and `resolved_by`.
json Final(const std::string& status, const json& votes,
           const std::string& resolved_by) {
  json payload = PendingPayload();
  payload["event"] = "request." + status;
  payload["request"]["status"] = status;
  payload["request"]["votes"] = votes;
  payload["request"]["resolved_by"] = resolved_by;
  payload["request"]["resolved"] = "2026-11-21T03:10:00.000Z";
  return payload;
}

// The length of the UTF-8 sequence `lead` starts; 0 when it starts none.
size_t CharLength(char lead) {
  const unsigned char c = static_cast<unsigned char>(lead);
  if (c < 0x80) return 1;
  if ((c >> 5) == 0x6) return 2;
  if ((c >> 4) == 0xE) return 3;
  if ((c >> 3) == 0x1E) return 4;
  return 0;
}

bool IsUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const size_t length = CharLength(text[i]);
    if (length == 0 || i + length > text.size()) return false;
    for (size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) {
        return false;
      }
    }
    i += length;
  }
  return true;
}

// What is wrong with the texts of `summary` (too long, not UTF-8); "" when
// nothing.
std::string BoundProblems(const RequestSummary& summary) {
  std::string problems;
  auto check = [&](std::string_view what, const std::string& text, size_t max) {
    if (text.size() > max) {
      problems += std::string(what) + " has " + std::to_string(text.size()) +
                  " bytes; ";
    }
    if (!IsUtf8(text)) problems += std::string(what) + " is not UTF-8; ";
  };
  for (const auto& [what, text] :
       std::vector<std::pair<std::string, const std::string*>>{
           {"id", &summary.id},
           {"event", &summary.event},
           {"actor", &summary.actor},
           {"time", &summary.time},
           {"status", &summary.status},
           {"action", &summary.action},
           {"requester", &summary.requester},
           {"on_behalf_of", &summary.on_behalf_of},
           {"expires", &summary.expires},
           {"resolved", &summary.resolved}}) {
    check(what, *text, kSummaryMaxName);
  }
  check("justification", summary.justification, kSummaryMaxText);
  check("ticket", summary.ticket, kSummaryMaxText);
  for (const RequestSummary::Param& param : summary.params) {
    check("param key", param.key, kSummaryMaxName);
    check("param value", param.value, kSummaryMaxText);
  }
  auto check_each = [&](std::string_view what,
                        const std::vector<std::string>& texts, size_t max) {
    for (const std::string& text : texts) check(what, text, max);
  };
  check_each("rule", summary.rules, kSummaryMaxName);
  check_each("message", summary.messages, kSummaryMaxText);
  for (const RequestSummary::Requirement& r : summary.requirements) {
    check_each("clause", {r.group, r.have, r.needed}, kSummaryMaxName);
    check("where", r.where, kSummaryMaxWhere);
    check_each("approver", r.approvers, kSummaryMaxName);
  }
  for (const RequestSummary::Vote& v : summary.votes) {
    check("identity", v.identity, kSummaryMaxName);
    check("vote", v.vote, kSummaryMaxName);
    check("comment", v.comment, kSummaryMaxComment);
  }
  // Made of bounded parts: a few bounded names each.
  check("veto", summary.veto, 3 * kSummaryMaxName);
  check("escalation", summary.escalation, 3 * kSummaryMaxName);
  check("outcome", summary.outcome,
        (kSummaryMaxOutcomeNames + 2) * (kSummaryMaxName + 2) + 100);
  check("headline", summary.Headline(),
        summary.outcome.size() + 4 * kSummaryMaxName + 100);
  return problems;
}

TEST(RequestSummaryTest, ReadsARealPayload) {
  const RequestSummary s = Summarize(PendingPayload());
  EXPECT_EQ(s.id, "req_42");
  EXPECT_EQ(s.event, "request.created");
  EXPECT_EQ(s.actor, "agent:etl");
  EXPECT_EQ(s.time, "2026-11-21T03:00:00Z");
  EXPECT_EQ(s.status, "pending");
  EXPECT_TRUE(s.pending);
  EXPECT_EQ(s.action, "data.export");
  EXPECT_EQ(s.requester, "agent:etl");
  EXPECT_EQ(s.on_behalf_of, "dana");
  EXPECT_EQ(s.Requester(), "agent:etl (on behalf of dana)");
  // Params in key order; strings as they are, anything else as JSON.
  ASSERT_EQ(s.params.size(), 5u);
  const std::pair<std::string, std::string> params[] = {
      {"dry_run", "false"},
      {"note", "null"},
      {"rows", "50000"},
      {"table", "customers"},
      {"tags", R"(["pii","q4"])"}};
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(s.params[i].key, params[i].first);
    EXPECT_EQ(s.params[i].value, params[i].second);
  }
  EXPECT_EQ(s.rules,
            std::vector<std::string>({"confidential_exports", "big_exports"}));
  EXPECT_EQ(s.messages,
            std::vector<std::string>({"agent:etl exports 50000 rows"}));
  EXPECT_EQ(s.justification, "Q4 board report");
  EXPECT_EQ(s.ticket, "OPS-42");
  ASSERT_EQ(s.requirements.size(), 2u);
  EXPECT_EQ(s.requirements[0].group, "sre");
  EXPECT_EQ(s.requirements[0].where, "");
  EXPECT_EQ(s.requirements[0].have, "2");
  EXPECT_EQ(s.requirements[0].needed, "3");
  EXPECT_EQ(s.requirements[0].approvers,
            std::vector<std::string>({"bob", "carol"}));
  EXPECT_TRUE(s.requirements[0].satisfiable);  // when not said otherwise
  EXPECT_EQ(s.requirements[1].group, "security");
  EXPECT_EQ(s.requirements[1].where, "approver.team != requester.team");
  EXPECT_TRUE(s.requirements[1].approvers.empty());
  EXPECT_FALSE(s.requirements[1].satisfiable);
  EXPECT_EQ(s.veto, "Rejections: 0 of 1 to reject");
  ASSERT_EQ(s.votes.size(), 3u);
  EXPECT_EQ(s.votes[0].identity, "bob");
  EXPECT_EQ(s.votes[0].vote, "approve");
  EXPECT_EQ(s.votes[0].comment, "fine");
  EXPECT_TRUE(s.votes[0].counted);
  EXPECT_EQ(s.votes[1].comment, "");
  EXPECT_EQ(s.votes[2].identity, "mallory");
  EXPECT_FALSE(s.votes[2].counted);
  EXPECT_EQ(s.expires, "2026-11-21T03:30:00.000Z");
  EXPECT_EQ(s.resolved, "");
  EXPECT_EQ(s.outcome, "");
  EXPECT_EQ(s.escalation, "");
  EXPECT_EQ(
      s.Headline(),
      "agent:etl (on behalf of dana) asks to data.export: approval needed "
      "(request req_42)");
  EXPECT_EQ(BoundProblems(s), "");
}

TEST(RequestSummaryTest, AFinalRequestHasItsEndNotItsDeadline) {
  const RequestSummary s = Summarize(
      Final("approved", json::array({Vote("bob", "approve")}), "bob"));
  EXPECT_FALSE(s.pending);
  EXPECT_EQ(s.expires, "");
  EXPECT_EQ(s.resolved, "2026-11-21T03:10:00.000Z");
  EXPECT_EQ(
      s.Headline(),
      "agent:etl (on behalf of dana) asks to data.export: Approved by bob "
      "(request req_42)");
}

TEST(RequestSummaryTest, OutcomePerStatus) {
  const json votes = {Vote("bob", "approve"), Vote("carol", "approve"),
                      Vote("mallory", "approve", /*counted=*/false),
                      Vote("dave", "reject"),
                      Vote("eve", "reject", /*counted=*/false)};
  json allowed = Final("consumed", json::array(), "svc:deployer");
  allowed["request"]["decision"]["decision"] = "allow";
  json met = Final("expired", json::array({Vote("bob", "approve")}), "runtime");
  met["request"]["requirements"] =
      json::array({{{"group", "sre"}, {"needed", 1}, {"have", 1}}});
  json allowed_expired = Final("expired", json::array(), "runtime");
  allowed_expired["request"]["decision"]["decision"] = "allow";
  allowed_expired["request"]["requirements"] = json::array();
  json no_status = Final("approved", votes, "carol");
  no_status["request"].erase("status");
  json odd_status = Final("approved", votes, "carol");
  odd_status["request"]["status"] = "archived";

  const std::pair<json, std::string> cases[] = {
      // Approved: the counted approvals, in the order cast.
      {Final("approved", votes, "carol"), "Approved by bob, carol"},
      // No vote: who resolved it, the policy, or nobody to name.
      {Final("approved", json::array(), "carol"), "Approved by carol"},
      {Final("approved", votes, "policy"), "Approved by policy"},
      {Final("approved", json::array(), ""), "Approved"},
      // Used: resolved_by is then who used the grant, not who approved.
      {Final("consumed", votes, "svc:deployer"),
       "Approved by bob, carol; grant used"},
      {Final("consumed", json::array(), "svc:deployer"),
       "Approved; grant used"},
      {allowed, "Approved by policy; grant used"},
      // Rejected: the counted rejections, else who resolved it.
      {Final("rejected", votes, "dave"), "Rejected by dave"},
      {Final("rejected", json::array(), "eve"), "Rejected by eve"},
      {Final("rejected", json::array(), ""), "Rejected"},
      // Expired: without quorum, or approved and the grant never used.
      {Final("expired", votes, "runtime"), "Expired without quorum"},
      {met, "Approved by bob; grant expired unused"},
      {allowed_expired, "Approved by policy; grant expired unused"},
      {Final("cancelled", json::array(), "agent:etl"),
       "Cancelled by the requester"},
      {Final("denied", json::array(), "policy"), "Denied by policy"},
      {odd_status, "Status: archived"},
      {no_status, "Unknown status"},
  };
  for (const auto& [payload, outcome] : cases) {
    const RequestSummary s = Summarize(payload);
    EXPECT_FALSE(s.pending) << outcome;
    EXPECT_EQ(s.outcome, outcome) << payload["request"].dump();
    EXPECT_NE(s.Headline().find(": " + outcome + " (request req_42)"),
              std::string::npos)
        << s.Headline();
  }
}

TEST(RequestSummaryTest, ManyApproversAreCounted) {
  json votes = json::array();
  for (int i = 0; i < 40; ++i) {
    votes.push_back(Vote("voter" + std::to_string(i), "approve"));
  }
  const RequestSummary s = Summarize(Final("approved", votes, "voter39"));
  EXPECT_EQ(s.outcome.rfind("Approved by voter0, voter1, ", 0), 0u)
      << s.outcome;
  EXPECT_NE(s.outcome.find(", voter29 and 10 more"), std::string::npos)
      << s.outcome;
  EXPECT_EQ(s.outcome.find("voter30"), std::string::npos);
  EXPECT_EQ(s.votes.size(), 40u);  // the list itself is complete
}

TEST(RequestSummaryTest, EscalationNote) {
  json payload = PendingPayload();
  payload["event"] = "request.escalated";
  payload["escalation"] = {
      {"group", "oncall"}, {"after", "10m"}, {"notify", "pager"}};
  EXPECT_EQ(Summarize(payload).escalation, "Escalated to oncall after 10m");
  payload["escalation"].erase("after");
  EXPECT_EQ(Summarize(payload).escalation, "Escalated to oncall");
  payload["escalation"] = "soon";
  EXPECT_EQ(Summarize(payload).escalation, "Escalated");
  payload.erase("escalation");
  EXPECT_EQ(Summarize(payload).escalation, "Escalated");
  // Only for an escalation.
  payload["event"] = "vote.accepted";
  payload["escalation"] = {{"group", "oncall"}, {"after", "10m"}};
  EXPECT_EQ(Summarize(payload).escalation, "");
}

TEST(RequestSummaryTest, MissingFieldsAreUnknownOrEmpty) {
  const RequestSummary s = Summarize(json::object());
  EXPECT_EQ(s.id, "");
  EXPECT_EQ(s.status, "?");
  EXPECT_FALSE(s.pending);
  EXPECT_EQ(s.action, "?");
  EXPECT_EQ(s.requester, "?");
  EXPECT_EQ(s.on_behalf_of, "");
  EXPECT_TRUE(s.params.empty());
  EXPECT_TRUE(s.votes.empty());
  EXPECT_TRUE(s.requirements.empty());
  EXPECT_EQ(s.veto, "");
  EXPECT_EQ(s.outcome, "Unknown status");
  EXPECT_EQ(s.Headline(), "? asks to ?: Unknown status");

  // A requester given as a plain id; params that are no object.
  const RequestSummary plain = Summarize(json::parse(R"({"request": {
      "requester": "bob", "params": [1, 2], "id": 7,
      "requirements": [{}, null, 3],
      "votes": [null, {"identity": 5, "counted": "yes"}],
      "decision": {"rules": [1, {}, "", "r"], "messages": "m"}}})"));
  EXPECT_EQ(plain.requester, "bob");
  ASSERT_EQ(plain.params.size(), 1u);
  EXPECT_EQ(plain.params[0].key, "params");
  EXPECT_EQ(plain.params[0].value, "[1,2]");
  EXPECT_EQ(plain.id, "");  // only a string is an id
  ASSERT_EQ(plain.requirements.size(), 1u);
  EXPECT_EQ(plain.requirements[0].group, "?");
  EXPECT_EQ(plain.requirements[0].have, "?");
  EXPECT_EQ(plain.requirements[0].needed, "?");
  EXPECT_TRUE(plain.requirements[0].satisfiable);
  ASSERT_EQ(plain.votes.size(), 1u);
  EXPECT_EQ(plain.votes[0].identity, "5");
  EXPECT_EQ(plain.votes[0].vote, "?");
  EXPECT_TRUE(plain.votes[0].counted);  // only `false` does not count
  EXPECT_EQ(plain.rules, std::vector<std::string>({"1", "r"}));
  EXPECT_TRUE(plain.messages.empty());
}

TEST(RequestSummaryTest, LongTextsAreCutOnCharacters) {
  std::string accented;
  for (int i = 0; i < 5000; ++i) accented += "é";  // 2 bytes each
  const std::string odd = "a" + accented;          // cut points shift by one
  json payload = PendingPayload();
  json& request = payload["request"];
  payload["event"] = odd;
  payload["actor"] = accented;
  request["id"] = odd;
  request["action"] = accented;
  request["requester"] = {{"id", odd}, {"on_behalf_of", accented}};
  request["params"][accented] = odd;
  request["params"]["nested"] = {{"deep", {{"er", accented}}}};
  request["context"] = {{"justification", odd}, {"ticket", accented}};
  request["decision"]["rules"] = {odd, accented};
  request["decision"]["messages"] = {odd, accented};
  request["requirements"][0]["group"] = odd;
  request["requirements"][0]["where"] = accented;
  request["requirements"][0]["approvers"] = {odd, accented};
  request["rejections"] = odd;
  request["votes"][0]["identity"] = odd;
  request["votes"][0]["comment"] = accented;
  request["votes"][1]["comment"] = odd;
  const RequestSummary s = Summarize(payload);
  EXPECT_EQ(BoundProblems(s), "");
  EXPECT_EQ(s.action.size(), kSummaryMaxName - 1);  // 98 é and "…"
  EXPECT_EQ(s.action.substr(s.action.size() - 3), kEllipsis);
  EXPECT_EQ(s.justification.substr(s.justification.size() - 3), kEllipsis);

  // Every status: the outcome names stay bounded too.
  json votes = json::array();
  for (int i = 0; i < 100; ++i) {
    votes.push_back(Vote(odd + std::to_string(i), "approve"));
  }
  for (const char* status : {"approved", "consumed", "rejected", "expired"}) {
    EXPECT_EQ(BoundProblems(Summarize(Final(status, votes, odd))), "")
        << status;
  }
}

// Calls `visit` with a copy of `value` in which one member or item (at any
// depth) is replaced by `replacement`, for each member and item in turn.
void EachReplaced(const json& value, const json& replacement,
                  const std::function<void(const json&)>& visit) {
  std::function<void(json&, const std::function<void()>&)> walk =
      [&](json& node, const std::function<void()>& report) {
        if (!node.is_structured()) return;
        for (auto it = node.begin(); it != node.end(); ++it) {
          json saved = *it;
          *it = replacement;
          report();
          *it = saved;
          walk(*it, report);
        }
      };
  json copy = value;
  walk(copy, [&] { visit(copy); });
}

TEST(RequestSummaryTest, OddPayloadsNeverThrow) {
  const json odd_values[] = {json(),
                             json(7),
                             json(-1.5),
                             json(true),
                             json(""),
                             json("\xff\xfe not UTF-8"),
                             json::array(),
                             json::object(),
                             json::array({nullptr, 1, "x"}),
                             json({{"a", json::array()}})};
  for (const json& whole : odd_values) {
    EXPECT_NO_THROW(Summarize(whole)) << whole.dump();
    EXPECT_NO_THROW(Summarize(json{{"request", whole}})) << whole.dump();
  }
  json escalated = PendingPayload();
  escalated["event"] = "request.escalated";
  escalated["escalation"] = {{"group", "oncall"}, {"after", "10m"}};
  const std::vector<json> bases = {
      PendingPayload(), escalated,
      Final("expired", json::array({Vote("bob", "approve")}), "x")};
  for (const json& base : bases) {
    for (const json& replacement : odd_values) {
      size_t tried = 0;
      EachReplaced(base, replacement, [&](const json& payload) {
        ++tried;
        RequestSummary s;
        ASSERT_NO_THROW(s = Summarize(payload)) << payload.dump();
        EXPECT_NO_THROW((void)s.Headline());
        EXPECT_EQ(s.pending, s.outcome.empty()) << payload.dump();
      });
      EXPECT_GT(tried, 50u);
    }
  }
}

TEST(TruncateUtf8Test, NeverSplitsACharacter) {
  // 1-, 2-, 3- and 4-byte characters in turn.
  const std::string text =
      "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"
      "b\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";
  ASSERT_TRUE(IsUtf8(text));
  for (size_t max = 0; max <= text.size() + 2; ++max) {
    const std::string cut = TruncateUtf8(text, max);
    EXPECT_LE(cut.size(), max) << max;
    EXPECT_TRUE(IsUtf8(cut)) << max;
    if (text.size() <= max) {
      EXPECT_EQ(cut, text);
      continue;
    }
    if (max < kEllipsis.size()) {
      EXPECT_EQ(text.rfind(cut, 0), 0u) << max;  // a start, no "…"
      continue;
    }
    ASSERT_GE(cut.size(), kEllipsis.size()) << max;
    EXPECT_EQ(cut.substr(cut.size() - kEllipsis.size()), kEllipsis) << max;
    const std::string kept = cut.substr(0, cut.size() - kEllipsis.size());
    EXPECT_EQ(text.rfind(kept, 0), 0u) << max;
    // The longest start that fits: one more character would not.
    EXPECT_GT(kept.size() + CharLength(text[kept.size()]) + kEllipsis.size(),
              max)
        << max;
  }
  EXPECT_EQ(TruncateUtf8("", 0), "");
  EXPECT_EQ(TruncateUtf8("abc", 3), "abc");
  EXPECT_EQ(TruncateUtf8("abcd", 3), "…");
  EXPECT_EQ(TruncateUtf8("abcdef", 5), "ab…");
  EXPECT_EQ(TruncateUtf8("\xC3\xA9\xC3\xA9\xC3\xA9", 5), "\xC3\xA9…");
  EXPECT_EQ(TruncateUtf8("\xC3\xA9\xC3\xA9\xC3\xA9", 4), "…");
  EXPECT_EQ(TruncateUtf8("\xC3\xA9\xC3\xA9\xC3\xA9", 2), "\xC3\xA9");
  EXPECT_EQ(TruncateUtf8("\xC3\xA9\xC3\xA9\xC3\xA9", 1), "");
}

TEST(IsRequestIdTest, OneToSixtyFourSafeCharacters) {
  for (const std::string& id :
       std::vector<std::string>{"r_1", "req-9_Z", "0", std::string(64, 'r')}) {
    EXPECT_TRUE(IsRequestId(id)) << id;
  }
  for (const std::string& id :
       std::vector<std::string>{"", std::string(65, 'r'), "r 1", "r/../1",
                                "r.1", "r\n", "é", std::string("r\0", 2)}) {
    EXPECT_FALSE(IsRequestId(id)) << id;
  }
}

TEST(JsonHelpersTest, NeverThrow) {
  const json object = {{"s", "text"}, {"n", 5}, {"b", false}, {"o", {1}}};
  EXPECT_EQ(JsonMember(object, "s"), "text");
  EXPECT_TRUE(JsonMember(object, "missing").is_null());
  EXPECT_TRUE(JsonMember(json::array({1}), "s").is_null());
  EXPECT_TRUE(JsonMember(json("s"), "s").is_null());
  EXPECT_EQ(StringMember(object, "s"), "text");
  EXPECT_EQ(StringMember(object, "n"), "");
  EXPECT_EQ(StringMember(json(), "s"), "");
  EXPECT_EQ(ScalarText(JsonMember(object, "s")), "text");
  EXPECT_EQ(ScalarText(JsonMember(object, "n")), "5");
  EXPECT_EQ(ScalarText(JsonMember(object, "b")), "false");
  EXPECT_EQ(ScalarText(JsonMember(object, "o")), "");
  EXPECT_EQ(ScalarText(json()), "");
  EXPECT_EQ(ScalarText(json(1.5)), "1.5");
  EXPECT_EQ(DumpJson(object), object.dump());
  EXPECT_EQ(DumpJson(json("\xff")), "\"\xEF\xBF\xBD\"");  // U+FFFD
}

}  // namespace
}  // namespace signoff::channels
