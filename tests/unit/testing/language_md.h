// The example policy of LANGUAGE.md §3, verbatim (comments and alignment
// included): the one copy the unit tests share. Parse, format, check, lower
// and interpreter tests take it, or the parts of it below, from here.
#ifndef SIGNOFF_TESTS_UNIT_TESTING_LANGUAGE_MD_H_
#define SIGNOFF_TESTS_UNIT_TESTING_LANGUAGE_MD_H_

#include <cstddef>
#include <string_view>

namespace signoff::testdata {

// LANGUAGE.md §3: import, groups, channels, the `data.export` schema, three
// rules and the default; 17 comments.
inline constexpr std::string_view kLanguageExample =
    R"(import "std/actions"                          # a module from stdlib/ (path without extension)

group sre      = ["alice", "bob", "carol"]    # static members: identity ids
group security = ["sam", "sasha"]
group oncall   = directory("oncall-primary")  # members come from the runtime's directory
group reviewers = sre | security              # union
group data_owners = ["dana"]

channel sre_room  = slack("#sre-approvals")   # routing target only; tokens and URLs live in
channel sec_room  = teams("security/reviews") # the runtime's configuration, never in policy
channel tickets   = webhook("tickets")

action data.export {                          # the schema of one action's params
  dataset: string
  rows: int
  destination: string
  classification: string
  note: string?                               # optional field
}

rule confidential_exports {
  on data.export                                  # one or more patterns, comma separated
  when params.classification in ["confidential", "restricted"] and params.rows > 10_000
  unless requester.id in data_owners              # any number of `when` (all must hold) and
                                                  # `unless` (none may hold)
  require 2 of sre                                # the effect: allow | deny ["reason"] | require...
  require 1 of security where approver.team != requester.team
  veto 1                                          # rejections that reject the request (default 1)
  expire 30m                                      # a pending request's lifetime
  grant 15m                                       # lifetime of the single-use grant minted on approval
  notify sre_room, sec_room
  message "{requester.id} exports {params.rows} rows of {params.dataset} to {params.destination}"
}

rule readonly_is_free {
  on *.read
  allow
}

rule no_public_exports {
  on data.export
  when params.destination like "s3://public-*"
  deny "exports to public buckets are forbidden"
}

default deny "no rule covers this action"         # or: default allow
                                                  # or: default { require 1 of sre  expire 1h  notify sre_room }
)";

namespace internal {
inline constexpr std::size_t kActionAt =
    kLanguageExample.find("action data.export");
inline constexpr std::size_t kRulesAt =
    kLanguageExample.find("rule confidential_exports");
static_assert(kActionAt != std::string_view::npos &&
              kRulesAt != std::string_view::npos && kActionAt < kRulesAt);
// A blank line stands before the action and before the first rule.
static_assert(kLanguageExample.substr(kActionAt - 2, 2) == "\n\n" &&
              kLanguageExample.substr(kRulesAt - 2, 2) == "\n\n");
}  // namespace internal

// The declarations before the `action`: import, groups and channels, up to
// and including the blank line that ends them.
inline constexpr std::string_view kLanguageExampleGroupsAndChannels =
    kLanguageExample.substr(0, internal::kActionAt);

// Everything before the first rule: import, groups, channels and the
// `data.export` schema; ends with the schema's `}` and its newline.
inline constexpr std::string_view kLanguageExampleDeclarations =
    kLanguageExample.substr(0, internal::kRulesAt - 1);

// The three rules and the default, to the end of the file.
inline constexpr std::string_view kLanguageExampleRules =
    kLanguageExample.substr(internal::kRulesAt);

}  // namespace signoff::testdata

#endif  // SIGNOFF_TESTS_UNIT_TESTING_LANGUAGE_MD_H_
