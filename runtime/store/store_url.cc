#include "runtime/store/store_url.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "runtime/store/sqlite_store.h"
#include "stdlib/absl_compat.h"

namespace signoff::store {

absl::StatusOr<StoreUrl> ParseStoreUrl(std::string_view url) {
  constexpr std::string_view kSqlite = "sqlite:";
  if (url.rfind("postgres://", 0) == 0 || url.rfind("postgresql://", 0) == 0) {
    return absl::UnimplementedError(
        "the PostgreSQL store is not available yet; use sqlite:PATH");
  }
  if (url.rfind(kSqlite, 0) != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("store `", AsAbsl(url),
                     "` is not supported: write sqlite:PATH, e.g. "
                     "sqlite:./signoff.db"));
  }
  std::string_view path = url.substr(kSqlite.size());
  if (path.rfind("//", 0) == 0) path.remove_prefix(2);  // sqlite:///abs
  if (path.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("store `", AsAbsl(url), "` has no file path"));
  }
  return StoreUrl{"sqlite", std::string(path)};
}

absl::StatusOr<std::unique_ptr<Store>> OpenStore(std::string_view url) {
  absl::StatusOr<StoreUrl> parsed = ParseStoreUrl(url);
  if (!parsed.ok()) return parsed.status();
  absl::StatusOr<std::unique_ptr<SqliteStore>> store =
      SqliteStore::Open(parsed->path);
  if (!store.ok()) return store.status();
  return std::unique_ptr<Store>(*std::move(store));
}

}  // namespace signoff::store
