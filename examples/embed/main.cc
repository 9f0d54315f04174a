// Embeds Signoff in a C++ program: loads a policy set, decides a sample
// request written as JSON and the same request written with the typed
// builder, and prints the decisions.
//
//   embed_example [POLICY_PATH [REQUEST_JSON_FILE]]
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/time/time.h"
#include "compiler/eval/decision.h"
#include "runtime/engine/engine.h"
#include "runtime/engine/request_builder.h"

#ifndef SIGNOFF_EXAMPLES_DIR
#define SIGNOFF_EXAMPLES_DIR "examples"
#endif

int main(int argc, char** argv) {
  std::string policy =
      argc > 1 ? argv[1] : SIGNOFF_EXAMPLES_DIR "/data-exports";
  std::string request_path =
      argc > 2 ? argv[2]
               : SIGNOFF_EXAMPLES_DIR
          "/data-exports/requests/confidential-export.json";

  // The JIT by default; the interpreter when this build has no JIT.
  std::unique_ptr<signoff::Engine> engine = signoff::Engine::Create();
  if (absl::Status loaded = engine->LoadFiles({policy}); !loaded.ok()) {
    std::cerr << "cannot load " << policy << ":\n" << loaded.message() << "\n";
    return 1;
  }
  std::cout << "backend: " << signoff::BackendName(engine->backend());
  if (!engine->fallback_reason().empty()) {
    std::cout << " (" << engine->fallback_reason() << ")";
  }
  std::cout << "\n";

  // A request as JSON text (LANGUAGE.md §6).
  std::ifstream in(request_path, std::ios::binary);
  if (!in) {
    std::cerr << "cannot read " << request_path << "\n";
    return 1;
  }
  std::stringstream text;
  text << in.rdbuf();
  absl::StatusOr<signoff::eval::Decision> from_json =
      engine->Decide(text.str());
  if (!from_json.ok()) {
    std::cerr << "cannot decide: " << from_json.status().message() << "\n";
    return 1;
  }
  std::string json = signoff::eval::DecisionToJson(*from_json,
                                                   /*with_explain=*/false,
                                                   /*pretty=*/true);
  std::cout << json << "\n";

  // The same request with the typed builder: the same decision.
  absl::StatusOr<signoff::eval::Decision> from_builder = engine->Decide(
      signoff::RequestBuilder()
          .Action("data.export")
          .Param("dataset", "customers")
          .Param("rows", 50000)
          .Param("destination", "s3://warehouse/q4")
          .Param("classification", "confidential")
          .Requester("agent:etl")
          .RequesterKind("agent")
          .RequesterTeam("data")
          .OnBehalfOf("alex")
          .Time(absl::FromUnixSeconds(1795168800))  // 2026-11-20T10:00:00Z
          .Ip("10.1.2.3")
          .Justification("Q4 report"));
  if (!from_builder.ok()) {
    std::cerr << "cannot decide: " << from_builder.status().message() << "\n";
    return 1;
  }
  std::cout << "builder: "
            << signoff::eval::DecisionKindName(from_builder->kind)
            << (signoff::eval::DecisionToJson(*from_builder, false, true) ==
                        json
                    ? " (same decision)"
                    : " (DIFFERENT decision)")
            << "\n";
  return 0;
}
