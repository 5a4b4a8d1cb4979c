// IndexedHeap: a binary min-heap of small integer ids with updatable keys,
// and enumeration of the smallest entries without popping them.
#ifndef BRAID_SCHEDULER_POLICIES_INDEXED_HEAP_H_
#define BRAID_SCHEDULER_POLICIES_INDEXED_HEAP_H_

#include <cstdint>
#include <utility>
#include <vector>

namespace braid::scheduler {

// Keys order first, ids break ties (so enumeration is deterministic).
// Ids are in [0, capacity). Not thread-safe.
class IndexedHeap {
 public:
  static constexpr int kMaxVisits = 128;

  explicit IndexedHeap(int capacity = 0) : pos_(capacity, -1) {}

  void Resize(int capacity) { pos_.assign(capacity, -1), heap_.clear(); }
  bool contains(int id) const { return id >= 0 && id < static_cast<int>(pos_.size()) && pos_[id] >= 0; }
  bool empty() const { return heap_.empty(); }
  int size() const { return static_cast<int>(heap_.size()); }

  // Inserts `id` or updates its key.
  void Set(int id, int64_t key) {
    if (pos_[id] >= 0) {
      const int i = pos_[id];
      const int64_t old = heap_[i].key;
      heap_[i].key = key;
      if (Less(key, id, old, id)) {
        Up(i);
      } else {
        Down(i);
      }
      return;
    }
    heap_.push_back(Entry{key, id});
    pos_[id] = static_cast<int>(heap_.size()) - 1;
    Up(static_cast<int>(heap_.size()) - 1);
  }

  void Erase(int id) {
    const int i = pos_[id];
    if (i < 0) return;
    const int last = static_cast<int>(heap_.size()) - 1;
    if (i != last) {
      Swap(i, last);
      heap_.pop_back();
      pos_[id] = -1;
      Up(i);
      Down(i);
    } else {
      heap_.pop_back();
      pos_[id] = -1;
    }
  }

  int64_t KeyOf(int id) const { return heap_[pos_[id]].key; }

  // Calls visit(id, key) on entries in ascending (key, id) order until it
  // returns false or `max_visits` (at most kMaxVisits) entries were visited.
  // O(visits^2) with tiny constants; meant for a handful of visits.
  template <typename Visit>
  void VisitSmallest(int max_visits, Visit visit) const {
    if (heap_.empty() || max_visits <= 0) return;
    if (max_visits > kMaxVisits) max_visits = kMaxVisits;
    // Frontier of heap positions whose parents were visited; small, so a
    // linear minimum search is cheapest.
    int frontier[kMaxVisits + 2];
    int n = 0;
    frontier[n++] = 0;
    for (int visited = 0; visited < max_visits && n > 0; ++visited) {
      int best = 0;
      for (int j = 1; j < n; ++j) {
        const Entry& a = heap_[frontier[j]];
        const Entry& b = heap_[frontier[best]];
        if (Less(a.key, a.id, b.key, b.id)) best = j;
      }
      const int i = frontier[best];
      frontier[best] = frontier[--n];
      if (!visit(heap_[i].id, heap_[i].key)) return;
      for (int c = 2 * i + 1; c <= 2 * i + 2; ++c) {
        if (c < static_cast<int>(heap_.size())) frontier[n++] = c;
      }
    }
  }

 private:
  struct Entry {
    int64_t key;
    int id;
  };
  static bool Less(int64_t ka, int ia, int64_t kb, int ib) { return ka != kb ? ka < kb : ia < ib; }
  bool LessAt(int i, int j) const { return Less(heap_[i].key, heap_[i].id, heap_[j].key, heap_[j].id); }
  void Swap(int i, int j) {
    std::swap(heap_[i], heap_[j]);
    pos_[heap_[i].id] = i;
    pos_[heap_[j].id] = j;
  }
  void Up(int i) {
    while (i > 0) {
      const int parent = (i - 1) / 2;
      if (!LessAt(i, parent)) break;
      Swap(i, parent);
      i = parent;
    }
  }
  void Down(int i) {
    const int n = static_cast<int>(heap_.size());
    for (;;) {
      int smallest = i;
      const int l = 2 * i + 1, r = l + 1;
      if (l < n && LessAt(l, smallest)) smallest = l;
      if (r < n && LessAt(r, smallest)) smallest = r;
      if (smallest == i) return;
      Swap(i, smallest);
      i = smallest;
    }
  }

  std::vector<Entry> heap_;
  std::vector<int> pos_;  // id -> index in heap_, -1 when absent
};

}  // namespace braid::scheduler

#endif  // BRAID_SCHEDULER_POLICIES_INDEXED_HEAP_H_
