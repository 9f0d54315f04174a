/* The C API of Signoff: load a policy set, decide requests as JSON, verify
 * grant tokens.
 *
 *   signoff_engine* e = signoff_engine_new();
 *   const char* paths[] = {"policies/"};
 *   if (signoff_engine_load_files(e, paths, 1) != 0)
 *     fprintf(stderr, "%s\n", signoff_last_error());
 *   char* decision = signoff_decide_json(e, json, strlen(json));
 *   if (decision == NULL) fprintf(stderr, "%s\n", signoff_last_error());
 *   ...
 *   signoff_string_free(decision);
 *   signoff_engine_free(e);
 *
 * C99. A thin layer over signoff::Engine (runtime/engine/engine.h); see
 * docs/api.md. Functions returning int return 0 on success and -1 on
 * failure (signoff_grant_verify: 1 valid, 0 invalid, -1 failure);
 * functions returning a pointer return NULL on failure. After a
 * failure, signoff_last_error() says what went wrong. No C++ exception
 * crosses this API.
 *
 * Requests and decisions are the JSON of LANGUAGE.md §6 and §7. A request
 * that breaks its action's schema is not a failure: it is decided `deny`
 * with the problems in `errors`. Only text that is not JSON, or an engine
 * with no policy loaded, makes signoff_decide_json fail.
 *
 * Thread safety: an engine may be used from any number of threads at once
 * (decide concurrently with decide and with load; a load compiles the new
 * set completely and swaps it in atomically, and a failed load keeps the
 * old set). signoff_engine_free must not race with any other use of that
 * engine. signoff_last_error is per thread.
 */
#ifndef SIGNOFF_RUNTIME_CAPI_SIGNOFF_H_
#define SIGNOFF_RUNTIME_CAPI_SIGNOFF_H_

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* An engine: one policy set at a time, compiled for a back end. */
typedef struct signoff_engine signoff_engine;

/* A new engine with no policy loaded, using the JIT (or, when this build or
 * machine has none, the interpreter). NULL only when out of memory. */
signoff_engine* signoff_engine_new(void);

/* The same, choosing the back end: the reference interpreter when
 * `use_interpreter` is non-zero, else the JIT as signoff_engine_new. */
signoff_engine* signoff_engine_new_with_backend(int use_interpreter);

/* Frees an engine (NULL is ignored). Decisions returned earlier stay
 * valid: they are separate strings. */
void signoff_engine_free(signoff_engine* engine);

/* Compiles the `.signoff` files under `paths` (n of them; directories
 * recursively, `*_test.signoff` excluded) and serves that set. Calling it
 * again reloads. On failure (errors in the policy, an unreadable path) the
 * message is the rendered diagnostics and the old set keeps serving. */
int signoff_engine_load_files(signoff_engine* engine, const char* const* paths,
                              size_t n);

/* Loads a policy set of one in-memory file: `path` names it in diagnostics,
 * `text` is its NUL-terminated source. */
int signoff_engine_load_source(signoff_engine* engine, const char* path,
                               const char* text);

/* Loads a policy set of n in-memory files. */
int signoff_engine_load_sources(signoff_engine* engine,
                                const char* const* paths,
                                const char* const* texts, size_t n);

/* Decides a request given as `len` bytes of JSON (no NUL needed). Returns
 * the decision as one line of JSON, allocated with malloc; free it with
 * signoff_string_free. NULL on failure. */
char* signoff_decide_json(const signoff_engine* engine, const char* json,
                          size_t len);

/* The same with the decision's `explain` array (LANGUAGE.md §7). */
char* signoff_decide_json_explain(const signoff_engine* engine,
                                  const char* json, size_t len);

/* Frees a string returned by this API (NULL is ignored). */
void signoff_string_free(char* s);

/* "jit" or "interp": the back end deciding with the engine's current set
 * (before any load, the one it will try first). Static storage. */
const char* signoff_engine_backend(const signoff_engine* engine);

/* The message of the last failure on this thread ("" if none). Valid until
 * the next failing call on this thread. */
const char* signoff_last_error(void);

/* Verifies a grant token offline (RUNTIME.md §3, docs/api.md "Grants"), as
 * an executor does before it acts: the token must be an intact `sg1` token
 * signed by a key of `keys_json` (the JWKS of `GET /v1/keys`), not expired
 * at `now_unix` (unix seconds; expired when now >= expires), and minted for
 * the action, params and requester.id of `request_json` (a LANGUAGE.md §6
 * request). All three strings are NUL-terminated. Does not consume the
 * grant: only the runtime knows whether it was used.
 *
 * Returns 1 when valid; 0 when not, with the reason ("bad signature",
 * "grant expired at 2026-11-21T14:05:00Z", "grant is for other params", ...)
 * in *reason_out, allocated with malloc (free it with signoff_string_free);
 * -1 on bad arguments: a NULL pointer, keys_json that is not a valid JWKS,
 * or request_json that is not a request; then signoff_last_error() says
 * why. *reason_out is NULL unless 0 is returned; reason_out may be NULL
 * when the reason is not wanted. Thread-safe; keeps nothing between
 * calls. */
int signoff_grant_verify(const char* token, const char* keys_json,
                         const char* request_json, long long now_unix,
                         char** reason_out);

#ifdef __cplusplus
}  // extern "C"
#endif

#endif /* SIGNOFF_RUNTIME_CAPI_SIGNOFF_H_ */
