// The JSON Lines export of the audit log (`signoff audit export`) and the
// verification of such a file (`signoff audit verify --file`).
//
// One JSON object per line, "\n"-terminated, in seq order:
//   an entry:       EntryToJson(entry) in canonical form
//   a checkpoint:   {"checkpoint": CheckpointToJson(checkpoint)}, written
//                   after the entry it covers
// Blank lines are ignored when reading.
//
// Thread safety: every function is pure (see checkpoint.h for the lookup).
#ifndef SIGNOFF_RUNTIME_AUDIT_JSONL_H_
#define SIGNOFF_RUNTIME_AUDIT_JSONL_H_

#include <string>
#include <string_view>

#include "runtime/audit/checkpoint.h"
#include "runtime/audit/entry.h"
#include "runtime/audit/verifier.h"

namespace signoff::audit {

// One line each, with the trailing "\n".
std::string EntryLine(const AuditEntry& entry);
std::string CheckpointLine(const Checkpoint& checkpoint);

// Verifies an exported file's text. Two passes over `text`: first the
// checkpoint lines, then the entries (AuditVerifier's order). A line that is
// neither a valid entry nor a valid checkpoint is a problem at the next
// expected seq, e.g. "line 7 is not an audit entry: `data` of an audit
// entry must be an object".
VerifyResult VerifyJsonLines(std::string_view text,
                             const PublicKeyLookup& keys);

}  // namespace signoff::audit

#endif  // SIGNOFF_RUNTIME_AUDIT_JSONL_H_
