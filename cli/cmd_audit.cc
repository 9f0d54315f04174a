// `signoff audit verify (--config FILE | --db PATH | --file EXPORT.jsonl)
//                       [--keys DIR | --jwks FILE]`
// `signoff audit export (--config FILE | --db PATH) [--after SEQ]
//                       [-o FILE | --output FILE]`
//
// verify checks the hash chain and, given the runtime's public key (its
// keys directory, or the JWKS of `signoff keys` / `GET /v1/keys`), the
// signed checkpoints; without a key the checkpoints are skipped (said on
// stderr). Prints "audit log OK: N entries" (exit 0) or "audit log FAILED
// at entry SEQ: PROBLEM" (exit 1). export writes JSON Lines (entries, each
// followed by the checkpoints of its seq), as audit/jsonl.h describes.
#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "cli/cli.h"
#include "nlohmann/json.hpp"
#include "runtime/audit/jsonl.h"
#include "runtime/audit/verifier.h"
#include "runtime/config/config.h"
#include "runtime/crypto/ed25519.h"
#include "runtime/grants/jwks.h"
#include "runtime/store/sqlite_store.h"
#include "runtime/store/store_url.h"
#include "stdlib/absl_compat.h"

namespace signoff::cli {
namespace {

constexpr int64_t kPage = 1000;

bool Exists(const std::string& path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0;
}

struct Source {
  std::unique_ptr<store::Store> store;  // --config or --db
  std::string file;                     // --file
  std::string keys_dir;                 // from --config unless --keys
};

// Opens what --config/--db/--file name; prints the error and returns the
// exit code otherwise.
int OpenSource(const Args& args, bool allow_file, Source& source) {
  int given =
      args.Has("config") + args.Has("db") + (allow_file && args.Has("file"));
  if (given != 1 || !args.positional().empty()) {
    PrintError(allow_file
                   ? "usage: signoff audit verify (--config FILE | --db PATH "
                     "| --file EXPORT.jsonl) [--keys DIR | --jwks FILE]"
                   : "usage: signoff audit export (--config FILE | --db "
                     "PATH) [--after SEQ] [-o FILE]");
    return kExitUsage;
  }
  if (std::optional<std::string> file = args.Get("file")) {
    source.file = *file;
    return kExitOk;
  }
  std::string url;
  if (std::optional<std::string> path = args.Get("config")) {
    absl::StatusOr<config::Config> config = config::LoadConfigFile(*path);
    if (!config.ok()) {
      PrintError(AsStd(config.status().message()));
      return kExitUsage;
    }
    url = config->store;
    source.keys_dir = config->keys;
  } else {
    url = absl::StrCat("sqlite:", *args.Get("db"));
  }
  absl::StatusOr<store::StoreUrl> parsed = store::ParseStoreUrl(url);
  if (parsed.ok() && !Exists(parsed->path)) {
    PrintError(absl::StrCat("cannot read `", parsed->path, "`"));
    return kExitUsage;
  }
  absl::StatusOr<std::unique_ptr<store::Store>> opened = store::OpenStore(url);
  if (!opened.ok()) {
    PrintError(AsStd(opened.status().message()));
    return kExitUsage;
  }
  source.store = *std::move(opened);
  return kExitOk;
}

// The checkpoint key lookup from --jwks, --keys or the configuration's keys
// directory; nullopt (and a note) when there is none.
int KeyLookup(const Args& args, const Source& source,
              std::optional<audit::PublicKeyLookup>& lookup) {
  if (args.Has("jwks") && args.Has("keys")) {
    PrintError("give `--keys DIR` or `--jwks FILE`, not both");
    return kExitUsage;
  }
  if (std::optional<std::string> jwks_path = args.Get("jwks")) {
    absl::StatusOr<std::string> text = ReadInput(*jwks_path);
    if (!text.ok()) {
      PrintError(AsStd(text.status().message()));
      return kExitUsage;
    }
    absl::StatusOr<grants::PublicKeySet> keys =
        grants::PublicKeySet::FromJwks(*text);
    if (!keys.ok()) {
      PrintError(absl::StrCat(*jwks_path, ": ", keys.status().message()));
      return kExitUsage;
    }
    lookup = [keys = *std::move(keys)](
                 std::string_view kid) -> std::optional<std::string> {
      const std::string* key = keys.Find(kid);
      if (key == nullptr) return std::nullopt;
      return *key;
    };
    return kExitOk;
  }
  std::string dir = args.Get("keys").value_or(source.keys_dir);
  if (!dir.empty() && Exists(dir + "/signing.key")) {
    absl::StatusOr<std::unique_ptr<crypto::SigningKey>> key =
        crypto::SigningKey::LoadOrCreate(dir);
    if (!key.ok()) {
      PrintError(AsStd(key.status().message()));
      return kExitUsage;
    }
    lookup = audit::SingleKeyLookup((*key)->public_key());
    return kExitOk;
  }
  if (args.Has("keys")) {
    PrintError(absl::StrCat("no signing key in `", dir, "`"));
    return kExitUsage;
  }
  std::fprintf(stderr,
               "signoff: note: no key given (--keys DIR or --jwks FILE): "
               "checking the hash chain only, not the signed checkpoints\n");
  return kExitOk;
}

// An export without its checkpoint lines (verified without a key).
std::string WithoutCheckpoints(std::string_view text) {
  std::string out;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    nlohmann::json value = nlohmann::json::parse(line, nullptr, false);
    if (value.is_object() && value.size() == 1 &&
        value.contains("checkpoint")) {
      out += "\n";  // keeps line numbers in messages
      continue;
    }
    out.append(line.data(), line.size());
    out += "\n";
  }
  return out;
}

audit::PublicKeyLookup NoKeys() {
  return [](std::string_view) -> std::optional<std::string> {
    return std::nullopt;
  };
}

absl::StatusOr<audit::VerifyResult> VerifyStore(
    const store::Store& store,
    const std::optional<audit::PublicKeyLookup>& keys) {
  if (keys) return store.VerifyAudit(*keys);
  audit::AuditVerifier verifier(NoKeys());
  absl::Status status = store.Read([&](store::ReadTx& tx) -> absl::Status {
    for (int64_t after = 0;;) {
      absl::StatusOr<std::vector<audit::AuditEntry>> page =
          tx.ListAudit(after, kPage);
      if (!page.ok()) return page.status();
      for (const audit::AuditEntry& entry : *page) verifier.Feed(entry);
      if (static_cast<int64_t>(page->size()) < kPage) return absl::OkStatus();
      after = page->back().seq;
    }
  });
  if (!status.ok()) return status;
  return verifier.Finish();
}

int Verify(const std::vector<std::string>& argv) {
  absl::StatusOr<Args> args =
      Args::Parse(argv, {.options = {"config", "db", "file", "keys", "jwks"}});
  if (!args.ok()) {
    PrintError(AsStd(args.status().message()));
    return kExitUsage;
  }
  Source source;
  if (int code = OpenSource(*args, /*allow_file=*/true, source); code != 0) {
    return code;
  }
  std::optional<audit::PublicKeyLookup> keys;
  if (int code = KeyLookup(*args, source, keys); code != 0) return code;

  audit::VerifyResult result;
  if (!source.file.empty()) {
    absl::StatusOr<std::string> text = ReadInput(source.file);
    if (!text.ok()) {
      PrintError(AsStd(text.status().message()));
      return kExitUsage;
    }
    result = keys ? audit::VerifyJsonLines(*text, *keys)
                  : audit::VerifyJsonLines(WithoutCheckpoints(*text), NoKeys());
  } else {
    absl::StatusOr<audit::VerifyResult> verified =
        VerifyStore(*source.store, keys);
    if (!verified.ok()) {
      PrintError(AsStd(verified.status().message()));
      return kExitUsage;
    }
    result = *verified;
  }
  if (result.ok) {
    std::printf("audit log OK: %lld entries\n",
                static_cast<long long>(result.entries));
    return kExitOk;
  }
  std::printf("audit log FAILED at entry %lld: %s\n",
              static_cast<long long>(result.first_bad), result.problem.c_str());
  return kExitFailure;
}

int Export(const std::vector<std::string>& argv) {
  std::vector<std::string> rewritten;
  for (const std::string& arg : argv) {
    rewritten.push_back(arg == "-o" ? "--output" : arg);
  }
  absl::StatusOr<Args> args =
      Args::Parse(rewritten, {.options = {"config", "db", "after", "output"}});
  if (!args.ok()) {
    PrintError(AsStd(args.status().message()));
    return kExitUsage;
  }
  int64_t after = 0;
  if (std::optional<std::string> text = args->Get("after");
      text && (!absl::SimpleAtoi(*text, &after) || after < 0)) {
    PrintError("`--after` must be an integer >= 0");
    return kExitUsage;
  }
  Source source;
  if (int code = OpenSource(*args, /*allow_file=*/false, source); code != 0) {
    return code;
  }
  std::ostringstream out;
  int64_t count = 0;
  absl::Status status = source.store->Read([&](store::ReadTx& tx) {
    absl::StatusOr<std::vector<audit::Checkpoint>> checkpoints =
        tx.ListCheckpoints();
    if (!checkpoints.ok()) return checkpoints.status();
    for (int64_t from = after;;) {
      absl::StatusOr<std::vector<audit::AuditEntry>> page =
          tx.ListAudit(from, kPage);
      if (!page.ok()) return page.status();
      for (const audit::AuditEntry& entry : *page) {
        out << audit::EntryLine(entry);
        ++count;
        for (const audit::Checkpoint& c : *checkpoints) {
          if (c.seq == entry.seq) out << audit::CheckpointLine(c);
        }
      }
      if (static_cast<int64_t>(page->size()) < kPage) return absl::OkStatus();
      from = page->back().seq;
    }
  });
  if (!status.ok()) {
    PrintError(AsStd(status.message()));
    return kExitUsage;
  }
  std::string text = out.str();
  if (std::optional<std::string> path = args->Get("output");
      path && *path != "-") {
    std::ofstream file(*path, std::ios::binary | std::ios::trunc);
    file << text;
    if (!file) {
      PrintError(absl::StrCat("cannot write `", *path, "`"));
      return kExitUsage;
    }
    std::fprintf(stderr, "signoff: exported %lld entries to %s\n",
                 static_cast<long long>(count), path->c_str());
    return kExitOk;
  }
  std::fwrite(text.data(), 1, text.size(), stdout);
  return kExitOk;
}

}  // namespace

int RunAudit(const std::vector<std::string>& argv) {
  if (argv.empty() || (argv[0] != "verify" && argv[0] != "export")) {
    PrintError("usage: signoff audit verify|export ...; see signoff --help");
    return kExitUsage;
  }
  std::vector<std::string> rest(argv.begin() + 1, argv.end());
  return argv[0] == "verify" ? Verify(rest) : Export(rest);
}

}  // namespace signoff::cli
