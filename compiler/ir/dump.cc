// ir::Dump: a readable, deterministic text form of a Policy.
//
// Expressions print as S-expressions: `(Gt $0:params.rows 10000)`; slots as
// `$N:source.field`, strings quoted, groups as `@name`.
#include <string>

#include "compiler/ir/ir.h"
#include "stdlib/builtins.h"

namespace signoff::ir {
namespace {

using stdlib::QuoteString;

class Dumper {
 public:
  explicit Dumper(const Policy& policy) : p_(policy) {}

  std::string Run() {
    out_ += "policy " + p_.digest + "\n";
    Section("slots");
    for (size_t i = 0; i < p_.slots.size(); ++i) {
      out_ += "  " + SlotName(static_cast<uint32_t>(i)) + ": " +
              std::string(TypeName(p_.slots[i].type)) + "\n";
    }
    Section("actions");
    for (const ActionSchema& action : p_.actions) {
      out_ += "  " + action.name + " {";
      for (size_t i = 0; i < action.fields.size(); ++i) {
        const ActionField& field = action.fields[i];
        out_ += (i == 0 ? " " : ", ") + field.name + ": " +
                std::string(TypeName(field.type)) + (field.optional ? "?" : "");
        if (field.slot >= 0) out_ += " $" + std::to_string(field.slot);
      }
      out_ += " }\n";
    }
    Section("groups");
    for (size_t i = 0; i < p_.groups.size(); ++i) {
      const Group& group = p_.groups[i];
      out_ += "  @" + std::to_string(i) + " " + group.name + " = " +
              StringList(group.members);
      if (!group.directories.empty()) {
        out_ += " directories " + StringList(group.directories);
      }
      out_ += "\n";
    }
    Section("channels");
    for (const Channel& channel : p_.channels) {
      out_ += "  " + channel.name + " = " + channel.kind + "(" +
              QuoteString(channel.target) + ")\n";
    }
    for (const Rule& rule : p_.rules) DumpRule(rule);
    DumpRule(p_.default_rule);
    return out_;
  }

 private:
  void Section(const char* name) { out_ += std::string(name) + "\n"; }

  std::string SlotName(uint32_t index) const {
    if (index >= p_.slots.size()) return "$?" + std::to_string(index);
    const Slot& slot = p_.slots[index];
    return "$" + std::to_string(index) + ":" +
           std::string(SlotSourceName(slot.source)) + "." + slot.field;
  }

  static std::string StringList(const std::vector<std::string>& values) {
    std::string out = "[";
    for (size_t i = 0; i < values.size(); ++i) {
      if (i > 0) out += ", ";
      out += QuoteString(values[i]);
    }
    return out + "]";
  }

  std::string GroupName(int index) const {
    if (index < 0 || static_cast<size_t>(index) >= p_.groups.size()) {
      return "@?";
    }
    return "@" + p_.groups[index].name;
  }

  std::string Expr(NodeId id) const {
    if (id == kNoNode || id >= p_.nodes.size()) return "<none>";
    const Node& n = p_.nodes[id];
    switch (n.op) {
      case Op::kConstBool:
        return n.imm != 0 ? "true" : "false";
      case Op::kConstInt:
        return std::to_string(n.imm);
      case Op::kConstDuration:
        return stdlib::FormatDuration(n.imm);
      case Op::kConstString:
        return QuoteString(p_.strings.at(n.ref));
      case Op::kConstListString: {
        std::vector<std::string> values;
        for (uint32_t s : p_.string_lists.at(n.ref)) {
          values.push_back(p_.strings.at(s));
        }
        return StringList(values);
      }
      case Op::kConstListInt: {
        std::string out = "[";
        const std::vector<int64_t>& values = p_.int_lists.at(n.ref);
        for (size_t i = 0; i < values.size(); ++i) {
          out += (i > 0 ? ", " : "") + std::to_string(values[i]);
        }
        return out + "]";
      }
      case Op::kAction:
        return "action";
      case Op::kSlot:
        return SlotName(n.ref);
      case Op::kPresent:
        return "(Present " + SlotName(n.ref) + ")";
      case Op::kInGroup:
        return "(InGroup " + Args(n) + " " + GroupName(n.ref) + ")";
      case Op::kLike:
        return "(Like " + Args(n) + " " +
               QuoteString(p_.globs.at(n.ref)->pattern()) + ")";
      case Op::kMatches:
        return "(Matches " + Args(n) + " " +
               QuoteString(p_.regexes.at(n.ref)->pattern()) + ")";
      case Op::kCall:
        return "(Call " +
               std::string(
                   stdlib::GetBuiltin(static_cast<stdlib::Builtin>(n.imm))
                       .name) +
               " " + Args(n) + ")";
      default:
        return "(" + std::string(OpName(n.op)) + " " + Args(n) + ")";
    }
  }

  std::string Args(const Node& n) const {
    std::string out;
    for (size_t i = 0; i < n.args.size(); ++i) {
      if (i > 0) out += " ";
      out += Expr(n.args[i]);
    }
    return out;
  }

  std::string Channels(const std::vector<int>& channels) const {
    std::string out;
    for (size_t i = 0; i < channels.size(); ++i) {
      if (i > 0) out += ", ";
      out += p_.channels.at(channels[i]).name;
    }
    return out;
  }

  void DumpRule(const Rule& rule) {
    out_ += "rule " + rule.name;
    for (size_t i = 0; i < rule.patterns.size(); ++i) {
      out_ += (i == 0 ? " on " : ", ") + rule.patterns[i].text;
    }
    out_ += "\n  effect " + std::string(EffectName(rule.effect));
    if (rule.effect == Effect::kDeny)
      out_ += " " + QuoteString(rule.deny_reason);
    out_ += "\n  applies [";
    bool first = true;
    for (size_t a = 0; a < rule.applies.size() && a < p_.actions.size(); ++a) {
      if (!rule.applies[a]) continue;
      out_ += (first ? "" : ", ") + p_.actions[a].name;
      first = false;
    }
    out_ += "]";
    if (rule.reads_params) out_ += " reads params";
    out_ += "\n";
    for (const Condition& c : rule.conditions) {
      out_ += std::string(c.negated ? "  unless " : "  when ") + Expr(c.expr) +
              "  # " + c.text + "\n";
    }
    for (const Requirement& r : rule.requirements) {
      out_ +=
          "  require " + std::to_string(r.count) + " of " + GroupName(r.group);
      if (r.where != kNoNode) {
        out_ += " where " + Expr(r.where) + "  # " + r.where_text;
      }
      out_ += "\n";
    }
    if (rule.veto) out_ += "  veto " + std::to_string(*rule.veto) + "\n";
    if (rule.expire_seconds) {
      out_ += "  expire " + stdlib::FormatDuration(*rule.expire_seconds) + "\n";
    }
    if (rule.grant_seconds) {
      out_ += "  grant " + stdlib::FormatDuration(*rule.grant_seconds) + "\n";
    }
    if (!rule.channels.empty()) {
      out_ += "  notify " + Channels(rule.channels) + "\n";
    }
    if (rule.has_message) {
      out_ += "  message";
      for (const MessagePart& part : rule.message) {
        out_ += part.expr != kNoNode ? " {" + Expr(part.expr) + "}"
                                     : " " + QuoteString(part.literal);
      }
      out_ += "\n";
    }
    for (const Escalation& e : rule.escalations) {
      out_ += "  escalate after " + stdlib::FormatDuration(e.after_seconds) +
              " to " + GroupName(e.group);
      if (!e.channels.empty()) out_ += " notify " + Channels(e.channels);
      out_ += "\n";
    }
  }

  const Policy& p_;
  std::string out_;
};

}  // namespace

std::string Dump(const Policy& policy) { return Dumper(policy).Run(); }

}  // namespace signoff::ir
