//===- assembler.cpp - Text assembly to Program ----------------------------------===//
//
// Two passes: the first parses every line (directives, micro-ops, instructions) and
// records symbolic dram_base operands; the second places the micro-op table and the
// instruction stream after the tensors (unless placed explicitly), resolves symbols,
// checks that every field fits its encoding, and runs the program verifier.
//
//===----------------------------------------------------------------------===//
#include "isa/assembler.h"

#include <algorithm>
#include <cstring>

#include <absl/strings/str_format.h>

#include <cctype>
#include <charconv>
#include <map>

#include "isa/text_values.h"
#include "support/checked_math.h"
#include "support/limits.h"

namespace tessera::isa {
namespace {

uint64_t alignUp(uint64_t value, uint64_t alignment) { return (value + alignment - 1) / alignment * alignment; }

/// A dram_base operand naming a tensor or the micro-op table.
struct SymbolRef {
  size_t instruction;
  std::string symbol;
  int64_t addend;
  int line;
};

class Assembler {
public:
  Assembler(const HardwareConfig &config, const IsaLayout &layout, std::string_view sourceName)
      : config_(config), layout_(layout), sourceName_(sourceName) {}

  StatusOr<Program> run(std::string_view text, bool requireGeometry);

private:
  Status parseLine(const std::vector<std::string_view> &tokens);
  Status parseTensor(const std::vector<std::string_view> &tokens);
  Status parseData(const std::vector<std::string_view> &tokens);
  Status parseUop(const std::vector<std::string_view> &tokens);
  Status parseSegment(const std::vector<std::string_view> &tokens);
  Status parsePlacement(const std::vector<std::string_view> &tokens, std::optional<uint64_t> &slot);
  Status parseGeometry(const std::vector<std::string_view> &tokens);
  Status parseInstruction(const std::vector<std::string_view> &tokens);
  Status parseOperand(Instruction &inst, const FieldLayout &field, std::string_view value);
  Status closeSegment();
  Status place();
  Status resolveSymbols();
  Status checkData();
  Status error(std::string_view message) const;
  Status error(const Status &status) const { return error(std::string(status.message())); }

  const HardwareConfig &config_;
  const IsaLayout &layout_;
  std::string sourceName_;
  int line_ = 0;
  Program program_;
  std::vector<SymbolRef> symbols_;
  std::vector<int> instructionLines_;
  std::map<std::string, size_t> dataFilled_; ///< bytes of data given per constant tensor
  std::optional<uint64_t> uopOffset_, instructionOffset_, dramBytes_;
  std::optional<Segment> openSegment_;
  bool geometryDeclared_ = false;
};

Status Assembler::error(std::string_view message) const {
  return absl::InvalidArgumentError(strCat(sourceName_, ":", line_, ": ", message));
}

StatusOr<Program> Assembler::run(std::string_view text, bool requireGeometry) {
  for (std::string_view rawLine : splitString(text, '\n')) {
    ++line_;
    std::string_view content = rawLine.substr(0, rawLine.find_first_of(";#"));
    // Names and values are ASCII (comments may hold anything): a name becomes a JSON
    // string in the .tsb's metadata, which must be valid UTF-8.
    for (char c : content)
      if (static_cast<unsigned char>(c) >= 0x80 || (c != '\t' && c != '\r' && std::iscntrl(static_cast<unsigned char>(c))))
        return error(absl::StrFormat("byte 0x%02X outside a comment: names and values are printable ASCII",
                                     static_cast<unsigned char>(c)));
    std::vector<std::string_view> tokens = tokenize(content);
    if (tokens.empty()) continue;
    TS_RETURN_IF_ERROR(parseLine(tokens));
  }
  TS_RETURN_IF_ERROR(closeSegment());
  if (requireGeometry && !geometryDeclared_)
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: no .geometry directive: name the array the program is written for, e.g. `.geometry batch=%d "
        "block_in=%d block_out=%d` for config '%s'",
        sourceName_, config_.batch, config_.block_in, config_.block_out, config_.name));
  TS_RETURN_IF_ERROR(checkData());
  TS_RETURN_IF_ERROR(place());
  TS_RETURN_IF_ERROR(resolveSymbols());
  Status verified = verifyProgram(program_, config_);
  if (!verified.ok()) return absl::InvalidArgumentError(strCat(sourceName_, ": ", verified.message()));
  return std::move(program_);
}

Status Assembler::parseLine(const std::vector<std::string_view> &tokens) {
  std::string_view head = tokens[0];
  if (head == ".tensor") return parseTensor(tokens);
  if (head == ".data") return parseData(tokens);
  if (head == ".uop") return parseUop(tokens);
  if (head == ".segment") return parseSegment(tokens);
  if (head == ".endsegment") return closeSegment();
  if (head == ".uops") return parsePlacement(tokens, uopOffset_);
  if (head == ".instructions") return parsePlacement(tokens, instructionOffset_);
  if (head == ".geometry") return parseGeometry(tokens);
  if (head == ".dram_bytes") {
    if (tokens.size() != 2) return error(".dram_bytes takes one value");
    auto value = parseUnsigned(tokens[1]);
    if (!value.ok()) return error(value.status());
    Status bounded = checkAtMost(*value, kMaxDramBytes, ".dram_bytes");
    if (!bounded.ok()) return error(bounded);
    dramBytes_ = *value;
    return absl::OkStatus();
  }
  if (head.starts_with('.')) return error(strCat("unknown directive '", head, "'"));
  return parseInstruction(tokens);
}

Status Assembler::parseTensor(const std::vector<std::string_view> &tokens) {
  // .tensor NAME KIND DTYPE SHAPE @OFFSET [scale=F] [zero_point=I]
  if (tokens.size() < 6 || !tokens[5].starts_with('@'))
    return error(".tensor expects: .tensor NAME KIND DTYPE SHAPE @OFFSET [scale=F] [zero_point=I]");
  TensorInfo tensor;
  tensor.name = std::string(tokens[1]);
  if (tensor.name == "uops" || program_.findTensor(tensor.name))
    return error(strCat("tensor name '", tensor.name, "' is already used"));
  auto kind = tensorKindFromName(tokens[2]);
  if (!kind) return error(strCat("unknown tensor kind '", tokens[2], "' (input, output, const, scratch)"));
  tensor.kind = *kind;
  auto dtype = parseDType(tokens[3]);
  auto shape = parseShape(tokens[4]);
  auto offset = parseUnsigned(tokens[5].substr(1));
  if (!dtype.ok()) return error(dtype.status());
  if (!shape.ok()) return error(shape.status());
  if (!offset.ok()) return error(offset.status());
  tensor.dtype = *dtype;
  tensor.shape = *shape;
  tensor.dramOffset = *offset;
  // Sizes are checked where they are declared, before .data or placement uses them.
  auto bytes = checkedTensorBytes(tensor.shape, tensor.dtype);
  if (!bytes.ok()) return error(strCat(".tensor '", tensor.name, "': ", bytes.status().message()));
  if (*offset > kMaxDramBytes || *bytes > kMaxDramBytes - *offset)
    return error(strCat(".tensor '", tensor.name, "': bytes [", *offset, ", +", *bytes,
                        ") pass the DRAM limit of ", kMaxDramBytes, " bytes"));
  for (size_t i = 6; i < tokens.size(); ++i) {
    auto kv = splitOnce(tokens[i], '=');
    if (kv.first == "scale") {
      auto scale = parseFloat(kv.second);
      if (!scale.ok()) return error(scale.status());
      tensor.scale = float(*scale);
    } else if (kv.first == "zero_point") {
      auto zero = parseSigned(kv.second);
      if (!zero.ok()) return error(zero.status());
      tensor.zeroPoint = int32_t(*zero);
    } else {
      return error(strCat("unknown .tensor attribute '", kv.first, "' (scale, zero_point)"));
    }
  }
  program_.tensors.push_back(std::move(tensor));
  return absl::OkStatus();
}

Status Assembler::parseData(const std::vector<std::string_view> &tokens) {
  if (tokens.size() < 3) return error(".data expects: .data TENSOR VALUE... or .data TENSOR fill VALUE");
  TensorInfo *tensor = nullptr;
  for (TensorInfo &candidate : program_.tensors) {
    if (candidate.name == tokens[1]) tensor = &candidate;
  }
  if (!tensor) return error(strCat(".data names unknown tensor '", tokens[1], "'"));
  if (tensor->kind != TensorKind::constant)
    return error(strCat(".data: tensor '", tensor->name, "' is not const"));
  size_t elementBytes = dtypeSize(tensor->dtype);
  if (tokens[2] == "fill") {
    if (tokens.size() != 4) return error(".data TENSOR fill VALUE takes one value");
    std::vector<uint8_t> element;
    Status appended = appendValue(tensor->dtype, tokens[3], element);
    if (!appended.ok()) return error(appended);
    // The element repeated to the tensor's size (bounded by .tensor's checks) by doubling
    // copies: a 429 M-element fill is a few memcpys, not 429 M inserts.
    size_t size = tensor->byteSize();
    tensor->data.assign(size, 0);
    if (size > 0 && !element.empty()) {
      std::memcpy(tensor->data.data(), element.data(), std::min(size, element.size()));
      for (size_t filled = element.size(); filled < size; filled *= 2)
        std::memcpy(tensor->data.data() + filled, tensor->data.data(), std::min(filled, size - filled));
    }
  } else {
    for (size_t i = 2; i < tokens.size(); ++i) {
      Status appended = appendValue(tensor->dtype, tokens[i], tensor->data);
      if (!appended.ok()) return error(appended);
    }
  }
  if (tensor->data.size() > tensor->byteSize())
    return error(strCat(".data: tensor '", tensor->name, "' has ", tensor->byteSize() / elementBytes,
                              " elements; ", tensor->data.size() / elementBytes, " were given"));
  dataFilled_[tensor->name] = tensor->data.size();
  return absl::OkStatus();
}

/// `.geometry batch=B block_in=I block_out=O`: the GEMM array the program was written for,
/// which must be the config's (the same text on another array computes something else).
Status Assembler::parseGeometry(const std::vector<std::string_view> &tokens) {
  static constexpr const char *kUsage = ".geometry expects: .geometry batch=B block_in=I block_out=O";
  if (tokens.size() != 4) return error(kUsage);
  if (geometryDeclared_) return error(".geometry given twice");
  const std::pair<const char *, int64_t> fields[] = {
      {"batch", config_.batch}, {"block_in", config_.block_in}, {"block_out", config_.block_out}};
  for (size_t i = 0; i < 3; ++i) {
    auto kv = splitOnce(tokens[i + 1], '=');
    if (kv.first != fields[i].first) return error(kUsage);
    auto value = parseUnsigned(kv.second);
    if (!value.ok()) return error(value.status());
    if (int64_t(*value) != fields[i].second)
      return error(absl::StrFormat(".geometry %s=%d, but config '%s' has %s=%d: the program was written for "
                                   "another array",
                                   kv.first, *value, config_.name, kv.first, fields[i].second));
  }
  geometryDeclared_ = true;
  return absl::OkStatus();
}

Status Assembler::parseUop(const std::vector<std::string_view> &tokens) {
  Uop uop;
  bool seen[3] = {false, false, false};
  for (size_t i = 1; i < tokens.size(); ++i) {
    auto kv = splitOnce(tokens[i], '=');
    auto value = parseUnsigned(kv.second);
    if (!value.ok()) return error(value.status());
    uint32_t *slot = kv.first == "dst" ? &uop.dst : kv.first == "src" ? &uop.src : kv.first == "wgt" ? &uop.wgt : nullptr;
    if (!slot) return error(strCat(".uop: unknown field '", kv.first, "' (dst, src, wgt)"));
    size_t which = size_t(slot - &uop.dst);
    if (seen[which]) return error(strCat(".uop: field '", kv.first, "' given twice"));
    seen[which] = true;
    if (*value > 0xffffffffu) return error(strCat(".uop: ", kv.first, " is too large"));
    *slot = uint32_t(*value);
  }
  auto encoded = encodeUop(layout_, uop);
  if (!encoded.ok()) return error(encoded.status());
  program_.uops.push_back(uop);
  return absl::OkStatus();
}

Status Assembler::parseSegment(const std::vector<std::string_view> &tokens) {
  TS_RETURN_IF_ERROR(closeSegment());
  if (tokens.size() < 2 || tokens.size() > 3) return error(".segment expects: .segment NAME [op=OP]");
  Segment segment;
  segment.name = std::string(tokens[1]);
  if (tokens.size() == 3) {
    if (!tokens[2].starts_with("op=")) return error(".segment: the optional attribute is op=OP");
    segment.op = std::string(tokens[2].substr(3));
  }
  segment.firstInstruction = uint32_t(program_.instructions.size());
  openSegment_ = segment;
  return absl::OkStatus();
}

Status Assembler::closeSegment() {
  if (!openSegment_) return absl::OkStatus();
  openSegment_->instructionCount = uint32_t(program_.instructions.size()) - openSegment_->firstInstruction;
  program_.segments.push_back(*openSegment_);
  openSegment_.reset();
  return absl::OkStatus();
}

Status Assembler::parsePlacement(const std::vector<std::string_view> &tokens, std::optional<uint64_t> &slot) {
  if (tokens.size() != 2 || !tokens[1].starts_with('@'))
    return error(strCat(tokens[0], " expects one @OFFSET"));
  auto value = parseUnsigned(tokens[1].substr(1));
  if (!value.ok()) return error(value.status());
  Status bounded = checkAtMost(*value, kMaxDramBytes, strCat(tokens[0], " offset"));
  if (!bounded.ok()) return error(bounded);
  slot = *value;
  return absl::OkStatus();
}

Status Assembler::parseInstruction(const std::vector<std::string_view> &tokens) {
  auto opcode = opcodeFromName(tokens[0]);
  if (!opcode) return error(strCat("unknown instruction '", tokens[0], "' (load, store, gemm, alu, finish)"));
  Instruction inst = makeInstruction(*opcode);
  const FormatLayout &format = layout_.format(*opcode);
  std::vector<bool> seen(kFieldCount, false);
  for (size_t i = 1; i < tokens.size(); ++i) {
    auto kv = splitOnce(tokens[i], '=');
    auto field = fieldFromName(kv.first);
    const FieldLayout *slot = field ? format.find(*field) : nullptr;
    if (!slot || *field == Field::opcode)
      return error(strCat(tokens[0], ": unknown field '", kv.first, "' (fields: ", formatFieldList(format), ")"));
    if (seen[size_t(*field)]) return error(strCat(tokens[0], ": field '", kv.first, "' given twice"));
    seen[size_t(*field)] = true;
    bool bare = tokens[i].find('=') == std::string_view::npos;
    if (bare && slot->width != 1) return error(strCat(tokens[0], ": field '", kv.first, "' needs a value"));
    TS_RETURN_IF_ERROR(parseOperand(inst, *slot, bare ? "1" : kv.second));
  }
  if (inst.opcode == Opcode::load && !seen[size_t(Field::buffer)]) return error("load: the buffer field is required");
  if (inst.opcode == Opcode::alu && !seen[size_t(Field::alu_op)]) return error("alu: the alu_op field is required");
  program_.instructions.push_back(inst);
  instructionLines_.push_back(line_);
  return absl::OkStatus();
}

Status Assembler::parseOperand(Instruction &inst, const FieldLayout &field, std::string_view value) {
  if (field.field == Field::buffer) {
    auto buffer = bufferFromName(value);
    if (!buffer) return error(strCat("unknown buffer '", value, "' (uop, inp, wgt, acc, acc8)"));
    inst[Field::buffer] = int64_t(*buffer);
    return absl::OkStatus();
  }
  if (field.field == Field::alu_op) {
    auto op = aluOpFromName(value);
    if (!op) return error(strCat("unknown alu_op '", value, "'"));
    inst[Field::alu_op] = int64_t(*op);
    return absl::OkStatus();
  }
  if (field.field == Field::dram_base && !value.empty() && (std::isalpha(value[0]) || value[0] == '_')) {
    auto ref = parseSymbolRef(value);
    if (!ref.ok()) return error(ref.status());
    symbols_.push_back({program_.instructions.size(), ref->first, ref->second, line_});
    return absl::OkStatus();
  }
  auto number = parseSigned(value);
  if (!number.ok()) return error(strCat(opcodeName(inst.opcode), ": field ", fieldName(field.field), ": ", number.status().message()));
  inst[field.field] = *number;
  return absl::OkStatus();
}

Status Assembler::checkData() {
  for (const TensorInfo &tensor : program_.tensors) {
    if (tensor.kind != TensorKind::constant) continue;
    if (tensor.data.size() != tensor.byteSize())
      return absl::InvalidArgumentError(strCat(
          sourceName_, ": constant tensor '", tensor.name, "' has ", tensor.data.size() / dtypeSize(tensor.dtype),
          " of its ", shapeElementCount(tensor.shape), " elements (give them with .data)"));
  }
  return absl::OkStatus();
}

Status Assembler::place() {
  uint64_t end = 0;
  for (const TensorInfo &tensor : program_.tensors) end = std::max(end, tensor.dramOffset + tensor.byteSize());
  program_.uopOffset = uopOffset_.value_or(alignUp(end, 64));
  end = std::max(end, program_.uopOffset + program_.uops.size() * uint64_t(layout_.uopBytes()));
  program_.instructionOffset = instructionOffset_.value_or(alignUp(end, 64));
  end = std::max(end, program_.instructionOffset + program_.instructions.size() * uint64_t(layout_.instructionBytes()));
  program_.dramBytes = dramBytes_.value_or(std::max<uint64_t>(alignUp(end, 4096), 4096));
  return absl::OkStatus();
}

Status Assembler::resolveSymbols() {
  for (const SymbolRef &ref : symbols_) {
    line_ = ref.line;
    Instruction &inst = program_.instructions[ref.instruction];
    Buffer buffer = inst.opcode == Opcode::store ? Buffer::out : inst.buffer();
    uint64_t entry = uint64_t(config_.entryBytes(buffer));
    uint64_t base = 0;
    if (ref.symbol == "uops") {
      base = program_.uopOffset;
    } else if (const TensorInfo *tensor = program_.findTensor(ref.symbol)) {
      base = tensor->dramOffset;
    } else {
      return error(strCat("dram_base names unknown tensor '", ref.symbol, "'"));
    }
    if (base % entry != 0)
      return error(strCat("'", ref.symbol, "' at byte ", absl::StrFormat("0x%x", base), " is not aligned to the ",
                                entry, "-byte ", bufferName(buffer), " entries"));
    int64_t value = int64_t(base / entry) + ref.addend;
    if (value < 0) return error(strCat("dram_base ", ref.symbol, ref.addend, " is negative"));
    inst[Field::dram_base] = value;
  }
  for (size_t i = 0; i < program_.instructions.size(); ++i) {
    auto encoded = encode(layout_, program_.instructions[i]);
    line_ = instructionLines_[i];
    if (!encoded.ok()) return error(encoded.status());
  }
  return absl::OkStatus();
}

} // namespace

StatusOr<Program> assemble(std::string_view text, const HardwareConfig &config, std::string_view sourceName,
                           const AssembleOptions &options) {
  TS_ASSIGN_OR_RETURN(IsaLayout layout, IsaLayout::build(config));
  Assembler assembler(config, layout, sourceName);
  return assembler.run(text, options.requireGeometry);
}

} // namespace tessera::isa
