// Random JSON requests for a generated policy (LANGUAGE.md §6).
//
// Mostly well-formed requests for declared actions, aimed at the literals
// the policy compares against (PolicySpec::hints, with neighbours), plus
// every kind of edge case the binder and the back ends must agree on:
// undeclared actions (which rules reading params never apply to), missing
// optional and required fields, wrong types, null, floats, integers at and
// past the int64 extremes, unicode (multi-byte, astral, escaped), empty and
// long strings, embedded NULs, unknown and duplicate keys, invalid action
// names, requester/context fields with bad values.
//
// Deterministic from the seed.
#ifndef SIGNOFF_TESTS_DIFF_REQUEST_GEN_H_
#define SIGNOFF_TESTS_DIFF_REQUEST_GEN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tests/diff/policy_gen.h"

namespace signoff::difftest {

// One request as JSON text (always parseable JSON, but not always a valid
// request: about one in eight is invalid on purpose).
std::string GenerateRequest(const PolicySpec& spec, uint64_t seed);

// The same JSON re-serialised token by token: other whitespace, every
// non-ASCII character and `/` in strings \u-escaped (surrogate pairs for
// astral characters), numbers and duplicate keys kept exactly. Used as a
// second binding path. nullopt when `json` has an unterminated string.
std::optional<std::string> ReformatJson(std::string_view json);

}  // namespace signoff::difftest

#endif  // SIGNOFF_TESTS_DIFF_REQUEST_GEN_H_
