// IP addresses and CIDR blocks. IPv4 and IPv6 are distinct families: an
// IPv4-mapped IPv6 address (::ffff:10.0.0.1) is not equal to 10.0.0.1 and
// is not contained in an IPv4 block.
#include <arpa/inet.h>

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "stdlib/absl_compat.h"
#include "stdlib/builtins.h"

namespace signoff::stdlib {
namespace {

// Clears every bit of `ip` after the first `prefix` bits.
IpAddress Masked(IpAddress ip, int prefix) {
  const int total = ip.v4 ? 4 : 16;
  for (int i = 0; i < total; ++i) {
    int bits = prefix - 8 * i;  // bits of byte i that belong to the prefix
    if (bits >= 8) continue;
    ip.bytes[i] &= bits <= 0 ? 0 : static_cast<uint8_t>(0xff << (8 - bits));
  }
  return ip;
}

}  // namespace

std::optional<IpAddress> IpAddress::Parse(std::string_view text) {
  // inet_pton wants a C string; an embedded NUL would hide a suffix.
  if (text.empty() || text.size() > 64 ||
      text.find('\0') != std::string_view::npos) {
    return std::nullopt;
  }
  std::string c_text(text);
  IpAddress ip;
  if (inet_pton(AF_INET, c_text.c_str(), ip.bytes.data()) == 1) {
    ip.valid = true;
    ip.v4 = true;
    return ip;
  }
  if (inet_pton(AF_INET6, c_text.c_str(), ip.bytes.data()) == 1) {
    ip.valid = true;
    ip.v4 = false;
    return ip;
  }
  return std::nullopt;
}

std::string IpAddress::ToString() const {
  if (!valid) return "";
  char buffer[INET6_ADDRSTRLEN] = {};
  if (inet_ntop(v4 ? AF_INET : AF_INET6, bytes.data(), buffer,
                sizeof(buffer)) == nullptr) {
    return "";
  }
  return buffer;
}

absl::StatusOr<Cidr> Cidr::Parse(std::string_view text) {
  size_t slash = text.rfind('/');
  if (slash == std::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("`", AsAbsl(text),
                     "` is not a CIDR block: expected `address/prefix`, as in "
                     "`10.0.0.0/8`"));
  }
  std::string_view address = text.substr(0, slash);
  std::string_view digits = text.substr(slash + 1);
  std::optional<IpAddress> ip = IpAddress::Parse(address);
  if (!ip) {
    return absl::InvalidArgumentError(absl::StrCat("`", AsAbsl(address),
                                                   "` in `", AsAbsl(text),
                                                   "` is not an IP address"));
  }
  const int max_prefix = ip->v4 ? 32 : 128;
  int prefix = 0;
  bool digits_ok = !digits.empty() && digits.size() <= 3 &&
                   (digits.size() == 1 || digits[0] != '0');
  for (char c : digits) {
    if (c < '0' || c > '9') {
      digits_ok = false;
      break;
    }
    prefix = prefix * 10 + (c - '0');
  }
  if (!digits_ok || prefix > max_prefix) {
    return absl::InvalidArgumentError(
        absl::StrCat("prefix length `", AsAbsl(digits), "` in `", AsAbsl(text),
                     "` must be a number from 0 to ", max_prefix, " for ",
                     ip->v4 ? "IPv4" : "IPv6"));
  }
  IpAddress network = Masked(*ip, prefix);
  std::string canonical = absl::StrCat(network.ToString(), "/", prefix);
  if (!(network == *ip)) {
    return absl::InvalidArgumentError(
        absl::StrCat("host bits set in `", AsAbsl(text), "`; did you mean `",
                     canonical, "`?"));
  }
  Cidr cidr;
  cidr.network_ = network;
  cidr.prefix_ = prefix;
  cidr.text_ = std::move(canonical);
  return cidr;
}

bool Cidr::Contains(const IpAddress& ip) const {
  if (!ip.valid || !network_.valid || ip.v4 != network_.v4) return false;
  return Masked(ip, prefix_) == network_;
}

}  // namespace signoff::stdlib
