// The Signoff policy language (docs/language.md, LANGUAGE.md).
//
// compiler/parse drives this grammar one declaration at a time (rule
// `declaration`), so a syntax error abandons only the declaration it occurs
// in. The parser builds our own AST from the parse tree; literal values
// (escapes, integer ranges, durations, message interpolation) are checked
// there, not here. Binary operators are written as loops rather than
// left-recursive rules so that long operator chains never recurse;
// bracket and prefix-operator nesting is bounded by a pre-scan of the
// token stream before this parser runs.
grammar Signoff;

// Debian's ANTLR 4.9 runtime headers do not compile with clang (the default
// constructor of misc::InterpreterData needs dfa::Vocabulary's, which clang
// deletes). Every generated file includes the runtime through this shim,
// which gives that constructor an explicit initializer; GCC is unaffected.
@lexer::preinclude {
#if defined(__clang__) && !defined(SIGNOFF_ANTLR_CLANG_SHIM)
#define SIGNOFF_ANTLR_CLANG_SHIM
#define SIGNOFF_INIT_ : vocabulary(std::vector<std::string>(), std::vector<std::string>())
#define SIGNOFF_INIT_ARGS
#define SIGNOFF_INIT(x) SIGNOFF_INIT_##x
#define InterpreterData(...) InterpreterData(__VA_ARGS__) SIGNOFF_INIT(__VA_OPT__(ARGS))
#include "antlr4-runtime.h"
#undef InterpreterData
#endif
}
@parser::preinclude {
#if defined(__clang__) && !defined(SIGNOFF_ANTLR_CLANG_SHIM)
#define SIGNOFF_ANTLR_CLANG_SHIM
#define SIGNOFF_INIT_ : vocabulary(std::vector<std::string>(), std::vector<std::string>())
#define SIGNOFF_INIT_ARGS
#define SIGNOFF_INIT(x) SIGNOFF_INIT_##x
#define InterpreterData(...) InterpreterData(__VA_ARGS__) SIGNOFF_INIT(__VA_OPT__(ARGS))
#include "antlr4-runtime.h"
#undef InterpreterData
#endif
}
@parser::visitorpreinclude {
#if defined(__clang__) && !defined(SIGNOFF_ANTLR_CLANG_SHIM)
#define SIGNOFF_ANTLR_CLANG_SHIM
#define SIGNOFF_INIT_ : vocabulary(std::vector<std::string>(), std::vector<std::string>())
#define SIGNOFF_INIT_ARGS
#define SIGNOFF_INIT(x) SIGNOFF_INIT_##x
#define InterpreterData(...) InterpreterData(__VA_ARGS__) SIGNOFF_INIT(__VA_OPT__(ARGS))
#include "antlr4-runtime.h"
#undef InterpreterData
#endif
}
@parser::basevisitorpreinclude {
#if defined(__clang__) && !defined(SIGNOFF_ANTLR_CLANG_SHIM)
#define SIGNOFF_ANTLR_CLANG_SHIM
#define SIGNOFF_INIT_ : vocabulary(std::vector<std::string>(), std::vector<std::string>())
#define SIGNOFF_INIT_ARGS
#define SIGNOFF_INIT(x) SIGNOFF_INIT_##x
#define InterpreterData(...) InterpreterData(__VA_ARGS__) SIGNOFF_INIT(__VA_OPT__(ARGS))
#include "antlr4-runtime.h"
#undef InterpreterData
#endif
}

// ---------------------------------------------------------------------------
// Declarations
// ---------------------------------------------------------------------------

declaration
  : importDecl
  | groupDecl
  | channelDecl
  | actionDecl
  | ruleDecl
  | defaultDecl
  | testDecl
  ;

importDecl : IMPORT STRING ;

groupDecl : GROUP word ASSIGN groupExpr ;

// `sre | ["alice"] | directory("oncall")`
groupExpr : groupTerm (PIPE groupTerm)* ;

groupTerm
  : IDENT LPAREN STRING RPAREN                          # groupCall
  | IDENT                                              # groupRef
  | LBRACK (STRING (COMMA STRING)* COMMA?)? RBRACK     # groupMembers
  ;

channelDecl : CHANNEL word ASSIGN IDENT LPAREN STRING RPAREN ;

actionDecl : ACTION actionName LBRACE fieldDecl* RBRACE ;

actionName : word (DOT word)* ;

fieldDecl : word COLON typeRef QUESTION? COMMA? ;

typeRef : IDENT (LT typeRef (COMMA typeRef)* GT)? ;

ruleDecl : RULE word LBRACE clause* RBRACE ;

defaultDecl
  : DEFAULT ALLOW                      # defaultAllow
  | DEFAULT DENY STRING?               # defaultDeny
  | DEFAULT LBRACE clause* RBRACE      # defaultBlock
  ;

// ---------------------------------------------------------------------------
// Rule clauses
// ---------------------------------------------------------------------------

clause
  : ON pattern (COMMA pattern)*                          # onClause
  | WHEN expr                                            # whenClause
  | UNLESS expr                                          # unlessClause
  | ALLOW                                                # allowClause
  | DENY STRING?                                         # denyClause
  | REQUIRE requirement                                  # requireClause
  | VETO INT                                             # vetoClause
  | EXPIRE DURATION                                      # expireClause
  | GRANT DURATION                                       # grantClause
  | NOTIFY channelList                                   # notifyClause
  | MESSAGE STRING                                       # messageClause
  | ESCALATE AFTER DURATION TO groupExpr (NOTIFY channelList)?  # escalateClause
  ;

// `data.*`, `iam.**`, `**`
pattern : patternSegment (DOT patternSegment)* ;

patternSegment : word | STAR | STARSTAR ;

requirement : INT OF groupExpr (WHERE expr)? ;

channelList : IDENT (COMMA IDENT)* ;

// ---------------------------------------------------------------------------
// Expressions, loosest first
// ---------------------------------------------------------------------------

expr : orExpr ;

orExpr : andExpr (OR andExpr)* ;

andExpr : notExpr (AND notExpr)* ;

notExpr
  : NOT notExpr
  | cmpExpr
  ;

// Comparisons do not associate; the AST builder reports a chain.
cmpExpr : addExpr (cmpOp cmpOperand)* ;

cmpOp : EQ | NE | LT | LE | GT | GE | IN | LIKE | MATCHES ;

// A range `a..b` is accepted here and rejected unless the operator is `in`.
cmpOperand : addExpr (DOTDOT addExpr)? ;

addExpr : mulExpr ((PLUS | MINUS) mulExpr)* ;

mulExpr : unaryExpr (STAR unaryExpr)* ;

unaryExpr
  : MINUS unaryExpr
  | postfixExpr
  ;

postfixExpr : primary postfixOp* ;

postfixOp
  : DOT word                   # fieldOp
  | LBRACK expr RBRACK         # indexOp
  ;

primary
  : INT                                              # intLit
  | STRING                                           # stringLit
  | DURATION                                         # durationLit
  | (TRUE | FALSE)                                   # boolLit
  | LBRACK (expr (COMMA expr)* COMMA?)? RBRACK       # listLit
  | LPAREN expr RPAREN                               # parenExpr
  | IDENT LPAREN (expr (COMMA expr)* COMMA?)? RPAREN # callExpr
  | (IDENT | ACTION)                                 # nameExpr
  ;

// The expression inside `{...}` of a message string, parsed on its own.
interpolation : expr EOF ;

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

testDecl : TEST STRING LBRACE INPUT object expectation* RBRACE ;

object : LBRACE (objectField COMMA?)* RBRACE ;

objectField : objectKey COLON value ;

objectKey : word | STRING ;

value
  : STRING                                           # stringValue
  | MINUS? INT                                       # intValue
  | (TRUE | FALSE)                                   # boolValue
  | DURATION                                         # durationValue
  | LBRACK (value (COMMA value)* COMMA?)? RBRACK     # listValue
  | object                                           # objectValue
  ;

// `expect deny`, `expect rules [a, b]`, `expect requirements [2 of sre]`,
// `expect reasons ["..."]`. The list kind is checked by the AST builder.
expectation
  : EXPECT IDENT LBRACK (expectItem (COMMA expectItem)* COMMA?)? RBRACK  # expectList
  | EXPECT word                                                         # expectDecision
  ;

expectItem
  : requirement                                      # expectRequirement
  | IDENT                                            # expectRule
  | STRING                                           # expectReason
  ;

// Any word: identifiers and reserved words alike (action-name segments,
// field names, `.field` access, object keys, declaration names, which the
// AST builder then checks).
word
  : IDENT
  | IMPORT | GROUP | CHANNEL | ACTION | RULE | DEFAULT | TEST | ON | WHEN
  | UNLESS | REQUIRE | VETO | EXPIRE | GRANT | NOTIFY | MESSAGE | ESCALATE
  | ALLOW | DENY | OF | WHERE | AFTER | TO | AND | OR | NOT | IN | LIKE
  | MATCHES | TRUE | FALSE | INPUT | EXPECT
  ;

// ---------------------------------------------------------------------------
// Lexer
// ---------------------------------------------------------------------------

IMPORT   : 'import' ;
GROUP    : 'group' ;
CHANNEL  : 'channel' ;
ACTION   : 'action' ;
RULE     : 'rule' ;
DEFAULT  : 'default' ;
TEST     : 'test' ;
ON       : 'on' ;
WHEN     : 'when' ;
UNLESS   : 'unless' ;
REQUIRE  : 'require' ;
VETO     : 'veto' ;
EXPIRE   : 'expire' ;
GRANT    : 'grant' ;
NOTIFY   : 'notify' ;
MESSAGE  : 'message' ;
ESCALATE : 'escalate' ;
ALLOW    : 'allow' ;
DENY     : 'deny' ;
OF       : 'of' ;
WHERE    : 'where' ;
AFTER    : 'after' ;
TO       : 'to' ;
AND      : 'and' ;
OR       : 'or' ;
NOT      : 'not' ;
IN       : 'in' ;
LIKE     : 'like' ;
MATCHES  : 'matches' ;
TRUE     : 'true' ;
FALSE    : 'false' ;
INPUT    : 'input' ;
EXPECT   : 'expect' ;

LPAREN   : '(' ;
RPAREN   : ')' ;
LBRACK   : '[' ;
RBRACK   : ']' ;
LBRACE   : '{' ;
RBRACE   : '}' ;
COMMA    : ',' ;
COLON    : ':' ;
DOTDOT   : '..' ;
DOT      : '.' ;
STARSTAR : '**' ;
STAR     : '*' ;
QUESTION : '?' ;
PIPE     : '|' ;
ASSIGN   : '=' ;
EQ       : '==' ;
NE       : '!=' ;
LE       : '<=' ;
GE       : '>=' ;
LT       : '<' ;
GT       : '>' ;
PLUS     : '+' ;
MINUS    : '-' ;

// Digits followed by letters form one token so that `5x` and `1m30h` are
// reported as malformed durations rather than as two tokens.
DURATION : [0-9] [0-9_]* [a-zA-Z] [a-zA-Z0-9_]* ;
INT      : [0-9] [0-9_]* ;
IDENT    : [A-Za-z_] [A-Za-z0-9_]* ;

// Escapes are validated by the AST builder, which reports each bad one.
STRING   : '"' ( ~["\\\r\n] | '\\' ~[\r\n] )* '"' ;
// A string that reaches the end of its line; reported by the pre-scan.
UNTERMINATED_STRING : '"' ( ~["\\\r\n] | '\\' ~[\r\n] )* '\\'? ;

COMMENT  : '#' ~[\r\n]* -> channel(HIDDEN) ;
WS       : [ \t\r\n\f\uFEFF]+ -> skip ;

// Anything else; reported by the pre-scan, never seen by the parser.
ERROR_CHAR : . ;
