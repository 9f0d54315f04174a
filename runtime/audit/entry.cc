#include "runtime/audit/entry.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "runtime/crypto/canonical_json.h"
#include "runtime/crypto/encoding.h"

namespace signoff::audit {
namespace {

constexpr const char* kStringFields[] = {"time",   "type", "request", "actor",
                                         "policy", "prev", "hash"};

nlohmann::json ContentJson(const AuditEntry& entry) {
  return nlohmann::json{{"seq", entry.seq},       {"time", entry.time},
                        {"type", entry.type},     {"request", entry.request},
                        {"actor", entry.actor},   {"data", entry.data},
                        {"policy", entry.policy}, {"prev", entry.prev}};
}

std::string* StringField(AuditEntry& entry, std::string_view key) {
  if (key == "time") return &entry.time;
  if (key == "type") return &entry.type;
  if (key == "request") return &entry.request;
  if (key == "actor") return &entry.actor;
  if (key == "policy") return &entry.policy;
  if (key == "prev") return &entry.prev;
  if (key == "hash") return &entry.hash;
  return nullptr;
}

}  // namespace

bool IsKnownEntryType(std::string_view type) {
  return std::find(std::begin(kEntryTypes), std::end(kEntryTypes), type) !=
         std::end(kEntryTypes);
}

std::string CanonicalContent(const AuditEntry& entry) {
  return crypto::CanonicalJson(ContentJson(entry));
}

std::string ComputeHash(const AuditEntry& entry) {
  return crypto::HexEncode(
      crypto::Sha256(absl::StrCat(entry.prev, CanonicalContent(entry))));
}

AuditEntry ChainAfter(int64_t head_seq, std::string_view head_hash,
                      AuditEntry draft) {
  draft.seq = head_seq + 1;
  draft.prev = std::string(head_hash);
  if (draft.data.is_null()) draft.data = nlohmann::json::object();
  draft.hash = ComputeHash(draft);
  return draft;
}

AuditEntry Chain(const AuditEntry* previous, AuditEntry draft) {
  if (previous == nullptr) {
    return ChainAfter(0, kGenesisHash, std::move(draft));
  }
  return ChainAfter(previous->seq, previous->hash, std::move(draft));
}

nlohmann::json EntryToJson(const AuditEntry& entry) {
  nlohmann::json json = ContentJson(entry);
  json["hash"] = entry.hash;
  return json;
}

absl::StatusOr<AuditEntry> EntryFromJson(const nlohmann::json& json) {
  if (!json.is_object()) {
    return absl::InvalidArgumentError("an audit entry is a JSON object");
  }
  AuditEntry entry;
  for (const auto& [key, value] : json.items()) {
    if (key == "seq") {
      if (!value.is_number_integer() || value.get<int64_t>() < 1) {
        return absl::InvalidArgumentError(
            "`seq` of an audit entry must be an integer >= 1");
      }
      entry.seq = value.get<int64_t>();
    } else if (key == "data") {
      if (!value.is_object()) {
        return absl::InvalidArgumentError(
            "`data` of an audit entry must be an object");
      }
      entry.data = value;
    } else if (std::string* field = StringField(entry, key)) {
      if (!value.is_string()) {
        return absl::InvalidArgumentError(
            absl::StrCat("`", key, "` of an audit entry must be a string"));
      }
      *field = value.get<std::string>();
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown field `", key, "` in an audit entry"));
    }
  }
  for (const char* key : kStringFields) {
    if (!json.contains(key)) {
      return absl::InvalidArgumentError(
          absl::StrCat("audit entry without `", key, "`"));
    }
  }
  if (!json.contains("seq") || !json.contains("data")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "audit entry without `", json.contains("seq") ? "data" : "seq", "`"));
  }
  return entry;
}

}  // namespace signoff::audit
