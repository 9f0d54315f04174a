// The cases of a golden evaluation file (tests/golden/eval/*.signoff):
//   # RUN [--explain] [--directory FILE]: {request JSON on one line}
//   # EXPECT: {decision keys that must match}
// Shared by the CLI golden test, the JIT golden test and the differential
// suite, so the format has one reader.
#ifndef SIGNOFF_TESTS_TESTING_GOLDEN_EVAL_CASES_H_
#define SIGNOFF_TESTS_TESTING_GOLDEN_EVAL_CASES_H_

#include <sstream>
#include <string>
#include <vector>

namespace signoff::testing {

struct GoldenEvalCase {
  int line = 0;                   // of the `# RUN` line
  std::vector<std::string> args;  // extra `signoff eval` arguments
  bool explain = false;           // `--explain` among args
  std::string directory;          // `--directory FILE` among args, or ""
  std::string request;
  std::string expect;  // "" when no `# EXPECT` followed
};

inline std::vector<GoldenEvalCase> ParseGoldenEvalCases(
    const std::string& text) {
  std::vector<GoldenEvalCase> cases;
  std::istringstream in(text);
  int number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    if (line.rfind("# RUN", 0) == 0) {
      size_t colon = line.find(':');
      GoldenEvalCase c;
      c.line = number;
      std::istringstream words(line.substr(5, colon - 5));
      for (std::string word; words >> word;) c.args.push_back(word);
      for (size_t i = 0; i < c.args.size(); ++i) {
        if (c.args[i] == "--explain") c.explain = true;
        if (c.args[i] == "--directory" && i + 1 < c.args.size()) {
          c.directory = c.args[i + 1];
        }
      }
      c.request = line.substr(colon + 1);
      cases.push_back(c);
    } else if (line.rfind("# EXPECT:", 0) == 0 && !cases.empty()) {
      cases.back().expect = line.substr(9);
    }
  }
  return cases;
}

}  // namespace signoff::testing

#endif  // SIGNOFF_TESTS_TESTING_GOLDEN_EVAL_CASES_H_
