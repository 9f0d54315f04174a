// Random identifiers for grants and requests: a prefix and 26 characters of
// lowercase base32 (RFC 4648 alphabet `a-z2-7`), 130 bits from OpenSSL's
// CSPRNG (RAND_bytes). Safe in URLs, file names and JSON without escaping,
// and unguessable, so an id alone never grants anything but also never
// leaks how many others exist.
//
// Thread safety: both functions may be called from any thread.
#ifndef SIGNOFF_RUNTIME_GRANTS_IDS_H_
#define SIGNOFF_RUNTIME_GRANTS_IDS_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace signoff::grants {

// Characters after the prefix.
inline constexpr size_t kIdRandomChars = 26;

// `prefix` (verbatim, e.g. "r_") + 26 random base32 characters. Aborts the
// process if the CSPRNG fails: a predictable id must never be issued.
std::string NewId(std::string_view prefix);

// A grant id: "g_" + 26 random base32 characters.
std::string NewGrantId();

}  // namespace signoff::grants

#endif  // SIGNOFF_RUNTIME_GRANTS_IDS_H_
