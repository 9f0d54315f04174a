#include "runtime/engine/request_builder.h"

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "stdlib/builtins.h"

namespace signoff {
namespace {

using json = nlohmann::ordered_json;

json Text(std::string_view s) { return json(std::string(s)); }

}  // namespace

RequestBuilder::RequestBuilder() : doc_(json::object()) {}

RequestBuilder& RequestBuilder::Action(std::string_view name) {
  doc_["action"] = Text(name);
  return *this;
}

RequestBuilder& RequestBuilder::SetParam(std::string_view name, json value) {
  return Set("params", name, std::move(value));
}

RequestBuilder& RequestBuilder::Set(const char* entity, std::string_view field,
                                    json value) {
  json& object = doc_[entity];
  if (!object.is_object()) object = json::object();
  object[std::string(field)] = std::move(value);
  return *this;
}

RequestBuilder& RequestBuilder::SetAttr(const char* entity,
                                        std::string_view key,
                                        std::string_view value) {
  json& object = doc_[entity];
  if (!object.is_object()) object = json::object();
  json& attrs = object["attrs"];
  if (!attrs.is_object()) attrs = json::object();
  attrs[std::string(key)] = Text(value);
  return *this;
}

RequestBuilder& RequestBuilder::Param(std::string_view name,
                                      std::string_view value) {
  return SetParam(name, Text(value));
}

RequestBuilder& RequestBuilder::Param(std::string_view name,
                                      const char* value) {
  return SetParam(name, value == nullptr ? json(nullptr) : Text(value));
}

RequestBuilder& RequestBuilder::Param(std::string_view name, bool value) {
  return SetParam(name, json(value));
}

RequestBuilder& RequestBuilder::Param(std::string_view name,
                                      absl::Duration value) {
  return SetParam(name,
                  json(stdlib::FormatDuration(absl::ToInt64Seconds(value))));
}

RequestBuilder& RequestBuilder::Param(std::string_view name, absl::Time value) {
  return SetParam(name,
                  json(stdlib::FormatRfc3339(absl::ToUnixSeconds(value))));
}

RequestBuilder& RequestBuilder::Param(std::string_view name,
                                      const std::vector<std::string>& value) {
  return SetParam(name, json(value));
}

RequestBuilder& RequestBuilder::Param(std::string_view name,
                                      const std::vector<int64_t>& value) {
  return SetParam(name, json(value));
}

RequestBuilder& RequestBuilder::Param(
    std::string_view name, const std::map<std::string, std::string>& value) {
  json object = json::object();
  for (const auto& [k, v] : value) object[k] = v;
  return SetParam(name, std::move(object));
}

RequestBuilder& RequestBuilder::Requester(std::string_view id) {
  return Set("requester", "id", Text(id));
}

RequestBuilder& RequestBuilder::RequesterKind(std::string_view kind) {
  return Set("requester", "kind", Text(kind));
}

RequestBuilder& RequestBuilder::RequesterTeam(std::string_view team) {
  return Set("requester", "team", Text(team));
}

RequestBuilder& RequestBuilder::RequesterGroups(
    const std::vector<std::string>& groups) {
  return Set("requester", "groups", json(groups));
}

RequestBuilder& RequestBuilder::OnBehalfOf(std::string_view human) {
  return Set("requester", "on_behalf_of", Text(human));
}

RequestBuilder& RequestBuilder::RequesterAttr(std::string_view key,
                                              std::string_view value) {
  return SetAttr("requester", key, value);
}

RequestBuilder& RequestBuilder::Time(absl::Time time) {
  return Set("context", "time",
             json(stdlib::FormatRfc3339(absl::ToUnixSeconds(time))));
}

RequestBuilder& RequestBuilder::Ip(std::string_view ip) {
  return Set("context", "ip", Text(ip));
}

RequestBuilder& RequestBuilder::Justification(std::string_view text) {
  return Set("context", "justification", Text(text));
}

RequestBuilder& RequestBuilder::Ticket(std::string_view ticket) {
  return Set("context", "ticket", Text(ticket));
}

RequestBuilder& RequestBuilder::ContextAttr(std::string_view key,
                                            std::string_view value) {
  return SetAttr("context", key, value);
}

absl::StatusOr<Request> RequestBuilder::Build() const {
  try {
    // Strict: a string that is not UTF-8 throws instead of being rewritten,
    // so two different invalid identities never collapse into one.
    return Request(doc_.dump(-1, ' ', false, json::error_handler_t::strict));
  } catch (const json::exception& e) {
    return absl::InvalidArgumentError(
        std::string("the request is not valid UTF-8: ") + e.what());
  }
}

}  // namespace signoff
