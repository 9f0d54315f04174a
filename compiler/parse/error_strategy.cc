// Syntax errors: ANTLR's recognition errors rewritten in our message style.
//
// Messages are lowercase, without a final period, with code in backticks:
//   unexpected `}`; expected an expression
//   expected `{` after the rule name, found `on`
//   unexpected end of file; expected `}` or a rule clause
// The first error of a declaration aborts it (DeclarationAborted); the
// driver then skips to the next declaration, so errors never cascade.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "compiler/parse/parse_state.h"
#include "stdlib/absl_compat.h"

namespace signoff::parse {
namespace {

using antlr4::Token;
using P = SignoffParser;

constexpr size_t kWordTypes[] = {
    P::IDENT,   P::IMPORT, P::GROUP, P::CHANNEL, P::ACTION,  P::RULE,
    P::DEFAULT, P::TEST,   P::ON,    P::WHEN,    P::UNLESS,  P::REQUIRE,
    P::VETO,    P::EXPIRE, P::GRANT, P::NOTIFY,  P::MESSAGE, P::ESCALATE,
    P::ALLOW,   P::DENY,   P::OF,    P::WHERE,   P::AFTER,   P::TO,
    P::AND,     P::OR,     P::NOT,   P::IN,      P::LIKE,    P::MATCHES,
    P::TRUE,    P::FALSE,  P::INPUT, P::EXPECT};
constexpr size_t kExprStarts[] = {P::INT,    P::STRING, P::DURATION,
                                  P::TRUE,   P::FALSE,  P::LBRACK,
                                  P::LPAREN, P::IDENT,  P::ACTION};
constexpr size_t kExprExtra[] = {P::NOT, P::MINUS};
constexpr size_t kValueStarts[] = {P::STRING, P::INT,    P::DURATION, P::TRUE,
                                   P::FALSE,  P::LBRACK, P::LBRACE};
constexpr size_t kValueExtra[] = {P::MINUS};
constexpr size_t kClauses[] = {P::ON,    P::WHEN,    P::UNLESS,  P::ALLOW,
                               P::DENY,  P::REQUIRE, P::VETO,    P::EXPIRE,
                               P::GRANT, P::NOTIFY,  P::MESSAGE, P::ESCALATE};
constexpr size_t kDecls[] = {P::IMPORT, P::GROUP,   P::CHANNEL, P::ACTION,
                             P::RULE,   P::DEFAULT, P::TEST};
constexpr size_t kOperators[] = {P::OR,      P::AND,  P::EQ,    P::NE,  P::LT,
                                 P::LE,      P::GT,   P::GE,    P::IN,  P::LIKE,
                                 P::MATCHES, P::PLUS, P::MINUS, P::STAR};

template <size_t N>
bool TakeAll(std::vector<ssize_t>& types, const size_t (&group)[N]) {
  for (size_t t : group) {
    if (std::find(types.begin(), types.end(), static_cast<ssize_t>(t)) ==
        types.end()) {
      return false;
    }
  }
  std::erase_if(types, [&](ssize_t t) {
    return std::find(std::begin(group), std::end(group),
                     static_cast<size_t>(t)) != std::end(group);
  });
  return true;
}

template <size_t N>
void Drop(std::vector<ssize_t>& types, const size_t (&group)[N]) {
  std::erase_if(types, [&](ssize_t t) {
    return std::find(std::begin(group), std::end(group),
                     static_cast<size_t>(t)) != std::end(group);
  });
}

// In an interpolation, the end of the text is the closing `}`.
std::string TokenTypeName(ssize_t type, const antlr4::dfa::Vocabulary& vocab,
                          bool interpolation) {
  if (type == static_cast<ssize_t>(Token::EOF)) {
    return interpolation ? "`}`" : "end of file";
  }
  switch (type) {
    case P::IDENT:
      return "a name";
    case P::STRING:
      return "a string";
    case P::INT:
      return "an integer";
    case P::DURATION:
      return "a duration";
    default:
      break;
  }
  std::string literal = vocab.getLiteralName(static_cast<size_t>(type));
  if (literal.size() < 2) return "";
  return absl::StrCat("`", literal.substr(1, literal.size() - 2), "`");
}

std::string Join(const std::vector<std::string>& items) {
  if (items.empty()) return "";
  if (items.size() == 1) return items[0];
  if (items.size() > 5) {
    std::vector<std::string> head(items.begin(), items.begin() + 5);
    return absl::StrCat("one of ", absl::StrJoin(head, ", "), ", ...");
  }
  std::vector<std::string> head(items.begin(), items.end() - 1);
  return absl::StrCat(absl::StrJoin(head, ", "), " or ", items.back());
}

// "`}` or a rule clause", "an expression", ... *count is 1 exactly when the
// set is one token.
std::string DescribeExpected(const antlr4::misc::IntervalSet& set,
                             const antlr4::dfa::Vocabulary& vocab,
                             bool interpolation, size_t* count) {
  std::vector<ssize_t> types = set.toList();
  std::erase_if(types, [](ssize_t t) {
    return t == static_cast<ssize_t>(Token::EPSILON);
  });
  std::vector<std::string> groups;
  if (TakeAll(types, kExprStarts)) {
    Drop(types, kExprExtra);
    groups.push_back("an expression");
  }
  if (TakeAll(types, kValueStarts)) {
    Drop(types, kValueExtra);
    groups.push_back("a value");
  }
  if (TakeAll(types, kWordTypes)) groups.push_back("a name");
  if (TakeAll(types, kClauses)) groups.push_back("a rule clause");
  if (TakeAll(types, kDecls)) groups.push_back("a declaration");
  size_t operators = 0;
  for (size_t op : kOperators) {
    operators +=
        std::count(types.begin(), types.end(), static_cast<ssize_t>(op));
  }
  if (operators >= 5) {
    Drop(types, kOperators);
    groups.push_back("an operator");
  }
  std::vector<std::string> items;
  for (ssize_t t : types) {
    std::string name = TokenTypeName(t, vocab, interpolation);
    if (!name.empty()) items.push_back(std::move(name));
  }
  // A lone token (not a category) reads best as "expected X after Y".
  *count = groups.empty() ? items.size() : items.size() + groups.size() + 1;
  items.insert(items.end(), groups.begin(), groups.end());
  return Join(items);
}

bool IsKeyword(size_t type) { return type >= P::IMPORT && type <= P::EXPECT; }

class StrictErrorStrategy : public antlr4::DefaultErrorStrategy {
 public:
  explicit StrictErrorStrategy(ParseState& state) : state_(state) {}

  void reportError(antlr4::Parser* parser,
                   const antlr4::RecognitionException& e) override {
    Report(parser, e);
    throw DeclarationAborted{};
  }

  void recover(antlr4::Parser*, std::exception_ptr) override {
    throw DeclarationAborted{};
  }

  Token* recoverInline(antlr4::Parser* parser) override {
    throw antlr4::InputMismatchException(parser);
  }

  // Like the default, but never deletes tokens to carry on.
  void sync(antlr4::Parser* parser) override {
    const antlr4::atn::ATN& atn = parser->getATN();
    antlr4::atn::ATNState* s = atn.states[parser->getState()];
    size_t la = parser->getTokenStream()->LA(1);
    const antlr4::misc::IntervalSet& next = atn.nextTokens(s);
    if (next.contains(Token::EPSILON) || next.contains(la)) return;
    switch (s->getStateType()) {
      case antlr4::atn::ATNState::BLOCK_START:
      case antlr4::atn::ATNState::STAR_BLOCK_START:
      case antlr4::atn::ATNState::PLUS_BLOCK_START:
      case antlr4::atn::ATNState::STAR_LOOP_ENTRY:
      case antlr4::atn::ATNState::PLUS_LOOP_BACK:
      case antlr4::atn::ATNState::STAR_LOOP_BACK:
        throw antlr4::InputMismatchException(parser);
      default:
        return;
    }
  }

 private:
  std::string Shown(const Token* token) const {
    if (token->getType() == Token::EOF) {
      return state_.interpolation ? "end of the interpolation" : "end of file";
    }
    std::string_view text = state_.map.Text(token);
    size_t cut = 0, cps = 0;
    while (cut < text.size() && cps < 30) {
      cut += Utf8Length(static_cast<unsigned char>(text[cut]));
      ++cps;
    }
    if (cut < text.size()) {
      return absl::StrCat("`", AsAbsl(text.substr(0, cut)), "...`");
    }
    return absl::StrCat("`", AsAbsl(text), "`");
  }

  // What the token before the error was, e.g. "the rule name".
  std::string DescribePrevious(const Token* prev,
                               antlr4::RuleContext* ctx) const {
    auto ends = [&](antlr4::ParserRuleContext* c) {
      return c != nullptr && c->getStop() == prev;
    };
    if (auto* r = dynamic_cast<P::RuleDeclContext*>(ctx); r && ends(r->word()))
      return "the rule name";
    if (auto* g = dynamic_cast<P::GroupDeclContext*>(ctx); g && ends(g->word()))
      return "the group name";
    if (auto* c = dynamic_cast<P::ChannelDeclContext*>(ctx);
        c && ends(c->word()))
      return "the channel name";
    if (auto* a = dynamic_cast<P::ActionDeclContext*>(ctx);
        a && ends(a->actionName()))
      return "the action name";
    if (auto* t = dynamic_cast<P::TestDeclContext*>(ctx);
        t && t->STRING() != nullptr && t->STRING()->getSymbol() == prev)
      return "the test name";
    return Shown(prev);
  }

  void Report(antlr4::Parser* parser, const antlr4::RecognitionException& e) {
    Token* offending = e.getOffendingToken();
    if (offending == nullptr) offending = parser->getCurrentToken();
    antlr4::TokenStream* stream = parser->getTokenStream();
    size_t index = offending->getTokenIndex();
    Token* prev =
        index > 0 && index != INVALID_INDEX ? stream->get(index - 1) : nullptr;

    bool at_start = true;
    if (auto* nva = dynamic_cast<const antlr4::NoViableAltException*>(&e)) {
      at_start = nva->getStartToken() == offending;
    }
    size_t count = 0;
    std::string expected;
    if (at_start) {
      expected =
          DescribeExpected(e.getExpectedTokens(), parser->getVocabulary(),
                           state_.interpolation, &count);
    }

    std::string message;
    if (count == 1 && prev != nullptr && offending->getType() != Token::EOF) {
      message = absl::StrCat("expected ", expected, " after ",
                             DescribePrevious(prev, e.getCtx()), ", found ",
                             Shown(offending));
    } else {
      message = absl::StrCat("unexpected ", Shown(offending));
      if (count > 0) absl::StrAppend(&message, "; expected ", expected);
    }
    std::string help;
    // A keyword where a name fits, on the line it continues (`notify rule`,
    // `when grant == 1`; not a clause keyword after an unfinished line).
    if (IsKeyword(offending->getType()) && prev != nullptr &&
        prev->getLine() == offending->getLine() &&
        e.getExpectedTokens().contains(static_cast<size_t>(P::IDENT))) {
      help = absl::StrCat(Shown(offending),
                          " is a reserved word and cannot be used as a name");
    }
    // `when x = 1`: no assignment fits here, and no name was expected (as
    // in `group = [...]`), so a comparison was probably meant.
    if (offending->getType() == P::ASSIGN &&
        !e.getExpectedTokens().contains(static_cast<size_t>(P::ASSIGN)) &&
        !e.getExpectedTokens().contains(static_cast<size_t>(P::IDENT))) {
      help = "write `==` to compare values";
    }
    if (state_.interpolation) message = "invalid interpolation: " + message;
    SourceSpan span = state_.map.Span(offending);
    if (std::binary_search(state_.after_stray.begin(), state_.after_stray.end(),
                           span.begin)) {
      return;  // caused by the stray character reported just before
    }
    state_.SyntaxError(span, std::move(message), std::move(help));
  }

  ParseState& state_;
};

}  // namespace

std::shared_ptr<antlr4::ANTLRErrorStrategy> MakeErrorStrategy(
    ParseState& state) {
  return std::make_shared<StrictErrorStrategy>(state);
}

}  // namespace signoff::parse
