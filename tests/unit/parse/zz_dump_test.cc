#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "compiler/parse/parser.h"
namespace signoff::parse {
TEST(Dump, File) {
  const char* path = std::getenv("DUMP");
  if (!path) GTEST_SKIP();
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  SourceManager sm;
  FileId id = sm.Add(path, ss.str());
  DiagnosticBag diags;
  ast::File f = ParseFile(sm, id, diags);
  for (auto& d : diags.all())
    std::cout << sm.Describe(d.span) << "-" << sm.End(d.span).column << ": ["
              << DiagKindName(d.kind) << "] " << d.message
              << (d.help.empty() ? "" : "  help: " + d.help) << "\n";
  std::cout << "decls: " << f.decls.size() << " comments: " << f.comments.size()
            << "\n";
}
}  // namespace signoff::parse
