// FormatFile over every .signoff file in the repository (examples, stdlib
// modules, golden tests), plain and stressed with extra comments and blank
// lines: the output is stable and keeps every comment.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/fmt/formatter.h"
#include "compiler/parse/parser.h"

namespace signoff::fmt {
namespace {

namespace fs = std::filesystem;

struct Parsed {
  bool ok = false;
  size_t comments = 0;
  std::string formatted;
};

Parsed FormatText(const std::string& path, const std::string& text) {
  SourceManager sources;
  FileId id = sources.Add(path, text);
  DiagnosticBag diags;
  ast::File file = parse::ParseFile(sources, id, diags);
  Parsed out;
  out.ok = !diags.has_errors();
  out.comments = file.comments.size();
  if (out.ok) out.formatted = FormatFile(sources, file);
  return out;
}

std::vector<fs::path> CorpusFiles() {
  std::vector<fs::path> files;
  for (const char* dir : {"examples", "stdlib/std", "tests/golden"}) {
    fs::path root = fs::path(SIGNOFF_SOURCE_DIR) / dir;
    std::error_code ec;
    if (!fs::is_directory(root, ec)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(root, ec)) {
      if (entry.path().extension() == ".signoff") files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string Read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// A comment after every line and an own-line comment (plus a blank line)
// between every two lines.
std::string Stress(const std::string& text) {
  std::string out;
  std::istringstream lines(text);
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) {
    out += line + "  # s" + std::to_string(n) + "\n";
    out += (n % 3 == 0 ? "\n" : "") + std::string(n % 5, ' ') + "# own " +
           std::to_string(n) + "\n";
    ++n;
  }
  return out;
}

void CheckStable(const std::string& path, const std::string& text) {
  Parsed first = FormatText(path, text);
  if (!first.ok) return;  // not ours to judge: the parser reports it
  Parsed second = FormatText(path, first.formatted);
  ASSERT_TRUE(second.ok) << path << ": formatted text does not parse:\n"
                         << first.formatted;
  EXPECT_EQ(first.comments, second.comments)
      << path << ": comments lost or duplicated:\n"
      << first.formatted;
  EXPECT_EQ(first.formatted, second.formatted)
      << path << ": not idempotent; input:\n"
      << text;
}

TEST(FormatCorpusTest, EveryFileIsStableAndKeepsComments) {
  std::vector<fs::path> files = CorpusFiles();
  int parsed = 0;
  for (const fs::path& path : files) {
    std::string text = Read(path);
    if (FormatText(path.filename().string(), text).ok) ++parsed;
    CheckStable(path.filename().string(), text);
    CheckStable(path.filename().string(), Stress(text));
  }
  RecordProperty("files", static_cast<int>(files.size()));
  RecordProperty("parsed", parsed);
}

}  // namespace
}  // namespace signoff::fmt
