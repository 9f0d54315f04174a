// Fuzzes the whole front end: parse, check and lower one policy file.
// Any input must give diagnostics or a policy: never a crash, a hang, a
// sanitizer report or an uncaught exception.
#include <cstddef>
#include <cstdint>
#include <string>

#include "compiler/driver/driver.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto compilation =
      signoff::driver::CompileSources({{"fuzz.signoff", std::move(text)}}, {});
  if (!compilation.ok()) __builtin_trap();  // machine failures must not happen
  return 0;
}
