// The policy digest: SHA-256 over the source files of a policy set.
#include <openssl/evp.h>

#include <string>
#include <vector>

#include "compiler/ir/lower_internal.h"

namespace signoff::ir::internal {

std::string PolicyDigest(const SourceManager& sources,
                         const std::vector<ast::File>& files) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  const char zero = '\0';
  for (const ast::File& file : files) {
    if (file.is_test_file || file.file == kNoFile) continue;
    const SourceFile& source = sources.file(file.file);
    EVP_DigestUpdate(ctx, source.path().data(), source.path().size());
    EVP_DigestUpdate(ctx, &zero, 1);
    EVP_DigestUpdate(ctx, source.text().data(), source.text().size());
    EVP_DigestUpdate(ctx, &zero, 1);
  }
  unsigned char hash[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(ctx, hash, &length);
  EVP_MD_CTX_free(ctx);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "sha256:";
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(kHex[hash[i] >> 4]);
    out.push_back(kHex[hash[i] & 0xf]);
  }
  return out;
}

}  // namespace signoff::ir::internal
