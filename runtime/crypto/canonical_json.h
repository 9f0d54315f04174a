// The canonical JSON text the runtime hashes and signs (grant digests,
// audit entries, token payloads): object keys sorted by their UTF-8 bytes,
// no insignificant whitespace, strings escaped minimally (`"`, `\`, and
// control characters; everything else as UTF-8), integers in decimal.
//
// The same value always gives the same bytes, whatever the order or spacing
// of the text it was parsed from. Floats never occur in what the runtime
// canonicalises (request values are integers).
#ifndef SIGNOFF_RUNTIME_CRYPTO_CANONICAL_JSON_H_
#define SIGNOFF_RUNTIME_CRYPTO_CANONICAL_JSON_H_

#include <string>

#include "nlohmann/json.hpp"

namespace signoff::crypto {

// nlohmann::json keeps object keys in a std::map, i.e. sorted by bytes.
// Invalid UTF-8 (never produced by our parsers) is replaced with U+FFFD
// instead of throwing.
std::string CanonicalJson(const nlohmann::json& value);

}  // namespace signoff::crypto

#endif  // SIGNOFF_RUNTIME_CRYPTO_CANONICAL_JSON_H_
