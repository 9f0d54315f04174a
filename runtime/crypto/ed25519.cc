#include "runtime/crypto/ed25519.h"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "runtime/crypto/encoding.h"

namespace signoff::crypto {

struct SigningKey::Handle {
  explicit Handle(EVP_PKEY* k) : key(k) {}
  ~Handle() { EVP_PKEY_free(key); }
  EVP_PKEY* key;
};

namespace {

constexpr char kKeyFile[] = "signing.key";

absl::Status Errno(const char* what, const std::string& path) {
  return absl::InternalError(
      absl::StrCat(what, " ", path, ": ", std::strerror(errno)));
}

}  // namespace

SigningKey::SigningKey(std::unique_ptr<Handle> handle)
    : handle_(std::move(handle)) {
  unsigned char raw[kEd25519PublicKeySize];
  size_t size = sizeof(raw);
  if (EVP_PKEY_get_raw_public_key(handle_->key, raw, &size) == 1) {
    public_key_.assign(reinterpret_cast<const char*>(raw), size);
  }
  key_id_ = KeyIdOf(public_key_);
}

SigningKey::~SigningKey() = default;

absl::StatusOr<std::unique_ptr<SigningKey>> SigningKey::Generate() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  if (key == nullptr)
    return absl::InternalError("Ed25519 key generation failed");
  return std::unique_ptr<SigningKey>(
      new SigningKey(std::make_unique<Handle>(key)));
}

absl::StatusOr<std::unique_ptr<SigningKey>> SigningKey::FromSeed(
    std::string_view seed) {
  if (seed.size() != 32) {
    return absl::InvalidArgumentError("an Ed25519 seed is 32 bytes");
  }
  EVP_PKEY* key = EVP_PKEY_new_raw_private_key(
      EVP_PKEY_ED25519, nullptr,
      reinterpret_cast<const unsigned char*>(seed.data()), seed.size());
  if (key == nullptr) return absl::InternalError("cannot make Ed25519 key");
  return std::unique_ptr<SigningKey>(
      new SigningKey(std::make_unique<Handle>(key)));
}

absl::StatusOr<std::unique_ptr<SigningKey>> SigningKey::FromPem(
    std::string_view pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) return absl::InternalError("out of memory");
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (key == nullptr) {
    return absl::InvalidArgumentError("not a PEM private key");
  }
  if (EVP_PKEY_get_id(key) != EVP_PKEY_ED25519) {
    EVP_PKEY_free(key);
    return absl::InvalidArgumentError("not an Ed25519 private key");
  }
  return std::unique_ptr<SigningKey>(
      new SigningKey(std::make_unique<Handle>(key)));
}

absl::StatusOr<std::unique_ptr<SigningKey>> SigningKey::LoadOrCreate(
    const std::string& directory) {
  const std::string path = absl::StrCat(directory, "/", kKeyFile);
  struct stat info;
  if (stat(path.c_str(), &info) == 0) {
    if ((info.st_mode & 077) != 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          "signing key ", path, " is accessible by other users (mode ",
          absl::Hex(info.st_mode & 0777), "); chmod 600 it"));
    }
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) return Errno("cannot read", path);
    absl::StatusOr<std::unique_ptr<SigningKey>> key = FromPem(text.str());
    if (!key.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": ", key.status().message()));
    }
    return key;
  }
  if (errno != ENOENT) return Errno("cannot stat", path);

  if (mkdir(directory.c_str(), 0700) != 0 && errno != EEXIST) {
    return Errno("cannot create key directory", directory);
  }
  absl::StatusOr<std::unique_ptr<SigningKey>> key = Generate();
  if (!key.ok()) return key.status();
  const std::string pem = (*key)->PrivatePem();
  // Write a temporary file created 0600, then rename: a crash never leaves
  // a partial key behind, and two processes racing end with one key.
  const std::string temp = absl::StrCat(path, ".tmp.", getpid());
  int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Errno("cannot create", temp);
  size_t written = 0;
  while (written < pem.size()) {
    ssize_t n = write(fd, pem.data() + written, pem.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      close(fd);
      unlink(temp.c_str());
      return Errno("cannot write", temp);
    }
    written += static_cast<size_t>(n);
  }
  if (fsync(fd) != 0 || close(fd) != 0) {
    unlink(temp.c_str());
    return Errno("cannot write", temp);
  }
  if (link(temp.c_str(), path.c_str()) != 0) {
    const int error = errno;
    unlink(temp.c_str());
    if (error == EEXIST) return LoadOrCreate(directory);  // lost the race
    errno = error;
    return Errno("cannot create", path);
  }
  unlink(temp.c_str());
  return key;
}

std::string SigningKey::Sign(std::string_view message) const {
  std::string signature(kEd25519SignatureSize, '\0');
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  size_t size = signature.size();
  bool ok =
      ctx != nullptr &&
      EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, handle_->key) == 1 &&
      EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(signature.data()),
                     &size,
                     reinterpret_cast<const unsigned char*>(message.data()),
                     message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  // Ed25519 signing of valid keys does not fail; an empty signature would
  // verify nowhere, so failure stays closed.
  if (!ok) return "";
  signature.resize(size);
  return signature;
}

std::string SigningKey::PrivatePem() const {
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr) return "";
  std::string pem;
  if (PEM_write_bio_PrivateKey(bio, handle_->key, nullptr, nullptr, 0, nullptr,
                               nullptr) == 1) {
    char* data = nullptr;
    long size = BIO_get_mem_data(bio, &data);
    if (size > 0) pem.assign(data, static_cast<size_t>(size));
  }
  BIO_free(bio);
  return pem;
}

std::string KeyIdOf(std::string_view public_key) {
  return absl::StrCat("ed25519:", HexEncode(Sha256(public_key)).substr(0, 16));
}

bool VerifyEd25519(std::string_view public_key, std::string_view message,
                   std::string_view signature) {
  if (public_key.size() != kEd25519PublicKeySize ||
      signature.size() != kEd25519SignatureSize) {
    return false;
  }
  EVP_PKEY* key = EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr,
      reinterpret_cast<const unsigned char*>(public_key.data()),
      public_key.size());
  if (key == nullptr) return false;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = ctx != nullptr &&
            EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, key) == 1 &&
            EVP_DigestVerify(
                ctx, reinterpret_cast<const unsigned char*>(signature.data()),
                signature.size(),
                reinterpret_cast<const unsigned char*>(message.data()),
                message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  return ok;
}

}  // namespace signoff::crypto
