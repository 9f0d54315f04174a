// Audit timestamps: RFC 3339 in UTC with exactly three fractional digits,
// "2026-11-21T14:00:00.123Z". The store keeps unix milliseconds; audit
// entries and checkpoints carry this text form (RUNTIME.md §4).
//
// Thread safety: every function is pure.
#ifndef SIGNOFF_RUNTIME_AUDIT_TIMESTAMP_H_
#define SIGNOFF_RUNTIME_AUDIT_TIMESTAMP_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace signoff::audit {

// Years 0000-9999; milliseconds outside that range are clamped to it.
std::string FormatTimestamp(int64_t unix_ms);

// The inverse of FormatTimestamp: nullopt unless `text` has exactly the
// form "YYYY-MM-DDTHH:MM:SS.mmmZ" with a real calendar date.
std::optional<int64_t> ParseTimestamp(std::string_view text);

// The current time in unix milliseconds (system clock).
int64_t NowUnixMillis();

}  // namespace signoff::audit

#endif  // SIGNOFF_RUNTIME_AUDIT_TIMESTAMP_H_
