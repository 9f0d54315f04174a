#include "runtime/grants/ids.h"

#include <openssl/rand.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace signoff::grants {
namespace {

constexpr char kBase32[] = "abcdefghijklmnopqrstuvwxyz234567";
// 26 characters of 5 bits need 130 bits: 17 bytes, the last 6 bits unused.
constexpr int kRandomBytes = 17;

}  // namespace

std::string NewId(std::string_view prefix) {
  unsigned char bytes[kRandomBytes];
  if (RAND_bytes(bytes, kRandomBytes) != 1) {
    std::fputs("signoff: RAND_bytes failed; refusing to issue an id\n", stderr);
    std::abort();
  }
  std::string id(prefix);
  id.reserve(prefix.size() + kIdRandomChars);
  uint32_t buffer = 0;
  int bits = 0;
  int byte = 0;
  while (id.size() < prefix.size() + kIdRandomChars) {
    if (bits < 5) {
      buffer = (buffer << 8) | bytes[byte++];
      bits += 8;
    }
    bits -= 5;
    id.push_back(kBase32[(buffer >> bits) & 31]);
  }
  return id;
}

std::string NewGrantId() { return NewId("g_"); }

}  // namespace signoff::grants
