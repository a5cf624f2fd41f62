//===- fetch_unit.cpp - Block reads and in-order dispatch ----------------------------===//
#include "simulator/systemc/fetch_unit.h"

#include <algorithm>

#include "isa/timing/transfer_shape.h"

namespace tessera::systemc {

FetchUnit::FetchUnit(sc_core::sc_module_name name, ModelContext &context, DramModule &dram)
    : sc_core::sc_module(name), context_(context), dram_(dram),
      blockSize_(timing::fetchBlockInstructions(context.config)) {
  size_t count = context.program.instructions.size();
  size_t blocks = (count + blockSize_ - 1) / blockSize_;
  arrived_.assign(blocks, kNever);
  freed_.assign(blocks, kNever);
  SC_HAS_PROCESS(FetchUnit);
  SC_THREAD(readBlocks);
  SC_THREAD(dispatch);
}

void FetchUnit::readBlocks() {
  const uint64_t count = context_.program.instructions.size();
  for (size_t k = 0; k < arrived_.size(); ++k) {
    if (k >= 2) {
      while (freed_[k - 2] == kNever) sc_core::wait(blockFreed_);
      waitUntil(freed_[k - 2]);
    }
    uint64_t instructions = std::min<uint64_t>(blockSize_, count - k * blockSize_);
    timing::TransferShape shape = timing::fetchShape(instructions, context_.config);
    timing::TransferTiming timing = dram_.transfer(timing::Requester::fetch, shape);
    waitUntil(timing.done);
    arrived_[k] = timing.done;
    context_.fetch.blocks += 1;
    context_.fetch.bytes += shape.bytes;
    blockArrived_.notify(sc_core::SC_ZERO_TIME);
  }
}

uint64_t FetchUnit::waitForRoom(instruction_queue_if &queue) {
  for (;;) {
    uint64_t cycle = nowCycle();
    if (queue.hasRoom(cycle)) return cycle;
    if (queue.poppedIn(cycle)) waitUntil(cycle + 1);
    else sc_core::wait(queue.changed());
  }
}

void FetchUnit::dispatch() {
  const auto &instructions = context_.program.instructions;
  uint64_t nextFree = 0; // earliest cycle of the next dispatch
  for (next_ = 0; next_ < instructions.size(); ++next_) {
    size_t block = next_ / blockSize_;
    while (arrived_[block] == kNever) sc_core::wait(blockArrived_);
    uint64_t ready = std::max(nextFree, arrived_[block]);
    waitUntil(ready);
    instruction_queue_if &queue = *queues[size_t(isa::unitOf(instructions[next_]))].operator->();
    uint64_t cycle = waitForRoom(queue);
    queue.push(next_, cycle);
    context_.records[next_].dispatch = cycle;
    context_.fetch.stallDram += ready - nextFree;
    context_.fetch.stallQueue += cycle - ready;
    context_.fetch.busy += 1;
    context_.fetch.lastDispatch = cycle;
    nextFree = cycle + 1;
    bool lastOfBlock = next_ + 1 == instructions.size() || (next_ + 1) % blockSize_ == 0;
    if (lastOfBlock) {
      freed_[block] = cycle + 1;
      blockFreed_.notify(sc_core::SC_ZERO_TIME);
    }
  }
}

std::string FetchUnit::blockedReason() const {
  if (next_ >= context_.program.instructions.size()) return "done";
  const isa::Instruction &inst = context_.program.instructions[next_];
  return strCat("instruction ", next_, " (", isa::opcodeName(inst.opcode), ") waits for room in the ",
                isa::unitName(isa::unitOf(inst)), " instruction queue");
}

} // namespace tessera::systemc
