//===- accel_conv_bench.cpp - ResNet-18 conv layers on the SystemC model ----------------===//
//
// Compiles each ResNet-18 convolution shape (random int8 weights, random bias and
// per-channel requant) as a one-layer accelerator program with the tiling the cost model
// chooses, runs it on a cycle-level backend (SystemC by default) and prints, per layer and
// per number of virtual threads, the simulated cycles, the layer segment's GEMM
// utilization (docs/reports.md) and the cost model's estimate next to them.
//
//   accel_conv_bench [--backend systemc|rtl] [--config default|FILE.json] [--threads 1,2]
//                    [--layer NAME] [--trace t.json]   (Chrome trace of the last run)
//
// docs/performance.md ("Accelerator: ResNet-18 conv layers") records its output.
//
//===----------------------------------------------------------------------===//
#include <cstdio>
#include <random>
#include <string>

#include "compiler/accel/conv_emitter.h"
#include "compiler/accel/layouts.h"
#include "compiler/accel/mapping_space.h"
#include "runtime/device.h"
#include "support/strings.h"
#include "isa/alu_ops.h"

namespace tessera::accel {
namespace {

struct Shape2d {
  const char *name;
  int64_t channels, size, outChannels, kernel, stride, pad;
  bool relu, windowPack;
  int64_t group = 1;
};

/// ResNet-18's distinct convolution shapes (224x224 input), its classifier as a 1x1 conv,
/// and three MobileNetV2 depthwise shapes.
constexpr Shape2d kLayers[] = {
    {"conv1", 3, 224, 64, 7, 2, 3, true, false},
    {"conv1.packed", 3, 224, 64, 7, 2, 3, true, true},
    {"layer1.conv3x3", 64, 56, 64, 3, 1, 1, true, false},
    {"layer1.conv3x3.norelu", 64, 56, 64, 3, 1, 1, false, false},
    {"layer2.conv3x3.s2", 64, 56, 128, 3, 2, 1, true, false},
    {"layer2.conv3x3", 128, 28, 128, 3, 1, 1, true, false},
    {"layer2.downsample", 64, 56, 128, 1, 2, 0, false, false},
    {"layer3.conv3x3.s2", 128, 28, 256, 3, 2, 1, true, false},
    {"layer3.conv3x3", 256, 14, 256, 3, 1, 1, true, false},
    {"layer3.downsample", 128, 28, 256, 1, 2, 0, false, false},
    {"layer4.conv3x3.s2", 256, 14, 512, 3, 2, 1, true, false},
    {"layer4.conv3x3", 512, 7, 512, 3, 1, 1, true, false},
    {"layer4.downsample", 256, 14, 512, 1, 2, 0, false, false},
    {"fc", 512, 1, 1000, 1, 1, 0, false, false},
    // MobileNetV2 depthwise convolutions (one input block per output block).
    {"mbv2.dw32", 32, 112, 32, 3, 1, 1, true, false, 32},
    {"mbv2.dw144.s2", 144, 56, 144, 3, 2, 1, true, false, 144},
    {"mbv2.dw960", 960, 7, 960, 3, 1, 1, true, false, 960},
};

ConvLayer makeLayer(const Shape2d &s, std::mt19937_64 &rng) {
  ConvLayer l;
  l.name = s.name;
  l.inChannels = s.channels, l.height = l.width = s.size, l.outChannels = s.outChannels;
  l.kernelH = l.kernelW = s.kernel, l.strideH = l.strideW = s.stride, l.padTop = l.padLeft = s.pad;
  l.outHeight = l.outWidth = (s.size + 2 * s.pad - s.kernel) / s.stride + 1;
  l.group = s.group;
  l.weights = Tensor(DType::I8, {s.outChannels, s.channels / s.group, s.kernel, s.kernel});
  for (int64_t i = 0; i < l.weights.elementCount(); ++i) l.weights.data<int8_t>()[i] = int8_t(int(rng() % 256) - 128);
  for (int64_t c = 0; c < s.outChannels; ++c) {
    l.bias.push_back(int32_t(rng() % 20001) - 10000);
    l.requantOperands.push_back(isa::packRequantOperand(uint32_t((1 << 22) + rng() % (1 << 22)), 34));
  }
  if (s.relu) l.clipLo = 0;
  return l;
}

/// The GEMM's share of the compute unit when nothing else stalls it: micro-ops per output
/// pixel and block against the ALU epilogue's cycles per accumulator row.
double isaCeiling(const ConvLayer &layer, const isa::HardwareConfig &config) {
  GroupBlocks groups = groupBlocks(layer.inChannels, layer.outChannels, layer.group, config.block_out, config.block_in);
  double gemm = double(groups.perOutBlock * layer.kernelH * layer.kernelW);
  return gemm / (gemm + double(convEpilogue(layer).cyclesPerRow(config)));
}

struct Row {
  ConvTiling tiling;
  double estimate = 0;
  uint64_t cycles = 0;
  double utilization = 0;
};

StatusOr<isa::Program> compileLayer(const ConvLayer &layer, const ConvTiling &tiling,
                                    const isa::HardwareConfig &config) {
  ProgramBuilder builder(config);
  Shape in = {ceilDiv(layer.inChannels, config.block_in), layer.height, layer.width, config.block_in};
  builder.addTensor("x", isa::TensorKind::input, DType::I8, in);
  builder.addTensor("y", isa::TensorKind::output, DType::I8,
                    {ceilDiv(layer.outChannels, config.block_out), layer.outHeight, layer.outWidth, config.block_out});
  TS_RETURN_IF_ERROR(emitConv(builder, layer, tiling, "x", "y", LayerPosition::first));
  return builder.finish(/*popStore=*/true);
}

StatusOr<Row> runLayer(const ConvLayer &layer, const isa::HardwareConfig &config, const std::string &backend,
                       int64_t threads, const std::string &trace) {
  Row row;
  TS_ASSIGN_OR_RETURN(row.tiling, chooseConvTiling(layer, config, threads));
  row.estimate = estimateConvCycles(layer, row.tiling, config);
  TS_ASSIGN_OR_RETURN(isa::Program program, compileLayer(layer, row.tiling, config));
  TS_ASSIGN_OR_RETURN(auto device, runtime::Device::open(backend, config));
  TS_RETURN_IF_ERROR(device->load(std::move(program)));
  runtime::RunOptions options;
  options.tracePath = trace;
  TS_ASSIGN_OR_RETURN(runtime::RunResult result, device->run(options));
  nlohmann::json report = device->report(result);
  for (const nlohmann::json &segment : report.at("segments"))
    if (segment.at("name") == layer.name) {
      row.cycles = segment.at("cycles").get<uint64_t>();
      row.utilization = segment.at("gemm_utilization").get<double>();
    }
  return row;
}

struct Options {
  std::string backend = "systemc", config = "default", only, trace;
  std::vector<int64_t> threads = {1, 2};
};

StatusOr<Options> parseOptions(int argc, char **argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--backend")
      options.backend = value;
    else if (flag == "--config")
      options.config = value;
    else if (flag == "--layer")
      options.only = value;
    else if (flag == "--trace")
      options.trace = value;
    else if (flag == "--threads") {
      options.threads.clear();
      for (std::string_view t : splitString(value, ',')) options.threads.push_back(std::stoll(std::string(t)));
    } else
      return invalidInput("unknown flag %s (--backend, --config, --threads, --layer, --trace)", flag);
  }
  return options;
}

Status run(int argc, char **argv) {
  TS_ASSIGN_OR_RETURN(Options options, parseOptions(argc, argv));
  bool path = options.config.size() > 5 && options.config.substr(options.config.size() - 5) == ".json";
  TS_ASSIGN_OR_RETURN(
      isa::HardwareConfig config,
      isa::loadConfigFile(path ? options.config
                               : std::string(TESSERA_SOURCE_DIR) + "/configs/" + options.config + ".json"));
  std::printf("| layer | in -> out | V | tile (blocks x rows, wgt slots, input slot) | estimate | %s cycles | est. "
              "error | GEMM util. | ISA ceiling |\n",
              options.backend.c_str());
  std::printf("|---|---|---|---|---|---|---|---|---|\n");
  std::mt19937_64 rng(2026);
  for (const Shape2d &shape : kLayers) {
    ConvLayer layer = makeLayer(shape, rng);
    if (!options.only.empty() && options.only != shape.name) continue;
    if (shape.windowPack) { TS_ASSIGN_OR_RETURN(layer, windowPackedLayer(layer)); }
    for (int64_t threads : options.threads) {
      StatusOr<Row> result = runLayer(layer, config, options.backend, threads, options.trace);
      if (!result.ok()) {
        std::printf("| %s | | %d | %s | | | | | |\n", shape.name, int(threads),
                    std::string(result.status().message()).c_str());
        continue;
      }
      const Row &row = *result;
      int64_t out = (shape.size + 2 * shape.pad - shape.kernel) / shape.stride + 1;
      std::fputs(absl::StrFormat(
                     "| %s | %dx%dx%d -> %dx%dx%d | %d | %d x %d, %d, %s | %.0f | %d | %+.1f%% | %.1f%% | %.1f%% |\n",
                     shape.name, shape.channels, shape.size, shape.size, shape.outChannels, out, out, threads,
                     row.tiling.outBlocks, row.tiling.outRows, row.tiling.weightSlots,
                     row.tiling.rowMajorInput ? "by row" : "by block", row.estimate, row.cycles,
                     100.0 * (row.estimate / double(row.cycles) - 1.0), 100.0 * row.utilization,
                     100.0 * isaCeiling(layer, config))
                     .c_str(),
                 stdout);
      std::fflush(stdout);
    }
  }
  return absl::OkStatus();
}

} // namespace
} // namespace tessera::accel

int main(int argc, char **argv) {
  tessera::Status status = tessera::accel::run(argc, argv);
  if (status.ok()) return 0;
  std::fprintf(stderr, "accel_conv_bench: %s\n", std::string(status.message()).c_str());
  return 1;
}
