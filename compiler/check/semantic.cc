#include "compiler/check/semantic.h"

namespace signoff::check {

int SemanticModel::FindGroup(std::string_view name) const {
  for (size_t i = 0; i < groups.size(); ++i) {
    if (groups[i].declared && groups[i].name == name)
      return static_cast<int>(i);
  }
  return -1;
}

int SemanticModel::FindChannel(std::string_view name) const {
  for (size_t i = 0; i < channels.size(); ++i) {
    if (channels[i]->name.name == name) return static_cast<int>(i);
  }
  return -1;
}

int SemanticModel::FindAction(std::string_view name) const {
  for (size_t i = 0; i < actions.size(); ++i) {
    if (actions[i]->name.text == name) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace signoff::check
