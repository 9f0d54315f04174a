#include "runtime/crypto/canonical_json.h"

namespace signoff::crypto {

std::string CanonicalJson(const nlohmann::json& value) {
  return value.dump(-1, ' ', /*ensure_ascii=*/false,
                    nlohmann::json::error_handler_t::replace);
}

}  // namespace signoff::crypto
