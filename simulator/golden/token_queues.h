//===- token_queues.h - The four dependency-token queues and their protocol -----------===//
//
// Tokens carry no data; they order the decoupled units (VTA's scheme). Each unit talks
// to its neighbours: load <-> compute <-> store.
//   load  push_next -> l2c -> compute pop_prev     compute push_prev -> c2l -> load  pop_next
//   compute push_next -> c2s -> store pop_prev     store push_prev -> s2c -> compute pop_next
// An instruction waits until every queue it pops is non-empty and every queue it pushes
// has room, then pops, executes and pushes.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "isa/instruction.h"
#include "support/strings.h"

namespace tessera::sim {

enum class TokenQueue : uint8_t { l2c = 0, c2l = 1, c2s = 2, s2c = 3 };
inline constexpr int kTokenQueueCount = 4;
std::string_view tokenQueueName(TokenQueue queue);

/// The queues an instruction pops and pushes, derived from its unit and flags.
struct TokenUse {
  std::vector<TokenQueue> pops;
  std::vector<TokenQueue> pushes;
};
TokenUse tokenUse(const isa::Instruction &instruction);

class TokenQueues {
public:
  explicit TokenQueues(int64_t depth) : depth_(depth) {}

  /// True when every pop has a token and every push has room.
  bool ready(const TokenUse &use) const;
  /// Why `use` is not ready, e.g. "waiting for a token on l2c (from load)".
  std::string blockedReason(const TokenUse &use) const;
  void pop(const TokenUse &use);
  void push(const TokenUse &use);

  int64_t count(TokenQueue queue) const { return counts_[size_t(queue)]; }
  int64_t depth() const { return depth_; }
  /// "l2c=1 s2c=2" for the non-empty queues; empty when all are.
  std::string leftovers() const;

private:
  int64_t depth_;
  std::array<int64_t, kTokenQueueCount> counts_{};
};

} // namespace tessera::sim
