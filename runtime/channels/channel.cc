#include "runtime/channels/channel.h"

#include <utility>

#include "runtime/audit/timestamp.h"

namespace signoff::channels {

nlohmann::json ChangePayload(std::string_view event, int64_t time_ms,
                             std::string_view actor, nlohmann::json request,
                             nlohmann::json escalation) {
  nlohmann::json payload = {{"event", std::string(event)},
                            {"time", audit::FormatTimestamp(time_ms)},
                            {"actor", std::string(actor)},
                            {"request", std::move(request)}};
  if (!escalation.is_null()) payload["escalation"] = std::move(escalation);
  return payload;
}

}  // namespace signoff::channels
