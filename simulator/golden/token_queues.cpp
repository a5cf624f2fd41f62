//===- token_queues.cpp - Token queue bookkeeping --------------------------------------===//
#include "simulator/golden/token_queues.h"

namespace tessera::sim {

using isa::Unit;

std::string_view tokenQueueName(TokenQueue queue) {
  switch (queue) {
  case TokenQueue::l2c: return "l2c";
  case TokenQueue::c2l: return "c2l";
  case TokenQueue::c2s: return "c2s";
  case TokenQueue::s2c: return "s2c";
  }
  return "?";
}

TokenUse tokenUse(const isa::Instruction &inst) {
  TokenUse use;
  switch (isa::unitOf(inst)) {
  case Unit::load:
    if (inst.popNext()) use.pops.push_back(TokenQueue::c2l);
    if (inst.pushNext()) use.pushes.push_back(TokenQueue::l2c);
    break;
  case Unit::compute:
    if (inst.popPrev()) use.pops.push_back(TokenQueue::l2c);
    if (inst.popNext()) use.pops.push_back(TokenQueue::s2c);
    if (inst.pushPrev()) use.pushes.push_back(TokenQueue::c2l);
    if (inst.pushNext()) use.pushes.push_back(TokenQueue::c2s);
    break;
  case Unit::store:
    if (inst.popPrev()) use.pops.push_back(TokenQueue::c2s);
    if (inst.pushPrev()) use.pushes.push_back(TokenQueue::s2c);
    break;
  }
  return use;
}

bool TokenQueues::ready(const TokenUse &use) const {
  for (TokenQueue queue : use.pops)
    if (counts_[size_t(queue)] == 0) return false;
  for (TokenQueue queue : use.pushes)
    if (counts_[size_t(queue)] >= depth_) return false;
  return true;
}

std::string TokenQueues::blockedReason(const TokenUse &use) const {
  for (TokenQueue queue : use.pops)
    if (counts_[size_t(queue)] == 0) return strCat("waiting for a token on ", tokenQueueName(queue));
  for (TokenQueue queue : use.pushes)
    if (counts_[size_t(queue)] >= depth_) return strCat("token queue ", tokenQueueName(queue), " is full (depth ", depth_, ")");
  return "ready";
}

void TokenQueues::pop(const TokenUse &use) {
  for (TokenQueue queue : use.pops) --counts_[size_t(queue)];
}

void TokenQueues::push(const TokenUse &use) {
  for (TokenQueue queue : use.pushes) ++counts_[size_t(queue)];
}

std::string TokenQueues::leftovers() const {
  std::string out;
  for (int i = 0; i < kTokenQueueCount; ++i) {
    if (counts_[size_t(i)] == 0) continue;
    strAppend(&out, out.empty() ? "" : " ", tokenQueueName(TokenQueue(i)), "=", counts_[size_t(i)]);
  }
  return out;
}

} // namespace tessera::sim
