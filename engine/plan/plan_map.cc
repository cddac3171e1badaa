#include "engine/plan/plan_map.h"

namespace jalon {

PlanMap::PlanMap(Tree plans) : tree_(std::move(plans)) { Reindex(); }

const PlanState* PlanMap::Find(std::string_view code) const {
  auto it = index_.find(code);
  return it == index_.end() ? nullptr : it->second;
}

std::pair<std::string_view, PlanState*> PlanMap::FindOrAdd(std::string_view code) {
  if (auto it = index_.find(code); it != index_.end()) return {it->first, it->second};
  auto node = tree_.emplace(std::string(code), PlanState()).first;  // nodes never move
  index_.emplace(node->first, &node->second);
  return {node->first, &node->second};
}

void PlanMap::Merge(PlanMap&& other) {
  tree_.merge(other.tree_);  // moves the nodes themselves, which other's index points to
  if (other.tree_.empty()) {
    index_.insert(other.index_.begin(), other.index_.end());
  } else {
    Reindex();  // codes held by both: other's stayed with it
  }
  other.Clear();
}

void PlanMap::Clear() {
  index_.clear();
  tree_.clear();
}

void PlanMap::Reindex() {
  index_.clear();
  index_.reserve(tree_.size());
  for (auto& [code, state] : tree_) index_.emplace(code, &state);
}

}  // namespace jalon
