//===- cpu_schedule.h - Schedules for the LLVM CPU back end ---------------------------===//
//
// Chooses, per stage, the schedule the CPU code uses, from parameters that are all
// explicit (CpuScheduleParams) so an auto-tuner can search them:
//
//  * reductions with an output tile (conv2d, Gemm/MatMul, pooling): register blocking:
//    split the output channel (or column) by `channelBlock` and the innermost spatial
//    axis by `vectorWidth`, put the reduction loops outside the tile, accumulate the
//    tile in a local buffer (cache_write), unroll the channel block, vectorize the
//    width block, and run the outermost loops in parallel;
//  * convolutions with more than one input channel per group: vectorize over a block
//    of output channels (weights repacked to make it contiguous), unroll a block of
//    output columns, broadcast each input element: no gathers at any stride;
//  * Winograd convolutions (op_compute_winograd.cpp): the input and output
//    transforms with their point loops unrolled and a row of tiles vectorized, the
//    batched products register-blocked like pointwise convolutions;
//  * elementwise stages: the innermost axis split by the vector width and vectorized,
//    the outermost axes fused and parallel.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "compiler/loop/schedule.h"
#include "compiler/lower/op_compute.h"

namespace tessera::lower {

/// The parameters of compiler/lower/schedule_params.def (names, defaults and what
/// each means are listed there, once).
struct CpuScheduleParams {
#define TESSERA_SCHEDULE_PARAM(name, type, value, wideValue, min, description) type name = value;
#include "compiler/lower/schedule_params.def"
};

/// The defaults for a target with `vectorRegisters` vector registers: schedule_params.def's
/// Default column, or its WideDefault column with 32 or more (AVX-512: vectors of 16
/// lanes, the direct convolutions vectorize 16 output channels, the Winograd and 1x1
/// products block 8).
CpuScheduleParams scheduleParamsFor(int vectorRegisters);

/// A schedule an auto-tuner tries for a kernel: what it changes, and the parameters.
struct ScheduleCandidate {
  std::string label;
  CpuScheduleParams params;
};

/// The schedules `tessera compile --tune` times for each kernel, `base` first, then
/// schedule_params.def's TESSERA_SCHEDULE_CANDIDATE rows that apply to `base` and give
/// parameters no earlier candidate has. Most kernels lower the same under several of
/// them; only distinct ones need timing.
std::vector<ScheduleCandidate> tuningCandidates(const CpuScheduleParams &base);

/// Sets one parameter from `name=value` text (the names of schedule_params.def, e.g.
/// "winogradOutputTile=0"): how `tessera compile --schedule` and tuners override them.
/// The value is an integer, at least the parameter's Min.
Status setScheduleParam(CpuScheduleParams &params, const std::string &assignment);

/// Every parameter as `name=value` lines, in schedule_params.def order: the text form
/// setScheduleParam reads back.
std::string printScheduleParams(const CpuScheduleParams &params);

/// One line per parameter, "name=default (wide default with AVX-512): description" (the
/// help of `tessera compile --schedule`).
std::string scheduleParamsHelp();

/// The description choices (weight packing, Winograd and matrix-product eligibility,
/// inline padding) that go with `params`' schedules.
DescribeOptions describeOptionsFor(const CpuScheduleParams &params);

/// Applies the CPU schedule to every stage of `schedule`.
Status scheduleForCpu(loop::Schedule &schedule, const CpuScheduleParams &params = {});

} // namespace tessera::lower
