#include "runtime/approvals/eligibility.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "compiler/eval/request.h"
#include "compiler/interp/interpreter.h"
#include "nlohmann/json.hpp"
#include "stdlib/absl_compat.h"
#include "stdlib/builtins.h"

namespace signoff::approvals {
namespace {

using nlohmann::json;

// The string member `key` of `object`, or "" when absent or not a string.
std::string StringMember(const json& object, std::string_view key) {
  if (!object.is_object()) return "";
  auto it = object.find(std::string(key));
  if (it == object.end() || !it->is_string()) return "";
  return *it->get_ptr<const json::string_t*>();
}

absl::StatusOr<int64_t> DurationMember(const json& object,
                                       std::string_view key) {
  auto it = object.find(std::string(key));
  if (it == object.end()) return 0;
  if (!it->is_string()) {
    return absl::InvalidArgumentError(
        absl::StrCat("decision `", AsAbsl(key), "` is not a string"));
  }
  const std::string& text = *it->get_ptr<const json::string_t*>();
  if (text.empty()) return 0;
  absl::StatusOr<int64_t> seconds = stdlib::ParseDuration(text);
  if (!seconds.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "decision `", AsAbsl(key), "`: ", seconds.status().message()));
  }
  return *seconds;
}

// The requirement of `policy` (any rule or the default) for group `group`
// with `where` text `where`: {group index, where node}, or {-1, kNoNode}.
std::pair<int, ir::NodeId> FindRequirement(const ir::Policy& policy,
                                           const ClauseSpec& spec) {
  auto search = [&](const ir::Rule& rule) -> std::pair<int, ir::NodeId> {
    for (const ir::Requirement& r : rule.requirements) {
      if (r.group < 0 || static_cast<size_t>(r.group) >= policy.groups.size()) {
        continue;
      }
      if (policy.groups[r.group].name == spec.group &&
          r.where_text == spec.where) {
        return {r.group, r.where};
      }
    }
    return {-1, ir::kNoNode};
  };
  for (const ir::Rule& rule : policy.rules) {
    auto found = search(rule);
    if (found.first >= 0) return found;
  }
  return search(policy.default_rule);
}

bool InGroup(const ir::Group& group, std::string_view id,
             const runtime::Directory& directory) {
  if (std::find(group.members.begin(), group.members.end(), id) !=
      group.members.end()) {
    return true;
  }
  for (const std::string& name : group.directories) {
    if (directory.IsMember(name, id)) return true;
  }
  return false;
}

}  // namespace

void SnapshotCache::Remember(std::shared_ptr<const PolicySnapshot> snapshot) {
  if (snapshot == nullptr || capacity_ == 0) return;
  std::lock_guard<std::mutex> lock(mu_);
  auto same = std::find_if(
      entries_.begin(), entries_.end(),
      [&](const auto& kept) { return kept->digest() == snapshot->digest(); });
  if (same != entries_.end()) entries_.erase(same);
  entries_.push_front(std::move(snapshot));
  while (entries_.size() > capacity_) entries_.pop_back();
}

std::shared_ptr<const PolicySnapshot> SnapshotCache::Find(
    std::string_view digest) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& kept : entries_) {
    if (kept->digest() == digest) return kept;
  }
  return nullptr;
}

absl::StatusOr<StoredDecision> ParseStoredDecision(std::string_view text) {
  json root = json::parse(text.begin(), text.end(), nullptr, false);
  if (root.is_discarded() || !root.is_object()) {
    return absl::InvalidArgumentError("the stored decision is not an object");
  }
  StoredDecision decision;
  decision.decision = StringMember(root, "decision");
  decision.policy = StringMember(root, "policy");
  if (auto veto = root.find("veto");
      veto != root.end() && veto->is_number_integer()) {
    decision.veto = veto->get<int64_t>();
  }
  absl::StatusOr<int64_t> expire = DurationMember(root, "expire");
  if (!expire.ok()) return expire.status();
  decision.expire_seconds = *expire;
  absl::StatusOr<int64_t> grant = DurationMember(root, "grant");
  if (!grant.ok()) return grant.status();
  decision.grant_seconds = *grant;
  if (auto channels = root.find("channels");
      channels != root.end() && channels->is_array()) {
    for (const json& c : *channels) {
      if (c.is_string()) decision.channels.push_back(c.get<std::string>());
    }
  }
  if (auto escalations = root.find("escalations"); escalations != root.end()) {
    if (!escalations->is_array()) {
      return absl::InvalidArgumentError("decision `escalations` is not a list");
    }
    for (const json& e : *escalations) {
      if (!e.is_object()) {
        return absl::InvalidArgumentError(
            "a decision escalation is not an object");
      }
      EscalationSpec spec;
      absl::StatusOr<int64_t> after = DurationMember(e, "after");
      if (!after.ok()) return after.status();
      spec.after_seconds = *after;
      spec.group = StringMember(e, "group");
      if (auto notify = e.find("notify");
          notify != e.end() && notify->is_array()) {
        for (const json& c : *notify) {
          if (c.is_string()) spec.notify.push_back(c.get<std::string>());
        }
      }
      if (auto reqs = e.find("requirements");
          reqs != e.end() && reqs->is_array()) {
        for (const json& r : *reqs) {
          if (r.is_number_integer()) {
            spec.requirements.push_back(r.get<int64_t>());
          }
        }
      }
      decision.escalations.push_back(std::move(spec));
    }
  }
  auto requirements = root.find("requirements");
  if (requirements == root.end()) return decision;
  if (!requirements->is_array()) {
    return absl::InvalidArgumentError("decision `requirements` is not a list");
  }
  for (const json& r : *requirements) {
    auto count = r.is_object() ? r.find("count") : r.end();
    if (!r.is_object() || count == r.end() || !count->is_number_integer()) {
      return absl::InvalidArgumentError("a decision requirement has no count");
    }
    ClauseSpec spec;
    spec.count = count->get<int64_t>();
    spec.group = StringMember(r, "group");
    spec.where = StringMember(r, "where");
    decision.clauses.push_back(std::move(spec));
  }
  return decision;
}

void ApplyEscalations(StoredDecision& decision,
                      const std::vector<int64_t>& fired) {
  for (int64_t index : fired) {
    if (index < 0 ||
        static_cast<size_t>(index) >= decision.escalations.size()) {
      continue;
    }
    const EscalationSpec& e = decision.escalations[index];
    for (int64_t r : e.requirements) {
      if (r < 0 || static_cast<size_t>(r) >= decision.clauses.size()) continue;
      std::vector<std::string>& also = decision.clauses[r].also;
      if (e.group != decision.clauses[r].group &&
          std::find(also.begin(), also.end(), e.group) == also.end()) {
        also.push_back(e.group);
      }
    }
  }
}

std::string RequestJsonOf(const store::RequestRecord& record) {
  json request = json::object();
  request["action"] = record.action;
  for (auto [key, text] : {std::pair<const char*, const std::string*>{
                               "params", &record.params_json},
                           {"requester", &record.requester_json},
                           {"context", &record.context_json}}) {
    json value = json::parse(*text, nullptr, false);
    if (!value.is_discarded() && !value.is_null()) request[key] = value;
  }
  return request.dump(-1, ' ', false, json::error_handler_t::replace);
}

ClauseSet ClauseSet::Resolve(const store::RequestRecord& record,
                             const StoredDecision& decision,
                             std::shared_ptr<const PolicySnapshot> decided,
                             std::shared_ptr<const PolicySnapshot> current) {
  ClauseSet set;
  json requester = json::parse(record.requester_json, nullptr, false);
  set.requester_id_ = StringMember(requester, "id");
  set.on_behalf_of_ = StringMember(requester, "on_behalf_of");
  set.specs_ = decision.clauses;
  set.clauses_.resize(set.specs_.size());
  if (decided != nullptr && current != nullptr &&
      decided->digest() == current->digest()) {
    current = nullptr;  // the same set: judge with the one that decided
  }
  const std::string request_json = RequestJsonOf(record);
  for (size_t i = 0; i < set.specs_.size(); ++i) {
    for (const auto* snapshot : {&decided, &current}) {
      if (*snapshot == nullptr) continue;
      auto [group, where] =
          FindRequirement((*snapshot)->policy(), set.specs_[i]);
      if (group < 0) continue;
      int judge = set.JudgeFor(*snapshot, request_json);
      if (judge < 0) continue;
      Resolved resolved{judge, group, where, {}};
      const ir::Policy& policy = (*snapshot)->policy();
      for (const std::string& name : set.specs_[i].also) {
        for (size_t g = 0; g < policy.groups.size(); ++g) {
          if (policy.groups[g].name == name) {
            resolved.also.push_back(static_cast<int>(g));
          }
        }
      }
      set.clauses_[i] = std::move(resolved);
      break;
    }
  }
  return set;
}

int ClauseSet::JudgeFor(const std::shared_ptr<const PolicySnapshot>& snapshot,
                        const std::string& request_json) {
  for (size_t j = 0; j < judges_.size(); ++j) {
    if (judges_[j].snapshot == snapshot) return static_cast<int>(j);
  }
  absl::StatusOr<eval::BoundRequest> bound =
      eval::BindJson(snapshot->policy(), request_json);
  // A request this set finds invalid (its action's schema changed, say)
  // cannot be judged by it.
  if (!bound.ok() || !bound->valid()) return -1;
  judges_.push_back(Judge{snapshot, *std::move(bound)});
  return static_cast<int>(judges_.size()) - 1;
}

std::vector<int64_t> ClauseSet::counts() const {
  std::vector<int64_t> counts;
  counts.reserve(specs_.size());
  for (const ClauseSpec& spec : specs_) counts.push_back(spec.count);
  return counts;
}

bool ClauseSet::IsRequesterSide(std::string_view id) const {
  return id == requester_id_ || (!on_behalf_of_.empty() && id == on_behalf_of_);
}

bool ClauseSet::IsRequesterSide(const runtime::Identity& voter) const {
  return IsRequesterSide(voter.id) ||
         (!voter.on_behalf_of.empty() && IsRequesterSide(voter.on_behalf_of));
}

std::vector<int> ClauseSet::EligibleClauses(
    const runtime::Identity& approver,
    const runtime::Directory& directory) const {
  std::vector<int> eligible;
  if (approver.id.empty() || IsRequesterSide(approver)) return eligible;
  eval::Approver bound_approver;
  bound_approver.id = approver.id;
  bound_approver.team = approver.team;
  bound_approver.groups = approver.groups;
  bound_approver.attrs.assign(approver.attrs.begin(), approver.attrs.end());
  bound_approver.mfa = approver.mfa;
  interp::EvalOptions options;
  options.directory_member = [&directory](std::string_view group,
                                          std::string_view id) {
    return directory.IsMember(group, id);
  };
  for (size_t i = 0; i < clauses_.size(); ++i) {
    const Resolved& clause = clauses_[i];
    if (clause.judge < 0) continue;
    const Judge& judge = judges_[clause.judge];
    const ir::Policy& policy = judge.snapshot->policy();
    bool member = InGroup(policy.groups[clause.group], approver.id, directory);
    for (size_t a = 0; !member && a < clause.also.size(); ++a) {
      member = InGroup(policy.groups[clause.also[a]], approver.id, directory);
    }
    if (!member) continue;
    if (clause.where != ir::kNoNode) {
      eval::BoundRequest request = judge.request;
      eval::BindApprover(policy, bound_approver, request);
      if (!interp::EvaluateWhere(policy, clause.where, request, options)) {
        continue;
      }
    }
    eligible.push_back(static_cast<int>(i));
  }
  return eligible;
}

std::vector<int> ClauseSet::EligibleClauses(
    std::string_view id, const runtime::Directory& directory) const {
  const runtime::Identity* identity = directory.Find(id);
  if (identity == nullptr) return {};
  return EligibleClauses(*identity, directory);
}

}  // namespace signoff::approvals
