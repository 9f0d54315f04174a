// signoff_bench_dump N DIR: writes the N-rule benchmark workload as
// DIR/bench.signoff and its requests as DIR/requests.jsonl, to profile
// compiling and deciding it with the `signoff` CLI.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "bench/workload.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: signoff_bench_dump RULES DIR\n");
    return 2;
  }
  const int rules = std::atoi(argv[1]);
  const std::string dir = argv[2];
  signoff::bench::Workload workload = signoff::bench::Generate(rules);
  std::ofstream policy(dir + "/bench.signoff");
  policy << signoff::bench::ToSignoff(workload);
  std::ofstream requests(dir + "/requests.jsonl");
  for (const signoff::bench::RequestDef& r : workload.requests) {
    requests << signoff::bench::RequestJson(workload, r) << "\n";
  }
  if (!policy || !requests) {
    std::fprintf(stderr, "signoff_bench_dump: cannot write to %s\n",
                 dir.c_str());
    return 1;
  }
  return 0;
}
