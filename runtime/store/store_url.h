// The `store:` setting of signoff.yaml (RUNTIME.md §6): `sqlite:PATH`.
//
//   sqlite:./signoff.db      relative to the working directory
//   sqlite:/var/lib/signoff.db
//   sqlite:///var/lib/signoff.db   (the same, URL style)
//
// `postgres://...` / `postgresql://...` are recognised and refused as not
// available yet. Thread safety: pure functions.
#ifndef SIGNOFF_RUNTIME_STORE_STORE_URL_H_
#define SIGNOFF_RUNTIME_STORE_STORE_URL_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "runtime/store/store.h"

namespace signoff::store {

struct StoreUrl {
  std::string scheme;  // "sqlite"
  std::string path;
};

// InvalidArgument for an unknown scheme or an empty path; Unimplemented
// for PostgreSQL.
absl::StatusOr<StoreUrl> ParseStoreUrl(std::string_view url);

// Parses `url` and opens that store.
absl::StatusOr<std::unique_ptr<Store>> OpenStore(std::string_view url);

}  // namespace signoff::store

#endif  // SIGNOFF_RUNTIME_STORE_STORE_URL_H_
