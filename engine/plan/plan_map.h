// PlanMap: the current plans by direction code, in code order (checkpoints,
// Codes) and found by a hash of the code. A tree alone walks about 15 nodes
// spread over the heap per lookup among 30,000 plans, and a scheduler visit
// looks a plan up four times.
//
// Owns its plans. Pointers and views it hands out stay valid until the plan
// is removed (Clear, SplitInto) or the map destroyed; moving the map, or
// merging it into another, keeps them. Not thread-safe: Projections guards
// it with its own lock.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/plan/plan_state.h"

namespace jalon {

class PlanMap {
 public:
  using Tree = std::map<std::string, PlanState, std::less<>>;

  PlanMap() = default;
  explicit PlanMap(Tree plans);
  // Moving keeps the tree's nodes, which the index points into.
  PlanMap(PlanMap&&) noexcept = default;
  PlanMap& operator=(PlanMap&&) noexcept = default;
  PlanMap(const PlanMap&) = delete;
  PlanMap& operator=(const PlanMap&) = delete;

  const PlanState* Find(std::string_view code) const;
  // The plan `code`, added empty if there is none; the key's view lives as
  // long as the plan.
  std::pair<std::string_view, PlanState*> FindOrAdd(std::string_view code);
  // Moves every plan of `other` in; `other` holds no code of this one.
  void Merge(PlanMap&& other);
  // Moves every plan, node and all, into shares[share_of(code)], leaving
  // this map empty.
  template <class ShareOf>  // size_t(std::string_view code)
  void SplitInto(std::vector<PlanMap>& shares, const ShareOf& share_of) {
    index_.clear();
    while (!tree_.empty()) {
      auto node = tree_.extract(tree_.begin());
      PlanMap& share = shares[share_of(std::string_view(node.key()))];
      const auto added = share.tree_.insert(std::move(node)).position;
      share.index_.emplace(added->first, &added->second);
    }
  }
  void Clear();
  size_t size() const { return tree_.size(); }

  Tree::iterator begin() { return tree_.begin(); }
  Tree::iterator end() { return tree_.end(); }
  Tree::const_iterator begin() const { return tree_.begin(); }
  Tree::const_iterator end() const { return tree_.end(); }

 private:
  void Reindex();

  Tree tree_;
  std::unordered_map<std::string_view, PlanState*> index_;  // into tree_'s nodes
};

}  // namespace jalon
