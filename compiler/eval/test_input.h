// The request a `test` block describes (LANGUAGE.md §8), as request JSON.
#ifndef SIGNOFF_COMPILER_EVAL_TEST_INPUT_H_
#define SIGNOFF_COMPILER_EVAL_TEST_INPUT_H_

#include <string>

#include "compiler/ast/ast.h"

namespace signoff::eval {

// `input { ... }` written as JSON text: strings, integers, booleans, lists
// and objects as themselves; durations as their literal text ("1h30m"), as
// LANGUAGE.md §6 carries them. Bind it with eval::BindJson.
std::string TestInputJson(const ast::TestValue& input);

}  // namespace signoff::eval

#endif  // SIGNOFF_COMPILER_EVAL_TEST_INPUT_H_
