// A directory under /tmp made for one test and removed with everything in
// it when the object goes.
#ifndef SIGNOFF_TESTS_TESTING_TEMP_DIR_H_
#define SIGNOFF_TESTS_TESTING_TEMP_DIR_H_

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

namespace signoff::testing {

class TempDir {
 public:
  // /tmp/<prefix>-XXXXXX; path() is "" when it could not be made.
  explicit TempDir(std::string_view prefix = "signoff-test") {
    std::string pattern = "/tmp/" + std::string(prefix) + "-XXXXXX";
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace signoff::testing

#endif  // SIGNOFF_TESTS_TESTING_TEMP_DIR_H_
