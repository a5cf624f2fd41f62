//===- host_model_check.cpp - A binary's host metadata checked against its program --===//
#include "compiler/accel/host_model_check.h"

#include <set>

#include "support/strings.h"

namespace tessera::accel {
namespace {

std::string regionName(const HostRegion &region) {
  return strCat("host metadata: region ", region.region, region.onAccelerator() ? " (accelerator)" : " (host)");
}

Status checkInstructionRanges(const HostModel &model, const isa::Program &program) {
  uint32_t previousEnd = 0;
  for (const HostRegion &region : model.regions) {
    if (!region.onAccelerator()) continue;
    if (region.firstInstruction < previousEnd || region.endInstruction < region.firstInstruction ||
        region.endInstruction >= program.instructions.size())
      return invalidInput("%s: instructions [%d, %d) are not inside the program's %d instructions after the "
                          "previous region's (which ends at %d)",
                          regionName(region), region.firstInstruction, region.endInstruction,
                          program.instructions.size(), previousEnd);
    previousEnd = region.endInstruction;
  }
  return absl::OkStatus();
}

/// Output extents a window over `in` can have with top/left padding `pad` and any
/// bottom/right padding up to the kernel's reach; {1, 0} (empty) when the window is bad.
std::pair<int64_t, int64_t> windowExtents(int64_t in, int64_t k, int64_t s, int64_t d, int64_t pad) {
  if (s < 1 || d < 1 || k < 1 || pad < 0 || in < 1) return {1, 0};
  int64_t reach = d * (k - 1) + 1;
  return {(in + pad - reach) / s + 1, (in + pad - 1) / s + 1};
}

/// The window packing's own geometry: the image it packs and an output extent its
/// kernel, stride, dilation and padding can give.
Status checkWindow(const ConvLayer &w, const HostTransfer &t) {
  if (t.nchw.size() != 4 || w.inChannels != t.nchw[1] || w.height != t.nchw[2] || w.width != t.nchw[3])
    return invalidInput("window packing of '%s': image %dx%dx%d does not match the transfer's nchw %s", t.value,
                        w.inChannels, w.height, w.width, shapeToString(t.nchw));
  auto [loH, hiH] = windowExtents(w.height, w.kernelH, w.strideH, w.dilationH, w.padTop);
  auto [loW, hiW] = windowExtents(w.width, w.kernelW, w.strideW, w.dilationW, w.padLeft);
  if (w.outHeight < loH || w.outHeight > hiH || w.outWidth < loW || w.outWidth > hiW)
    return invalidInput("window packing of '%s': kernel %dx%d, stride %dx%d, dilation %dx%d and pads %d,%d cannot "
                        "give its output %dx%d",
                        t.value, w.kernelH, w.kernelW, w.strideH, w.strideW, w.dilationH, w.dilationW, w.padTop,
                        w.padLeft, w.outHeight, w.outWidth);
  return absl::OkStatus();
}

Status checkTransfer(const HostTransfer &t, bool toDevice, const isa::Program &program,
                     const isa::HardwareConfig &config) {
  const isa::TensorInfo *tensor = program.findTensor(t.tensor);
  std::string what = strCat(toDevice ? "to_device" : "from_device", " transfer of '", t.value, "'");
  if (!tensor) return invalidInput("%s: the program has no tensor '%s'", what, t.tensor);
  bool kindOk = toDevice ? tensor->kind == isa::TensorKind::input
                         : tensor->kind == isa::TensorKind::output || tensor->kind == isa::TensorKind::scratch;
  if (!kindOk || tensor->dtype != DType::I8)
    return invalidInput("%s: tensor '%s' is %s %s, expected an int8 %s tensor", what, t.tensor,
                        isa::tensorKindName(tensor->kind), dtypeName(tensor->dtype),
                        toDevice ? "input" : "output or scratch");
  if (t.window) TS_RETURN_IF_ERROR(annotate(checkWindow(*t.window, t), what));
  if (t.nchw.size() != 4 || t.nchw[0] < 1)
    return invalidInput("%s: nchw %s is not an [N, C, H, W] image", what, shapeToString(t.nchw));
  Shape expected = deviceShape(t, config);
  if (shapeElementCount(expected) != shapeElementCount(tensor->shape))
    return invalidInput("%s: its layout needs a DRAM tensor of shape %s, tensor '%s' is %s", what,
                        shapeToString(expected), t.tensor, shapeToString(tensor->shape));
  return absl::OkStatus();
}

/// Every value a region reads is a model input or an earlier region's result.
Status checkDataflow(const HostModel &model) {
  std::set<std::string> available;
  for (const HostInput &input : model.inputs) available.insert(input.name);
  auto need = [&](const std::string &value, const HostRegion &region) -> Status {
    if (available.count(value)) return absl::OkStatus();
    return invalidInput("%s reads '%s', which no model input or earlier region provides", regionName(region), value);
  };
  for (const HostRegion &region : model.regions) {
    if (region.graph) {
      for (const std::string &input : region.graph->inputs) TS_RETURN_IF_ERROR(need(input, region));
      for (const std::string &output : region.graph->outputs) available.insert(output);
    }
    for (const HostTransfer &t : region.toDevice) TS_RETURN_IF_ERROR(need(t.value, region));
    for (const HostTransfer &t : region.fromDevice) available.insert(t.value);
  }
  for (const std::string &output : model.outputs)
    if (!available.count(output)) return invalidInput("host metadata: model output '%s' is produced by no region", output);
  return absl::OkStatus();
}

/// Each host region's library lies inside the HOST_CODE section.
Status checkLibraryRanges(const HostModel &model, const isa::Program &program) {
  uint64_t available = program.hostCode.size();
  for (const HostRegion &region : model.regions) {
    if (!region.library) continue;
    if (region.library->size == 0 || region.library->offset > available || region.library->size > available - region.library->offset)
      return invalidInput("host metadata: %s: library bytes [%d, +%d) lie outside the %d-byte HOST_CODE section",
                          regionName(region), region.library->offset, region.library->size, available);
  }
  return absl::OkStatus();
}

} // namespace

Status checkHostModel(const HostModel &model, const isa::Program &program, const isa::HardwareConfig &config) {
  TS_RETURN_IF_ERROR(checkInstructionRanges(model, program));
  TS_RETURN_IF_ERROR(checkLibraryRanges(model, program));
  for (const HostRegion &region : model.regions) {
    for (const HostTransfer &t : region.toDevice)
      TS_RETURN_IF_ERROR(annotate(checkTransfer(t, true, program, config), regionName(region)));
    for (const HostTransfer &t : region.fromDevice)
      TS_RETURN_IF_ERROR(annotate(checkTransfer(t, false, program, config), regionName(region)));
  }
  return checkDataflow(model);
}

} // namespace tessera::accel
