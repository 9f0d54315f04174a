/* Decides a request with the Signoff C API.
 *
 *   embed_c_example [POLICY_PATH [REQUEST_JSON_FILE]]
 *
 * Prints the back end, the decision as one line of JSON, and what a request
 * that is not JSON gets. Exits 1 when the policy does not load or the
 * request cannot be read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "signoff.h"

#ifndef SIGNOFF_EXAMPLES_DIR
#define SIGNOFF_EXAMPLES_DIR "examples"
#endif

/* Reads a whole file into a malloc'd buffer; NULL on failure. */
static char* read_file(const char* path, size_t* len) {
  FILE* f = fopen(path, "rb");
  char* text = NULL;
  size_t size = 0, cap = 0, n;
  char chunk[4096];
  if (f == NULL) return NULL;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
    if (size + n > cap) {
      char* grown;
      cap = (size + n) * 2;
      grown = realloc(text, cap);
      if (grown == NULL) {
        free(text);
        fclose(f);
        return NULL;
      }
      text = grown;
    }
    memcpy(text + size, chunk, n);
    size += n;
  }
  fclose(f);
  *len = size;
  return text != NULL ? text : calloc(1, 1);
}

int main(int argc, char** argv) {
  const char* policy =
      argc > 1 ? argv[1] : SIGNOFF_EXAMPLES_DIR "/data-exports";
  const char* request_path =
      argc > 2 ? argv[2]
               : SIGNOFF_EXAMPLES_DIR
          "/data-exports/requests/confidential-export.json";
  const char* bad_request = "{not json";
  signoff_engine* engine;
  char* request;
  char* decision;
  size_t len = 0;

  engine = signoff_engine_new();
  if (engine == NULL) {
    fprintf(stderr, "cannot create an engine: %s\n", signoff_last_error());
    return 1;
  }
  if (signoff_engine_load_files(engine, &policy, 1) != 0) {
    fprintf(stderr, "cannot load %s:\n%s\n", policy, signoff_last_error());
    signoff_engine_free(engine);
    return 1;
  }
  printf("backend: %s\n", signoff_engine_backend(engine));

  request = read_file(request_path, &len);
  if (request == NULL) {
    fprintf(stderr, "cannot read %s\n", request_path);
    signoff_engine_free(engine);
    return 1;
  }
  decision = signoff_decide_json(engine, request, len);
  free(request);
  if (decision == NULL) {
    fprintf(stderr, "cannot decide: %s\n", signoff_last_error());
    signoff_engine_free(engine);
    return 1;
  }
  printf("%s\n", decision);
  signoff_string_free(decision);

  /* Text that is not JSON is a failure (a request that breaks its action's
   * schema would be a `deny` decision instead). */
  decision = signoff_decide_json(engine, bad_request, strlen(bad_request));
  if (decision == NULL) {
    printf("not JSON: %s\n", signoff_last_error());
  } else {
    signoff_string_free(decision);
  }

  signoff_engine_free(engine);
  return 0;
}
