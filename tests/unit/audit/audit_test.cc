#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "runtime/audit/checkpoint.h"
#include "runtime/audit/entry.h"
#include "runtime/audit/jsonl.h"
#include "runtime/audit/timestamp.h"
#include "runtime/audit/verifier.h"
#include "runtime/crypto/ed25519.h"
#include "runtime/crypto/encoding.h"

namespace signoff::audit {
namespace {

::testing::AssertionResult Contains(std::string_view text,
                                    std::string_view part) {
  if (text.find(part) != std::string_view::npos) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "\"" << text << "\" does not contain \"" << part << "\"";
}

const std::string kZeros(64, '0');

TEST(TimestampTest, FormatsAndParsesRfc3339Millis) {
  EXPECT_EQ(FormatTimestamp(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatTimestamp(1795269600123), "2026-11-21T14:00:00.123Z");
  EXPECT_EQ(FormatTimestamp(951868799000), "2000-02-29T23:59:59.000Z");
  EXPECT_EQ(FormatTimestamp(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(ParseTimestamp("2026-11-21T14:00:00.123Z"), 1795269600123);
  EXPECT_EQ(ParseTimestamp("1969-12-31T23:59:59.999Z"), -1);
  EXPECT_FALSE(ParseTimestamp("2026-02-30T00:00:00.000Z").has_value());
  EXPECT_FALSE(ParseTimestamp("2026-11-21T14:00:00Z").has_value());
  EXPECT_FALSE(ParseTimestamp("2026-11-21 14:00:00.123Z").has_value());
  EXPECT_FALSE(ParseTimestamp("2026-11-21T24:00:00.000Z").has_value());
}

AuditEntry Draft(std::string type, std::string actor, nlohmann::json data,
                 std::string time) {
  AuditEntry draft;
  draft.time = std::move(time);
  draft.type = std::move(type);
  draft.request = "r-1";
  draft.actor = std::move(actor);
  draft.data = std::move(data);
  draft.policy = "sha256:abc";
  return draft;
}

// The hash is computed here from the definition, by hand: the canonical
// text is written out literally, and the expected digests were computed
// with `printf '%s%s' "$prev" "$canonical" | sha256sum`.
TEST(EntryTest, ChainHashGoldenValues) {
  const std::string canonical1 =
      R"({"actor":"alice","data":{"action":"db.export","rows":5},)"
      R"("policy":"sha256:abc","prev":")" +
      kZeros +
      R"(","request":"r-1","seq":1,"time":"2026-11-21T14:00:00.123Z",)"
      R"("type":"request.created"})";
  const std::string hash1 =
      "54a4e31bf0ef30046e4444646bb04d331ef6312fc91928e73718f694cdcc86dc";
  EXPECT_EQ(crypto::HexEncode(crypto::Sha256(kZeros + canonical1)), hash1);

  const AuditEntry first =
      Chain(nullptr, Draft("request.created", "alice",
                           {{"rows", 5}, {"action", "db.export"}},
                           "2026-11-21T14:00:00.123Z"));
  EXPECT_EQ(first.seq, 1);
  EXPECT_EQ(first.prev, kZeros);
  EXPECT_EQ(CanonicalContent(first), canonical1);
  EXPECT_EQ(first.hash, hash1);
  EXPECT_EQ(ComputeHash(first), hash1);

  const AuditEntry second =
      Chain(&first, Draft("vote.accepted", "bob",
                          {{"vote", "approve"}, {"comment", "ok"}},
                          "2026-11-21T14:00:01.000Z"));
  EXPECT_EQ(second.seq, 2);
  EXPECT_EQ(second.prev, hash1);
  EXPECT_EQ(second.hash,
            "6d41e1fde1c360866292965ff9af34151c454d70406fca8a0b634061a89454ca");
}

TEST(EntryTest, JsonRoundTripAndShapeErrors) {
  const AuditEntry entry =
      Chain(nullptr, Draft("decision", "policy", {{"decision", "allow"}},
                           "2026-11-21T14:00:00.123Z"));
  const nlohmann::json json = EntryToJson(entry);
  EXPECT_EQ(json.size(), 9u);
  absl::StatusOr<AuditEntry> back = EntryFromJson(json);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(EntryToJson(*back), json);

  nlohmann::json missing = json;
  missing.erase("actor");
  EXPECT_TRUE(Contains(std::string(EntryFromJson(missing).status().message()),
                       "`actor`"));
  nlohmann::json extra = json;
  extra["note"] = "x";
  EXPECT_TRUE(Contains(std::string(EntryFromJson(extra).status().message()),
                       "unknown field `note`"));
  nlohmann::json bad_data = json;
  bad_data["data"] = "text";
  EXPECT_FALSE(EntryFromJson(bad_data).ok());
  nlohmann::json bad_seq = json;
  bad_seq["seq"] = "1";
  EXPECT_FALSE(EntryFromJson(bad_seq).ok());
  EXPECT_FALSE(EntryFromJson(nlohmann::json::array()).ok());
  EXPECT_TRUE(IsKnownEntryType("grant.consumed"));
  EXPECT_FALSE(IsKnownEntryType("grant.eaten"));
}

class VerifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    key_ = *crypto::SigningKey::Generate();
    keys_ = SingleKeyLookup(key_->public_key());
    const char* types[] = {
        "request.created",  "decision",     "vote.accepted",  "vote.accepted",
        "request.approved", "grant.minted", "grant.consumed", "request.created",
        "decision",         "vote.refused"};
    for (int i = 0; i < 10; ++i) {
      log_.push_back(
          Chain(log_.empty() ? nullptr : &log_.back(),
                Draft(types[i], "user" + std::to_string(i), {{"n", i}},
                      FormatTimestamp(1795269600000 + i * 1000))));
    }
  }

  Checkpoint CheckpointAt(int64_t seq) const {
    return SignCheckpoint(seq, log_[seq - 1].hash,
                          FormatTimestamp(1795269700000), *key_);
  }

  VerifyResult Verify(const std::vector<AuditEntry>& entries,
                      const std::vector<Checkpoint>& checkpoints = {}) const {
    AuditVerifier verifier(keys_);
    for (const Checkpoint& c : checkpoints) verifier.AddCheckpoint(c);
    for (const AuditEntry& e : entries) verifier.Feed(e);
    return verifier.Finish();
  }

  // Re-chains entries[from..] after an edit, as a forger would.
  static void Rechain(std::vector<AuditEntry>& entries, size_t from) {
    for (size_t i = from; i < entries.size(); ++i) {
      entries[i].seq = static_cast<int64_t>(i) + 1;
      entries[i].prev = i == 0 ? kZeros : entries[i - 1].hash;
      entries[i].hash = ComputeHash(entries[i]);
    }
  }

  std::unique_ptr<crypto::SigningKey> key_;
  PublicKeyLookup keys_;
  std::vector<AuditEntry> log_;
};

TEST_F(VerifierTest, CleanLogIsOkWithCount) {
  VerifyResult result = Verify(log_, {CheckpointAt(4), CheckpointAt(10)});
  EXPECT_TRUE(result.ok) << result.problem;
  EXPECT_EQ(result.entries, 10);
  EXPECT_EQ(result.first_bad, 0);
  EXPECT_EQ(VerifyResultToJson(result),
            nlohmann::json({{"ok", true}, {"entries", 10}}));
  EXPECT_TRUE(Verify({}).ok);
}

TEST_F(VerifierTest, CatchesEachEditedField) {
  const std::vector<std::pair<const char*, void (*)(AuditEntry&)>> edits = {
      {"type", [](AuditEntry& e) { e.type = "request.rejected"; }},
      {"actor", [](AuditEntry& e) { e.actor = "mallory"; }},
      {"data", [](AuditEntry& e) { e.data["n"] = 99; }},
      {"time", [](AuditEntry& e) { e.time = "2026-11-21T13:00:00.000Z"; }},
      {"request", [](AuditEntry& e) { e.request = "r-2"; }},
      {"policy", [](AuditEntry& e) { e.policy = "sha256:def"; }},
  };
  for (const auto& [field, edit] : edits) {
    std::vector<AuditEntry> entries = log_;
    edit(entries[3]);
    VerifyResult result = Verify(entries);
    EXPECT_FALSE(result.ok) << field;
    EXPECT_EQ(result.first_bad, 4) << field;
    EXPECT_EQ(result.problem,
              "entry 4: hash does not match contents (the entry was edited)")
        << field;
    EXPECT_EQ(result.entries, 10) << field;
    EXPECT_EQ(
        VerifyResultToJson(result),
        nlohmann::json(
            {{"ok", false}, {"first_bad", 4}, {"problem", result.problem}}));
  }
}

TEST_F(VerifierTest, EditedAndRehashedEntryBreaksTheNextPrev) {
  std::vector<AuditEntry> entries = log_;
  entries[5].actor = "mallory";
  entries[5].hash = ComputeHash(entries[5]);
  VerifyResult result = Verify(entries);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.first_bad, 7);
  EXPECT_TRUE(Contains(result.problem,
                       "entry 7: prev does not match the hash of entry 6"));
}

TEST_F(VerifierTest, DeletedMiddleEntry) {
  std::vector<AuditEntry> entries = log_;
  entries.erase(entries.begin() + 4);  // entry 5
  VerifyResult result = Verify(entries);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.first_bad, 5);
  EXPECT_EQ(result.problem,
            "entry 5 missing: the log goes from entry 4 to entry 6");

  entries.erase(entries.begin() + 4, entries.begin() + 6);  // 6 and 7 too
  result = Verify(entries);
  EXPECT_EQ(result.first_bad, 5);
  EXPECT_EQ(result.problem,
            "entries 5 to 7 missing: the log goes from entry 4 to entry 8");

  std::vector<AuditEntry> headless(log_.begin() + 1, log_.end());
  result = Verify(headless);
  EXPECT_EQ(result.first_bad, 1);
  EXPECT_EQ(result.problem, "entry 1 missing: the log starts at entry 2");
}

TEST_F(VerifierTest, DeletedAndRenumberedEntry) {
  std::vector<AuditEntry> entries = log_;
  entries.erase(entries.begin() + 4);
  for (size_t i = 4; i < entries.size(); ++i) entries[i].seq = i + 1;
  VerifyResult result = Verify(entries);
  EXPECT_EQ(result.first_bad, 5);
  EXPECT_EQ(result.problem,
            "entry 5 is the original entry 6, renumbered: entry 5 was "
            "deleted or entries were reordered");
}

TEST_F(VerifierTest, DeletedLastEntryNeedsACheckpoint) {
  std::vector<AuditEntry> entries(log_.begin(), log_.end() - 1);
  // Without a checkpoint a shorter log is indistinguishable from an older
  // one.
  EXPECT_TRUE(Verify(entries).ok);
  VerifyResult result = Verify(entries, {CheckpointAt(10)});
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.first_bad, 10);
  EXPECT_EQ(result.entries, 9);
  EXPECT_EQ(result.problem,
            "entry 10 missing: the log ends at entry 9, but a signed "
            "checkpoint covers entry 10");

  entries.resize(7);
  result = Verify(entries, {CheckpointAt(4), CheckpointAt(10)});
  EXPECT_EQ(result.first_bad, 8);
  EXPECT_TRUE(Contains(result.problem, "entries 8 to 10 missing"));
  result = Verify({}, {CheckpointAt(10)});
  EXPECT_EQ(result.first_bad, 1);
  EXPECT_TRUE(Contains(result.problem, "the log is empty"));
}

TEST_F(VerifierTest, InsertedEntry) {
  // A forged entry chained after entry 3, the genuine entry 4 following.
  AuditEntry forged =
      Chain(&log_[2], Draft("request.approved", "mallory", {}, log_[3].time));
  std::vector<AuditEntry> entries = log_;
  entries.insert(entries.begin() + 3, forged);
  VerifyResult result = Verify(entries);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.first_bad, 4);
  EXPECT_EQ(result.problem,
            "entry 4 appears twice with different contents: an entry was "
            "inserted");

  // The same, with the genuine entries renumbered but not rehashed.
  for (size_t i = 4; i < entries.size(); ++i) entries[i].seq = i + 1;
  result = Verify(entries);
  EXPECT_EQ(result.first_bad, 4);
  EXPECT_EQ(result.problem,
            "entry 4 was inserted: the entry after it is the original entry "
            "4, renumbered to 5");

  // Fully re-chained: only a checkpoint taken before shows it.
  Rechain(entries, 4);
  EXPECT_TRUE(Verify(entries).ok);
  result = Verify(entries, {CheckpointAt(8)});
  EXPECT_EQ(result.first_bad, 8);
  EXPECT_EQ(result.problem,
            "entry 8 does not match the signed checkpoint at seq 8: the log "
            "up to entry 8 was rewritten");
}

TEST_F(VerifierTest, SwappedEntries) {
  std::vector<AuditEntry> entries = log_;
  std::swap(entries[4], entries[5]);  // stored order 4, 6, 5, 7
  VerifyResult result = Verify(entries);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.first_bad, 5);
  EXPECT_EQ(result.problem,
            "entries 5 and 6 are out of order: entry 6 comes before entry 5");

  // Swapped with their seq numbers exchanged, as an UPDATE of two rows does.
  std::swap(entries[4].seq, entries[5].seq);
  result = Verify(entries);
  EXPECT_EQ(result.first_bad, 5);
  EXPECT_TRUE(Contains(result.problem, "entry 5 is the original entry 6"));

  // An entry moved far back.
  entries = log_;
  AuditEntry moved = entries[1];
  entries.erase(entries.begin() + 1);
  entries.push_back(moved);
  result = Verify(entries);
  EXPECT_EQ(result.first_bad, 2);
  EXPECT_EQ(result.problem,
            "entry 2 missing: the log goes from entry 1 to entry 3");
}

TEST_F(VerifierTest, ForgedCheckpoints) {
  // Re-signed by another key the verifier does not know.
  auto other = *crypto::SigningKey::Generate();
  Checkpoint foreign = SignCheckpoint(10, log_[9].hash, log_[9].time, *other);
  VerifyResult result = Verify(log_, {foreign});
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.first_bad, 10);
  EXPECT_TRUE(Contains(result.problem,
                       "checkpoint at seq 10 is not valid: it is signed by "
                       "unknown key"));

  // A genuine signature over other contents: claims more entries.
  Checkpoint altered = CheckpointAt(9);
  altered.seq = 12;
  result = Verify(log_, {altered});
  EXPECT_EQ(result.first_bad, 12);
  EXPECT_TRUE(Contains(result.problem, "does not verify under key"));

  // A signature with one bit flipped.
  Checkpoint flipped = CheckpointAt(10);
  std::string raw = *crypto::Base64UrlDecode(flipped.signature);
  raw[0] ^= 1;
  flipped.signature = crypto::Base64UrlEncode(raw);
  result = Verify(log_, {flipped});
  EXPECT_EQ(result.first_bad, 10);
  EXPECT_TRUE(Contains(result.problem, "forged or altered"));

  Checkpoint garbage = CheckpointAt(10);
  garbage.signature = "***";
  EXPECT_TRUE(Contains(Verify(log_, {garbage}).problem, "not base64url"));

  // An entry problem before a forged checkpoint is the one reported.
  std::vector<AuditEntry> entries = log_;
  entries[1].actor = "mallory";
  result = Verify(entries, {flipped});
  EXPECT_EQ(result.first_bad, 2);
}

TEST_F(VerifierTest, CheckpointMessageIsCanonical) {
  const Checkpoint checkpoint = CheckpointAt(3);
  EXPECT_EQ(CheckpointMessage(checkpoint),
            R"({"hash":")" + log_[2].hash + R"(","kid":")" + key_->key_id() +
                R"(","seq":3,"time":"2026-11-21T14:01:40.000Z"})");
  EXPECT_TRUE(
      crypto::VerifyEd25519(key_->public_key(), CheckpointMessage(checkpoint),
                            *crypto::Base64UrlDecode(checkpoint.signature)));
  absl::StatusOr<Checkpoint> back =
      CheckpointFromJson(CheckpointToJson(checkpoint));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_TRUE(VerifyCheckpoint(*back, keys_).ok());
  nlohmann::json short_json = CheckpointToJson(checkpoint);
  short_json.erase("kid");
  EXPECT_FALSE(CheckpointFromJson(short_json).ok());
}

TEST_F(VerifierTest, JsonLinesExportVerifies) {
  std::string text;
  for (const AuditEntry& entry : log_) {
    text += EntryLine(entry);
    if (entry.seq == 5 || entry.seq == 10) {
      text += CheckpointLine(CheckpointAt(entry.seq));
    }
  }
  VerifyResult result = VerifyJsonLines(text, keys_);
  EXPECT_TRUE(result.ok) << result.problem;
  EXPECT_EQ(result.entries, 10);

  // An edit of the text of entry 3.
  std::string edited = text;
  const size_t at = edited.find("\"actor\":\"user2\"");
  ASSERT_NE(at, std::string::npos);
  edited.replace(at, 15, "\"actor\":\"userX\"");
  result = VerifyJsonLines(edited, keys_);
  EXPECT_EQ(result.first_bad, 3);
  EXPECT_TRUE(Contains(result.problem, "hash does not match contents"));

  // Entry 10 cut off, its checkpoint kept.
  const size_t last_entry = text.rfind("{\"actor\"");
  std::string truncated =
      text.substr(0, last_entry) + CheckpointLine(CheckpointAt(10));
  result = VerifyJsonLines(truncated, keys_);
  EXPECT_EQ(result.first_bad, 10);
  EXPECT_TRUE(Contains(result.problem, "entry 10 missing"));

  // A line that is not JSON, and one that is not an entry.
  std::string broken = text;
  broken.insert(broken.find('\n') + 1, "{not json\n");
  result = VerifyJsonLines(broken, keys_);
  EXPECT_EQ(result.first_bad, 2);
  EXPECT_EQ(result.problem, "line 2 is not JSON");
  std::string not_entry = text;
  not_entry.insert(not_entry.find('\n') + 1, "{\"seq\":2}\n");
  result = VerifyJsonLines(not_entry, keys_);
  EXPECT_EQ(result.first_bad, 2);
  EXPECT_TRUE(Contains(result.problem, "line 2 is not an audit entry"));
}

}  // namespace
}  // namespace signoff::audit
