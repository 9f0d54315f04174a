// Examples in the docs are tested: every ```signoff block of docs/*.md and
// README.md checks without errors; a block of `test` blocks runs, with
// `signoff test`, against the policy block just before it and passes; every
// diagnostic kind is documented in docs/language.md.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "compiler/diag/diagnostic.h"
#include "tests/e2e/cli_runner.h"

namespace signoff::testing {
namespace {

namespace fs = std::filesystem;

struct Block {
  std::string file;
  int line;
  std::string text;
};

std::vector<Block> SignoffBlocks(const std::string& doc) {
  std::vector<Block> blocks;
  std::istringstream in(ReadFileOrDie(SourceDir() + "/" + doc));
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line != "```signoff") continue;
    Block block{doc, number, ""};
    while (std::getline(in, line) && line != "```") {
      ++number;
      block.text += line + "\n";
    }
    ++number;
    blocks.push_back(block);
  }
  return blocks;
}

std::vector<std::string> Docs() {
  std::vector<std::string> docs = {"README.md"};
  for (const std::string& f : ListFiles("docs", ".md")) docs.push_back(f);
  return docs;
}

TEST(DocsTest, SignoffBlocksCheckAndTestsPass) {
  fs::path dir = fs::temp_directory_path() /
                 ("signoff-docs-" + std::to_string(::getpid()));
  int blocks = 0;
  for (const std::string& doc : Docs()) {
    std::string previous_policy;
    for (const Block& block : SignoffBlocks(doc)) {
      SCOPED_TRACE(block.file + ":" + std::to_string(block.line));
      ++blocks;
      fs::remove_all(dir);
      fs::create_directories(dir);
      bool is_test = block.text.find("test \"") != std::string::npos &&
                     block.text.find("rule ") == std::string::npos;
      if (is_test) {
        WriteFileOrDie((dir / "policy.signoff").string(), previous_policy);
        WriteFileOrDie((dir / "doc_test.signoff").string(), block.text);
        RunResult result = RunSignoff({"test", dir.string()});
        EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
        EXPECT_NE(result.out.find(" passed, 0 failed"), std::string::npos)
            << result.out;
      } else {
        WriteFileOrDie((dir / "policy.signoff").string(), block.text);
        RunResult result = RunSignoff({"check", dir.string()});
        EXPECT_EQ(result.exit_code, 0)
            << block.text << result.out << result.err;
        previous_policy = block.text;
      }
    }
  }
  fs::remove_all(dir);
  EXPECT_GE(blocks, 5);
}

TEST(DocsTest, EveryDiagnosticKindIsDocumented) {
  std::string doc = ReadFileOrDie(SourceDir() + "/docs/language.md");
  for (DiagKind kind : AllDiagKinds()) {
    std::string name(DiagKindName(kind));
    EXPECT_NE(doc.find("| `" + name + "` |"), std::string::npos)
        << "docs/language.md does not document " << name;
  }
}

}  // namespace
}  // namespace signoff::testing
