// `signoff eval --engine jit|interp`: the flag's contract, and both engines
// printing byte-identical decisions for every golden eval case and sample
// request (single and JSON-lines mode, with and without --explain).
#include <gtest/gtest.h>

#include <sstream>

#include "tests/e2e/cli_runner.h"

namespace signoff::testing {
namespace {

constexpr char kPolicy[] = "tests/golden/eval/language_md.signoff";

TEST(EvalEngineTest, UnknownEngineIsAUsageError) {
  RunResult result = RunSignoff(
      {"eval", "--policy", kPolicy, "--input", "-", "--engine", "llvm"},
      R"({"action": "billing.read"})");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("available: jit, interp"), std::string::npos)
      << result.err;
}

TEST(EvalEngineTest, TheInterpreterSaysNothingExtra) {
  RunResult result = RunSignoff(
      {"eval", "--policy", kPolicy, "--input", "-", "--engine", "interp"},
      R"({"action": "billing.read"})");
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.err, "");
}

TEST(EvalEngineTest, TheDefaultIsTheJitOrANoteWhyNot) {
  RunResult result = RunSignoff({"eval", "--policy", kPolicy, "--input", "-"},
                                R"({"action": "billing.read"})");
  EXPECT_EQ(result.exit_code, 0);
  // Either silent (the JIT decided) or exactly one note saying why not.
  if (!result.err.empty()) {
    EXPECT_EQ(
        result.err.rfind("signoff: note: deciding with the interpreter: ", 0),
        0u)
        << result.err;
    EXPECT_EQ(result.err.find('\n'), result.err.size() - 1) << result.err;
  }
}

// The `# RUN` lines of a golden eval file, as {extra args, request}.
std::vector<std::pair<std::vector<std::string>, std::string>> Runs(
    const std::string& file) {
  std::vector<std::pair<std::vector<std::string>, std::string>> runs;
  std::istringstream in(ReadFileOrDie(SourceDir() + "/" + file));
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("# RUN", 0) != 0) continue;
    size_t colon = line.find(':');
    std::vector<std::string> args;
    std::istringstream words(line.substr(5, colon - 5));
    for (std::string w; words >> w;) args.push_back(w);
    runs.emplace_back(args, line.substr(colon + 1));
  }
  return runs;
}

RunResult Eval(const std::string& engine, const std::string& policy,
               std::vector<std::string> extra, const std::string& input) {
  std::vector<std::string> args = {"eval", "--policy", policy, "--input",
                                   "-",    "--engine", engine};
  args.insert(args.end(), extra.begin(), extra.end());
  return RunSignoff(args, input);
}

TEST(EvalEngineTest, BothEnginesPrintTheSameGoldenDecisions) {
  int compared = 0;
  for (const std::string& file : ListFiles("tests/golden/eval", ".signoff")) {
    for (const auto& [extra, request] : Runs(file)) {
      SCOPED_TRACE(file + ": " + request);
      RunResult jit = Eval("jit", file, extra, request);
      RunResult interp = Eval("interp", file, extra, request);
      EXPECT_EQ(jit.exit_code, interp.exit_code);
      EXPECT_EQ(jit.out, interp.out);
      ++compared;
    }
  }
  EXPECT_GE(compared, 10);
}

TEST(EvalEngineTest, BothEnginesAgreeOnTheExamplesInJsonLines) {
  std::string lines;
  for (const std::string& request : ListFiles("examples", ".json")) {
    if (request.ends_with(".expected.json")) continue;
    std::string text = ReadFileOrDie(SourceDir() + "/" + request);
    for (char& c : text) {
      if (c == '\n') c = ' ';
    }
    lines += text + "\n";
  }
  lines += "not json\n";
  for (const std::vector<std::string>& extra :
       {std::vector<std::string>{"--jsonl"},
        std::vector<std::string>{"--jsonl", "--explain"},
        std::vector<std::string>{"--jsonl", "--format", "text"}}) {
    RunResult jit = Eval("jit", "examples", extra, lines);
    RunResult interp = Eval("interp", "examples", extra, lines);
    EXPECT_EQ(jit.exit_code, 2);  // the line that is not JSON
    EXPECT_EQ(interp.exit_code, 2);
    EXPECT_EQ(jit.out, interp.out);
    EXPECT_NE(jit.out.find("invalid_json"), std::string::npos);
  }
}

}  // namespace
}  // namespace signoff::testing
