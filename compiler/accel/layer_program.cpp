//===- layer_program.cpp - One accelerator layer alone in its own program -------------===//
#include "compiler/accel/layer_program.h"

#include "compiler/accel/layouts.h"

namespace tessera::accel {
namespace {

template <class... Ts> struct Overloaded : Ts... { using Ts::operator()...; };

/// The [1,C,H,W] images the layer reads (one per operand) and the one it writes.
struct LayerImages {
  std::vector<Shape> inputs;
  Shape output;
};

LayerImages imagesOf(const AccelLayer &layer) {
  auto images = Overloaded{
      [](const ConvLayer &l) {
        return LayerImages{{{l.batch, l.inChannels, l.height, l.width}}, {l.batch, l.outChannels, l.outHeight, l.outWidth}};
      },
      [](const EltwiseLayer &l) {
        Shape image = {1, l.channels, l.height, l.width};
        LayerImages images{std::vector<Shape>(size_t(l.operands()), image), image};
        if (l.channelScale) images.inputs[1] = {1, l.channels, 1, 1};
        return images;
      },
      [](const PoolLayer &l) {
        return LayerImages{{{1, l.channels, l.height, l.width}}, {1, l.channels, l.outHeight, l.outWidth}};
      },
      [](const GlobalPoolLayer &l) { return LayerImages{{{1, l.channels, l.height, l.width}}, {1, l.channels, 1, 1}}; },
  };
  return std::visit(images, layer.shape);
}

} // namespace

StatusOr<isa::Program> layerProgram(const AccelLayer &layer, const Mapping &mapping, const isa::HardwareConfig &config) {
  Status fits = checkMapping(layer, mapping, config);
  if (!fits.ok()) return invalidInput("layer '%s': mapping '%s': %s", layer.name, printMapping(mapping), fits.message());
  LayerImages images = imagesOf(layer);
  std::optional<ConvLayer> window = windowPackingOf(layer, mapping);
  ProgramBuilder builder(config);
  LayerIO io{{}, "out", LayerPosition::first, 0};
  for (size_t i = 0; i < images.inputs.size(); ++i) {
    const Shape &image = images.inputs[i];
    Shape shape = i == 0 && window ? windowPackedShape(*window, image[0], config.block_in)
                                   : blockedImageShape(image, config.block_in);
    io.inputs.push_back(strCat("in", i));
    builder.addTensor(io.inputs.back(), isa::TensorKind::input, DType::I8, shape);
  }
  builder.addTensor("out", isa::TensorKind::output, DType::I8, blockedImageShape(images.output, config.block_in));
  TS_RETURN_IF_ERROR(emitLayer(builder, layer, mapping, io));
  return builder.finish(/*popStore=*/true);
}

} // namespace tessera::accel
