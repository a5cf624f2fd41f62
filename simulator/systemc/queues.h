//===- queues.h - Instruction queue and token queue channels ------------------------===//
#pragma once

#include <deque>

#include "simulator/systemc/queue_if.h"

namespace tessera::systemc {

/// A unit's instruction queue, `depth` entries, filled by fetch.
class InstructionQueue : public sc_core::sc_prim_channel, public instruction_queue_if {
public:
  InstructionQueue(const char *name, uint64_t depth) : sc_core::sc_prim_channel(name), depth_(depth) {}

  bool hasRoom(uint64_t cycle) const override { return entries_.size() + (poppedIn(cycle) ? 1 : 0) < depth_; }
  bool poppedIn(uint64_t cycle) const override { return lastPop_ == cycle; }
  void push(size_t index, uint64_t cycle) override;
  bool empty() const override { return entries_.empty(); }
  size_t size() const override { return entries_.size(); }
  size_t head() const override { return entries_.front().index; }
  uint64_t headVisibleAt() const override { return entries_.front().visibleAt; }
  void pop(uint64_t cycle) override;
  const sc_core::sc_event &changed() const override { return changed_; }

private:
  struct Entry {
    size_t index;
    uint64_t visibleAt;
  };
  uint64_t depth_;
  std::deque<Entry> entries_;
  uint64_t lastPop_ = ~uint64_t(0);
  sc_core::sc_event changed_;
};

/// One of the four dependency-token queues (one producer, one consumer).
class TokenQueue : public sc_core::sc_prim_channel, public token_queue_if {
public:
  TokenQueue(const char *name, int64_t depth) : sc_core::sc_prim_channel(name), depth_(depth) {}

  bool hasToken() const override { return count_ > 0; }
  bool hasRoom(uint64_t cycle) const override { return count_ + (poppedIn(cycle) ? 1 : 0) < depth_; }
  bool poppedIn(uint64_t cycle) const override { return lastPop_ == cycle; }
  void pop(uint64_t cycle) override;
  void push() override;
  int64_t count() const override { return count_; }
  int64_t depth() const override { return depth_; }
  const sc_core::sc_event &changed() const override { return changed_; }

private:
  int64_t depth_;
  int64_t count_ = 0;
  uint64_t lastPop_ = ~uint64_t(0);
  sc_core::sc_event changed_;
};

} // namespace tessera::systemc
