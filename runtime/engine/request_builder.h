// A typed way to write a request (LANGUAGE.md §6) without writing JSON.
//
//   absl::StatusOr<signoff::Request> request =
//       signoff::RequestBuilder()
//           .Action("data.export")
//           .Param("dataset", "customers")
//           .Param("rows", 50000)
//           .Requester("agent:etl")
//           .RequesterKind("agent")
//           .OnBehalfOf("dana")
//           .Time(absl::Now())
//           .Build();
//   absl::StatusOr<signoff::eval::Decision> d = engine->Decide(*request);
//
// The builder writes the JSON document the same request would be as text,
// and the engine binds that document exactly as it binds JSON text: a
// request built here and the same request written as JSON get the same
// decision, errors included (a `Param` of the wrong type is a `deny` naming
// the field, not a build failure). Setting a field twice keeps the last
// value. Durations are written in the literal syntax (whole seconds, rounded
// toward zero), times as RFC 3339 UTC (whole seconds, rounded down).
//
// Thread safety: a RequestBuilder is a plain value (not thread-safe to
// mutate concurrently); a Request is immutable and may be shared.
#ifndef SIGNOFF_RUNTIME_ENGINE_REQUEST_BUILDER_H_
#define SIGNOFF_RUNTIME_ENGINE_REQUEST_BUILDER_H_

#include <concepts>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"

namespace signoff {

// A built request: its LANGUAGE.md §6 JSON text, valid UTF-8.
class Request {
 public:
  const std::string& json() const { return json_; }

 private:
  friend class RequestBuilder;
  explicit Request(std::string json) : json_(std::move(json)) {}
  std::string json_;
};

class RequestBuilder {
 public:
  RequestBuilder();

  RequestBuilder& Action(std::string_view name);

  // params.<name>, typed as the action's schema expects: string, int, bool,
  // duration, time, ip (a string), list<string>, list<int>,
  // map<string,string>.
  RequestBuilder& Param(std::string_view name, std::string_view value);
  RequestBuilder& Param(std::string_view name, const char* value);
  template <std::integral T>
  requires(!std::same_as<T, bool>) RequestBuilder& Param(std::string_view name,
                                                         T value) {
    return SetParam(name, nlohmann::ordered_json(value));
  }
  RequestBuilder& Param(std::string_view name, bool value);
  RequestBuilder& Param(std::string_view name, absl::Duration value);
  RequestBuilder& Param(std::string_view name, absl::Time value);
  RequestBuilder& Param(std::string_view name,
                        const std::vector<std::string>& value);
  RequestBuilder& Param(std::string_view name,
                        const std::vector<int64_t>& value);
  RequestBuilder& Param(std::string_view name,
                        const std::map<std::string, std::string>& value);

  // requester.*
  RequestBuilder& Requester(std::string_view id);
  RequestBuilder& RequesterKind(std::string_view kind);  // human|agent|service
  RequestBuilder& RequesterTeam(std::string_view team);
  RequestBuilder& RequesterGroups(const std::vector<std::string>& groups);
  RequestBuilder& OnBehalfOf(std::string_view human);
  RequestBuilder& RequesterAttr(std::string_view key, std::string_view value);

  // context.*
  RequestBuilder& Time(absl::Time time);
  RequestBuilder& Ip(std::string_view ip);
  RequestBuilder& Justification(std::string_view text);
  RequestBuilder& Ticket(std::string_view ticket);
  RequestBuilder& ContextAttr(std::string_view key, std::string_view value);

  // The request. InvalidArgument when a string given is not valid UTF-8
  // (JSON text with such a string is not JSON either).
  absl::StatusOr<Request> Build() const;

 private:
  RequestBuilder& SetParam(std::string_view name, nlohmann::ordered_json value);
  RequestBuilder& Set(const char* entity, std::string_view field,
                      nlohmann::ordered_json value);
  RequestBuilder& SetAttr(const char* entity, std::string_view key,
                          std::string_view value);

  nlohmann::ordered_json doc_;
};

}  // namespace signoff

#endif  // SIGNOFF_RUNTIME_ENGINE_REQUEST_BUILDER_H_
