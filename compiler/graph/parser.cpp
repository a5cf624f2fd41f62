//===- parser.cpp - The graph IR's text form (reading) -------------------------===//
//
// Recursive descent over the tokens of support/lexer.h with one token of lookahead. Each
// parse function consumes one construct of the grammar in docs/graph-ir.md.
//
//===----------------------------------------------------------------------===//
#include "compiler/graph/parser.h"

#include <absl/strings/numbers.h>

#include <cmath>
#include <limits>

#include "compiler/graph/dtype_dispatch.h"
#include "support/checked_math.h"
#include "support/lexer.h"

namespace tessera::graph {
namespace {

/// The graph IR's tokens: names may hold '$' and be quoted (%"x y"), strings, signed
/// and hex numbers, and its punctuation ('_' and '?' in shapes, '-' before inf).
constexpr LexerSyntax kGraphSyntax = {
    .nameChars = "_.$",
    .identifierFromAnyNameChar = false,
    .twoCharPuncts = {},
    .oneCharPuncts = "()[]{},=:<>?*_-",
    .quotedStrings = true,
    .signedNumbers = true,
    .hexNumbers = true,
    .floatMayEndInDot = true,
    .bareLocalSigilIsPunct = false,
};

/// A parsed number: integers keep their exact value.
struct Number {
  bool isFloat = false;
  int64_t integer = 0;
  double real = 0;
  double asDouble() const { return isFloat ? real : static_cast<double>(integer); }
};

class Parser {
public:
  explicit Parser(std::string_view text) : lexer_(text, kGraphSyntax) {}
  StatusOr<Graph> parse();

private:
  Status advance();
  Status error(const std::string &message) const;
  bool isPunct(std::string_view p) const { return token_.kind == TokenKind::Punct && token_.text == p; }
  bool isIdent(std::string_view word) const {
    return token_.kind == TokenKind::Identifier && token_.text == word;
  }
  Status expectPunct(std::string_view p);
  Status expectIdent(std::string_view word);
  StatusOr<std::string> parseValueName();

  Status parseHeader();
  Status parseStatement();
  Status parseReturn();
  Status parseConstant(const std::string &name);
  Status parseNode(std::vector<std::string> results);

  StatusOr<TensorType> parseType();
  Status parseTypeParams(TensorType &type);
  StatusOr<Shape> parseDims(bool &ranked);
  StatusOr<Number> parseNumber();
  StatusOr<std::vector<Number>> parseNumberList();
  StatusOr<Tensor> parseDense(const TensorType &type);
  StatusOr<Attribute> parseAttribute();
  StatusOr<Attribute> parseListAttribute();
  Status parseAttributes(AttributeMap &attrs);

  Lexer lexer_;
  Token token_;
  Graph graph_;
};

Status Parser::advance() {
  TS_ASSIGN_OR_RETURN(token_, lexer_.next());
  return absl::OkStatus();
}

Status Parser::error(const std::string &message) const {
  std::string found = token_.kind == TokenKind::End ? "end of input" : "'" + token_.text + "'";
  return invalidInput("%d:%d: %s (found %s)", token_.line, token_.column, message,
                      found);
}

Status Parser::expectPunct(std::string_view p) {
  if (!isPunct(p)) return error(absl::StrCat("expected '", std::string(p), "'"));
  return advance();
}

Status Parser::expectIdent(std::string_view word) {
  if (!isIdent(word)) return error(absl::StrCat("expected '", std::string(word), "'"));
  return advance();
}

StatusOr<std::string> Parser::parseValueName() {
  if (token_.kind != TokenKind::LocalName) return error("expected a value name like %x");
  std::string name = token_.text;
  TS_RETURN_IF_ERROR(advance());
  return name;
}

StatusOr<Shape> Parser::parseDims(bool &ranked) {
  Shape shape;
  ranked = true;
  TS_RETURN_IF_ERROR(expectPunct("["));
  if (isPunct("*")) {
    ranked = false;
    TS_RETURN_IF_ERROR(advance());
    TS_RETURN_IF_ERROR(expectPunct("]"));
    return shape;
  }
  while (!isPunct("]")) {
    if (!shape.empty()) TS_RETURN_IF_ERROR(expectPunct(","));
    if (isPunct("?")) {
      shape.push_back(kUnknownDim);
    } else if (token_.kind == TokenKind::Integer && token_.text[0] != '-') {
      int64_t dim = 0;
      if (!absl::SimpleAtoi(token_.text, &dim)) return error("dimension out of range");
      shape.push_back(dim);
    } else {
      return error("expected a dimension (a non-negative integer or '?')");
    }
    TS_RETURN_IF_ERROR(advance());
  }
  TS_RETURN_IF_ERROR(advance());
  return shape;
}

StatusOr<TensorType> Parser::parseType() {
  if (token_.kind != TokenKind::Identifier) return error("expected an element type like f32");
  auto dtype = parseDType(token_.text);
  if (!dtype.ok()) return error(std::string(dtype.status().message()));
  TS_RETURN_IF_ERROR(advance());
  TensorType type;
  type.dtype = *dtype;
  TS_ASSIGN_OR_RETURN(type.shape, parseDims(type.ranked));
  if (isPunct("{")) TS_RETURN_IF_ERROR(parseTypeParams(type));
  return type;
}

Status Parser::parseTypeParams(TensorType &type) {
  TS_RETURN_IF_ERROR(advance());
  QuantParams quant;
  bool quantized = false;
  while (!isPunct("}")) {
    if (token_.kind != TokenKind::Identifier) return error("expected layout, scale, zero_point or axis");
    std::string key = token_.text;
    TS_RETURN_IF_ERROR(advance());
    TS_RETURN_IF_ERROR(expectPunct("="));
    if (key == "layout") {
      if (token_.kind != TokenKind::String) return error("expected a layout string");
      type.layout = token_.text;
      TS_RETURN_IF_ERROR(advance());
    } else if (key == "scale" || key == "zero_point" || key == "axis") {
      quantized = true;
      TS_ASSIGN_OR_RETURN(std::vector<Number> numbers, parseNumberList());
      for (const Number &n : numbers) {
        if (key == "scale") quant.scales.push_back(static_cast<float>(n.asDouble()));
        else if (key == "zero_point") quant.zeroPoints.push_back(n.integer);
        else quant.axis = n.integer;
      }
    } else {
      return error("unknown type parameter '" + key + "'");
    }
    if (!isPunct("}")) TS_RETURN_IF_ERROR(expectPunct(","));
  }
  TS_RETURN_IF_ERROR(advance());
  if (quantized) type.quant = quant;
  return absl::OkStatus();
}

StatusOr<Number> Parser::parseNumber() {
  Number number;
  bool negative = false;
  if (isPunct("-")) {
    negative = true;
    TS_RETURN_IF_ERROR(advance());
  }
  if (isIdent("nan") || isIdent("inf")) {
    number.isFloat = true;
    number.real = isIdent("nan") ? std::numeric_limits<double>::quiet_NaN()
                                 : std::numeric_limits<double>::infinity();
    if (negative) number.real = -number.real;
    TS_RETURN_IF_ERROR(advance());
    return number;
  }
  if (negative) return error("expected 'inf' after '-'");
  if (token_.kind == TokenKind::Integer) {
    if (!absl::SimpleAtoi(token_.text, &number.integer)) {
      uint64_t big = 0; // u64 constants above 2^63 keep their bits
      if (!absl::SimpleAtoi(token_.text, &big)) return error("integer out of range");
      number.integer = static_cast<int64_t>(big);
    }
  } else if (token_.kind == TokenKind::Float) {
    number.isFloat = true;
    if (!absl::SimpleAtod(token_.text, &number.real)) return error("bad number");
  } else {
    return error("expected a number");
  }
  TS_RETURN_IF_ERROR(advance());
  return number;
}

/// A single number or a bracketed list of numbers.
StatusOr<std::vector<Number>> Parser::parseNumberList() {
  std::vector<Number> numbers;
  if (!isPunct("[")) {
    TS_ASSIGN_OR_RETURN(Number n, parseNumber());
    numbers.push_back(n);
    return numbers;
  }
  TS_RETURN_IF_ERROR(advance());
  while (!isPunct("]")) {
    if (!numbers.empty()) TS_RETURN_IF_ERROR(expectPunct(","));
    TS_ASSIGN_OR_RETURN(Number n, parseNumber());
    numbers.push_back(n);
  }
  TS_RETURN_IF_ERROR(advance());
  return numbers;
}

int hexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

StatusOr<Tensor> Parser::parseDense(const TensorType &type) {
  TS_RETURN_IF_ERROR(expectIdent("dense"));
  TS_RETURN_IF_ERROR(expectPunct("<"));
  if (!type.isStatic()) return error("a constant needs a static shape");
  // The declared size is checked (element limit, no overflow) and matched against the
  // literal before the tensor is allocated: a short text cannot ask for a huge allocation.
  auto byteSize = checkedTensorBytes(type.shape, type.dtype);
  if (!byteSize.ok()) return error(absl::StrCat("constant of type ", typeToString(type), ": ", byteSize.status().message()));
  if (token_.kind == TokenKind::Hex) {
    if (token_.text.size() != *byteSize * 2)
      return error(absl::StrCat("hex data has ", token_.text.size() / 2, " bytes but ",
                                typeToString(type), " needs ", *byteSize));
    Tensor tensor(type.dtype, type.shape);
    for (size_t i = 0; i < tensor.byteSize(); ++i)
      tensor.bytes()[i] = static_cast<uint8_t>(hexDigit(token_.text[2 * i]) * 16 +
                                               hexDigit(token_.text[2 * i + 1]));
    TS_RETURN_IF_ERROR(advance());
    TS_RETURN_IF_ERROR(expectPunct(">"));
    return tensor;
  }
  TS_ASSIGN_OR_RETURN(std::vector<Number> numbers, parseNumberList());
  int64_t elements = *byteSize / dtypeSize(type.dtype);
  if (static_cast<int64_t>(numbers.size()) != elements)
    return error(absl::StrCat("dense list has ", numbers.size(), " elements but ",
                              typeToString(type), " has ", elements));
  Tensor tensor(type.dtype, type.shape);
  for (size_t i = 0; i < numbers.size(); ++i) {
    if (!numbers[i].isFloat && !isFloatType(type.dtype)) {
      int64_t v = numbers[i].integer;
      std::memcpy(tensor.bytes() + i * dtypeSize(type.dtype), &v, dtypeSize(type.dtype));
    } else {
      storeFromDouble(type.dtype, tensor.bytes(), i, numbers[i].asDouble());
    }
  }
  TS_RETURN_IF_ERROR(expectPunct(">"));
  return tensor;
}

StatusOr<Attribute> Parser::parseListAttribute() {
  TS_RETURN_IF_ERROR(advance()); // '['
  if (token_.kind == TokenKind::String) {
    Strings strings;
    while (!isPunct("]")) {
      if (!strings.empty()) TS_RETURN_IF_ERROR(expectPunct(","));
      if (token_.kind != TokenKind::String) return error("expected a string");
      strings.push_back(token_.text);
      TS_RETURN_IF_ERROR(advance());
    }
    TS_RETURN_IF_ERROR(advance());
    return Attribute(strings);
  }
  std::vector<Number> numbers;
  bool anyFloat = false;
  while (!isPunct("]")) {
    if (!numbers.empty()) TS_RETURN_IF_ERROR(expectPunct(","));
    TS_ASSIGN_OR_RETURN(Number n, parseNumber());
    anyFloat |= n.isFloat;
    numbers.push_back(n);
  }
  TS_RETURN_IF_ERROR(advance());
  if (numbers.empty()) return error("an empty list must be written ints[], floats[] or strings[]");
  if (!anyFloat) {
    Ints ints;
    for (const Number &n : numbers) ints.push_back(n.integer);
    return Attribute(ints);
  }
  Floats floats;
  for (const Number &n : numbers) floats.push_back(static_cast<float>(n.asDouble()));
  return Attribute(floats);
}

StatusOr<Attribute> Parser::parseAttribute() {
  if (token_.kind == TokenKind::String) {
    std::string text = token_.text;
    TS_RETURN_IF_ERROR(advance());
    return Attribute(text);
  }
  if (isPunct("[")) return parseListAttribute();
  for (std::string_view kind : {"ints", "floats", "strings"}) {
    if (!isIdent(kind)) continue;
    TS_RETURN_IF_ERROR(advance());
    TS_RETURN_IF_ERROR(expectPunct("["));
    TS_RETURN_IF_ERROR(expectPunct("]"));
    if (kind == "ints") return Attribute(Ints{});
    if (kind == "floats") return Attribute(Floats{});
    return Attribute(Strings{});
  }
  if (token_.kind == TokenKind::Identifier && parseDType(token_.text).ok()) {
    TS_ASSIGN_OR_RETURN(TensorType type, parseType());
    TS_ASSIGN_OR_RETURN(Tensor tensor, parseDense(type));
    return Attribute(std::move(tensor));
  }
  TS_ASSIGN_OR_RETURN(Number n, parseNumber());
  if (n.isFloat) return Attribute(static_cast<float>(n.real));
  return Attribute(n.integer);
}

Status Parser::parseAttributes(AttributeMap &attrs) {
  TS_RETURN_IF_ERROR(advance()); // '{'
  while (!isPunct("}")) {
    if (!attrs.empty()) TS_RETURN_IF_ERROR(expectPunct(","));
    if (token_.kind != TokenKind::Identifier) return error("expected an attribute name");
    std::string name = token_.text;
    if (attrs.has(name)) return error("duplicate attribute '" + name + "'");
    TS_RETURN_IF_ERROR(advance());
    TS_RETURN_IF_ERROR(expectPunct("="));
    TS_ASSIGN_OR_RETURN(Attribute value, parseAttribute());
    attrs.set(name, std::move(value));
  }
  return advance();
}

Status Parser::parseHeader() {
  TS_RETURN_IF_ERROR(expectIdent("graph"));
  if (token_.kind != TokenKind::GlobalName) return error("expected the graph's name like @main");
  graph_.name = token_.text;
  TS_RETURN_IF_ERROR(advance());
  TS_RETURN_IF_ERROR(expectPunct("("));
  while (!isPunct(")")) {
    if (!graph_.inputs.empty()) TS_RETURN_IF_ERROR(expectPunct(","));
    TS_ASSIGN_OR_RETURN(std::string name, parseValueName());
    TS_RETURN_IF_ERROR(expectPunct(":"));
    TS_ASSIGN_OR_RETURN(TensorType type, parseType());
    if (graph_.findValue(name)) return error("input %" + name + " is declared twice");
    graph_.inputs.push_back(name);
    graph_.setValue(name, type);
  }
  TS_RETURN_IF_ERROR(advance());
  return expectPunct("{");
}

Status Parser::parseConstant(const std::string &name) {
  TS_RETURN_IF_ERROR(advance()); // 'const'
  TS_ASSIGN_OR_RETURN(TensorType type, parseType());
  TS_ASSIGN_OR_RETURN(Tensor data, parseDense(type));
  if (graph_.findValue(name)) return error("value %" + name + " is defined twice");
  graph_.setValue(name, type).constant = std::move(data);
  return absl::OkStatus();
}

Status Parser::parseNode(std::vector<std::string> results) {
  Node node;
  node.op = token_.text;
  node.outputs = std::move(results);
  TS_RETURN_IF_ERROR(advance());
  TS_RETURN_IF_ERROR(expectPunct("("));
  while (!isPunct(")")) {
    if (!node.inputs.empty()) TS_RETURN_IF_ERROR(expectPunct(","));
    if (isPunct("_")) {
      node.inputs.push_back("");
      TS_RETURN_IF_ERROR(advance());
      continue;
    }
    TS_ASSIGN_OR_RETURN(std::string input, parseValueName());
    node.inputs.push_back(input);
  }
  TS_RETURN_IF_ERROR(advance());
  if (isPunct("{")) TS_RETURN_IF_ERROR(parseAttributes(node.attrs));
  TS_RETURN_IF_ERROR(expectPunct(":"));
  for (size_t i = 0; i < node.outputs.size(); ++i) {
    if (i > 0) TS_RETURN_IF_ERROR(expectPunct(","));
    if (isIdent("none") && node.outputs[i].empty()) {
      TS_RETURN_IF_ERROR(advance());
      continue;
    }
    TS_ASSIGN_OR_RETURN(TensorType type, parseType());
    if (node.outputs[i].empty()) return error("an absent result '_' has type none");
    if (graph_.findValue(node.outputs[i]))
      return error("value %" + node.outputs[i] + " is defined twice");
    graph_.setValue(node.outputs[i], type);
  }
  if (isIdent("loc")) {
    TS_RETURN_IF_ERROR(advance());
    TS_RETURN_IF_ERROR(expectPunct("("));
    if (token_.kind != TokenKind::String) return error("expected a quoted node name");
    node.name = token_.text;
    TS_RETURN_IF_ERROR(advance());
    TS_RETURN_IF_ERROR(expectPunct(")"));
  }
  graph_.nodes.push_back(std::move(node));
  return absl::OkStatus();
}

Status Parser::parseStatement() {
  std::vector<std::string> results;
  while (true) {
    if (isPunct("_")) {
      results.push_back("");
      TS_RETURN_IF_ERROR(advance());
    } else {
      TS_ASSIGN_OR_RETURN(std::string name, parseValueName());
      results.push_back(name);
    }
    if (!isPunct(",")) break;
    TS_RETURN_IF_ERROR(advance());
  }
  TS_RETURN_IF_ERROR(expectPunct("="));
  if (isIdent("const")) {
    if (results.size() != 1 || results[0].empty()) return error("a constant defines one value");
    return parseConstant(results[0]);
  }
  if (token_.kind != TokenKind::Identifier) return error("expected an op name or 'const'");
  return parseNode(std::move(results));
}

Status Parser::parseReturn() {
  TS_RETURN_IF_ERROR(advance());
  while (token_.kind == TokenKind::LocalName) {
    graph_.outputs.push_back(token_.text);
    TS_RETURN_IF_ERROR(advance());
    if (!isPunct(",")) break;
    TS_RETURN_IF_ERROR(advance());
  }
  TS_RETURN_IF_ERROR(expectPunct("}"));
  if (token_.kind != TokenKind::End) return error("expected end of input after the graph");
  return absl::OkStatus();
}

StatusOr<Graph> Parser::parse() {
  TS_RETURN_IF_ERROR(advance());
  TS_RETURN_IF_ERROR(parseHeader());
  while (!isIdent("return")) {
    if (token_.kind == TokenKind::End) return error("expected 'return' before the end of the graph");
    TS_RETURN_IF_ERROR(parseStatement());
  }
  TS_RETURN_IF_ERROR(parseReturn());
  return std::move(graph_);
}

} // namespace

StatusOr<Graph> parseGraph(std::string_view text) { return Parser(text).parse(); }

} // namespace tessera::graph
