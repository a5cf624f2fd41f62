//===- queue_if.h - Interfaces of the instruction and token queue channels --------===//
//
// Both channels implement the visibility rules of docs/microarchitecture.md (sections
// 3-5) with cycle stamps rather than delta-cycle order: an entry pushed at cycle t is
// seen by a consumer checking at t (tokens) or t + 1 (instructions), and a slot freed at
// cycle s is seen by the producer at s + 1. `changed()` is notified (delta) at every push
// and pop; a waiter re-checks and, if it saw a same-cycle pop, waits one more cycle.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstddef>
#include <cstdint>

#include <systemc>

namespace tessera::systemc {

class instruction_queue_if : public virtual sc_core::sc_interface {
public:
  /// Room for a dispatch in `cycle` (a pop in the same cycle does not count yet).
  virtual bool hasRoom(uint64_t cycle) const = 0;
  /// True when a pop in `cycle` would have freed the room hasRoom lacks.
  virtual bool poppedIn(uint64_t cycle) const = 0;
  /// Dispatch of program instruction `index` in `cycle`; visible from cycle + 1.
  virtual void push(size_t index, uint64_t cycle) = 0;
  virtual bool empty() const = 0;
  virtual size_t size() const = 0;
  virtual size_t head() const = 0;
  /// The first cycle the head can be started.
  virtual uint64_t headVisibleAt() const = 0;
  virtual void pop(uint64_t cycle) = 0;
  virtual const sc_core::sc_event &changed() const = 0;
};

class token_queue_if : public virtual sc_core::sc_interface {
public:
  virtual bool hasToken() const = 0;
  virtual bool hasRoom(uint64_t cycle) const = 0;
  virtual bool poppedIn(uint64_t cycle) const = 0;
  virtual void pop(uint64_t cycle) = 0;
  virtual void push() = 0;
  virtual int64_t count() const = 0;
  virtual int64_t depth() const = 0;
  virtual const sc_core::sc_event &changed() const = 0;
};

} // namespace tessera::systemc
