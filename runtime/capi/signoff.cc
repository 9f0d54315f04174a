// The C API over signoff::Engine. Every entry point catches everything: no
// C++ exception crosses into C.
#include "runtime/capi/signoff.h"

#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "compiler/eval/decision.h"
#include "runtime/engine/engine.h"
#include "runtime/grants/grants.h"
#include "runtime/grants/jwks.h"
#include "stdlib/absl_compat.h"

struct signoff_engine {
  std::unique_ptr<signoff::Engine> engine;
};

namespace {

thread_local std::string last_error;

void SetError(std::string message) { last_error = std::move(message); }

int Fail(const absl::Status& status) {
  SetError(std::string(signoff::AsStd(status.message())));
  return -1;
}

// Runs `body`, turning exceptions into a failure with a message.
template <typename T, typename Body>
T Guarded(T failure, Body body) {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    SetError("out of memory");
  } catch (const std::exception& e) {
    SetError(std::string("internal error: ") + e.what());
  } catch (...) {
    SetError("internal error");
  }
  return failure;
}

signoff_engine* NewEngine(signoff::Backend backend) {
  return Guarded<signoff_engine*>(nullptr, [&]() -> signoff_engine* {
    signoff::EngineOptions options;
    options.backend = backend;
    auto* e = new signoff_engine;
    e->engine = signoff::Engine::Create(std::move(options));
    return e;
  });
}

char* CopyOut(const std::string& s) {
  char* out = static_cast<char*>(std::malloc(s.size() + 1));
  if (out == nullptr) {
    SetError("out of memory");
    return nullptr;
  }
  std::memcpy(out, s.data(), s.size());
  out[s.size()] = '\0';
  return out;
}

char* Decide(const signoff_engine* engine, const char* json, size_t len,
             bool explain) {
  return Guarded<char*>(nullptr, [&]() -> char* {
    if (engine == nullptr) {
      SetError("signoff_decide_json: engine is NULL");
      return nullptr;
    }
    if (json == nullptr && len != 0) {
      SetError("signoff_decide_json: json is NULL");
      return nullptr;
    }
    std::string_view text(json == nullptr ? "" : json, len);
    absl::StatusOr<signoff::eval::Decision> decision =
        engine->engine->Decide(text, explain);
    if (!decision.ok()) {
      Fail(decision.status());
      return nullptr;
    }
    return CopyOut(signoff::eval::DecisionToJson(*decision, explain,
                                                 /*pretty=*/false));
  });
}

}  // namespace

extern "C" {

signoff_engine* signoff_engine_new(void) {
  return NewEngine(signoff::Backend::kJit);
}

signoff_engine* signoff_engine_new_with_backend(int use_interpreter) {
  return NewEngine(use_interpreter != 0 ? signoff::Backend::kInterpreter
                                        : signoff::Backend::kJit);
}

void signoff_engine_free(signoff_engine* engine) {
  Guarded<int>(0, [&] {
    delete engine;
    return 0;
  });
}

int signoff_engine_load_files(signoff_engine* engine, const char* const* paths,
                              size_t n) {
  return Guarded<int>(-1, [&] {
    if (engine == nullptr || (paths == nullptr && n != 0)) {
      SetError("signoff_engine_load_files: engine or paths is NULL");
      return -1;
    }
    std::vector<std::string> list;
    for (size_t i = 0; i < n; ++i) {
      if (paths[i] == nullptr) {
        SetError("signoff_engine_load_files: a path is NULL");
        return -1;
      }
      list.emplace_back(paths[i]);
    }
    absl::Status status = engine->engine->LoadFiles(list);
    return status.ok() ? 0 : Fail(status);
  });
}

int signoff_engine_load_sources(signoff_engine* engine,
                                const char* const* paths,
                                const char* const* texts, size_t n) {
  return Guarded<int>(-1, [&] {
    if (engine == nullptr || ((paths == nullptr || texts == nullptr) && n)) {
      SetError("signoff_engine_load_sources: an argument is NULL");
      return -1;
    }
    std::vector<std::pair<std::string, std::string>> sources;
    for (size_t i = 0; i < n; ++i) {
      if (paths[i] == nullptr || texts[i] == nullptr) {
        SetError("signoff_engine_load_sources: a path or text is NULL");
        return -1;
      }
      sources.emplace_back(paths[i], texts[i]);
    }
    absl::Status status = engine->engine->LoadSources(std::move(sources));
    return status.ok() ? 0 : Fail(status);
  });
}

int signoff_engine_load_source(signoff_engine* engine, const char* path,
                               const char* text) {
  return signoff_engine_load_sources(engine, &path, &text, 1);
}

char* signoff_decide_json(const signoff_engine* engine, const char* json,
                          size_t len) {
  return Decide(engine, json, len, /*explain=*/false);
}

char* signoff_decide_json_explain(const signoff_engine* engine,
                                  const char* json, size_t len) {
  return Decide(engine, json, len, /*explain=*/true);
}

void signoff_string_free(char* s) { std::free(s); }

const char* signoff_engine_backend(const signoff_engine* engine) {
  if (engine == nullptr) return "interp";
  return engine->engine->backend() == signoff::Backend::kJit ? "jit" : "interp";
}

const char* signoff_last_error(void) { return last_error.c_str(); }

int signoff_grant_verify(const char* token, const char* keys_json,
                         const char* request_json, long long now_unix,
                         char** reason_out) {
  if (reason_out != nullptr) *reason_out = nullptr;
  return Guarded<int>(-1, [&] {
    if (token == nullptr || keys_json == nullptr || request_json == nullptr) {
      SetError(
          "signoff_grant_verify: token, keys_json or request_json is NULL");
      return -1;
    }
    absl::StatusOr<signoff::grants::PublicKeySet> keys =
        signoff::grants::PublicKeySet::FromJwks(keys_json);
    if (!keys.ok()) return Fail(keys.status());
    absl::StatusOr<signoff::grants::GrantClaims> claims =
        signoff::grants::VerifyGrantForRequest(token, *keys, request_json,
                                               now_unix);
    if (claims.ok()) return 1;
    if (!signoff::grants::GrantErrorOf(claims.status()).has_value()) {
      return Fail(claims.status());  // the request, not the grant
    }
    if (reason_out != nullptr) {
      char* reason =
          CopyOut(std::string(signoff::AsStd(claims.status().message())));
      if (reason == nullptr) return -1;  // out of memory, error set
      *reason_out = reason;
    }
    return 0;
  });
}

}  // extern "C"
