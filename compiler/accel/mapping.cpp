//===- mapping.cpp - The text form of layer mappings -----------------------------------===//
#include "compiler/accel/mapping.h"

#include <charconv>
#include <functional>
#include <map>
#include <vector>

#include "absl/strings/str_join.h"

namespace tessera::accel {

namespace {

/// A numeric key of a mapping and its range.
struct IntField {
  const char *key;
  int64_t *value;
  int64_t min, max;
};

/// A key with named values: `names[get()]` prints; parsing the i-th name calls set(i).
struct ChoiceField {
  const char *key;
  std::vector<const char *> names;
  std::function<size_t()> get;
  std::function<void(size_t)> set;
};

/// A two-valued key bound to a bool: `off` prints when false, `on` when true.
ChoiceField boolChoice(const char *key, bool *value, const char *off, const char *on) {
  return {key, {off, on}, [value] { return size_t(*value); }, [value](size_t i) { *value = i == 1; }};
}

/// The weight buffering of a conv tiling: resident, double or stream.
ChoiceField weightsChoice(ConvTiling *tiling) {
  return {"weights",
          {"resident", "double", "stream"},
          [tiling] { return size_t(tiling->weights()); },
          [tiling](size_t i) {
            tiling->streamWeights = i == size_t(WeightBuffering::stream);
            tiling->weightSlots = i == size_t(WeightBuffering::resident) ? 1 : 2;
          }};
}

/// The keys of one mapping kind, bound to a mapping's members, in print order.
struct Fields {
  const char *kind;
  std::vector<IntField> ints;
  std::vector<ChoiceField> choices;
};

constexpr int64_t kMaxSize = int64_t(1) << 30;
constexpr int64_t kMaxThreads = 8;

template <class... Ts> struct Overloaded : Ts... { using Ts::operator()...; };

Fields fieldsOf(Mapping &mapping) {
  return std::visit(
      Overloaded{
          [](ConvMapping &m) {
            return Fields{"conv",
                          {{"blocks", &m.tiling.outBlocks, 1, kMaxSize},
                           {"rows", &m.tiling.outRows, 1, kMaxSize},
                           {"cols", &m.tiling.outCols, 1, kMaxSize},
                           {"in_blocks", &m.tiling.inBlocks, 1, kMaxSize},
                           {"threads", &m.tiling.virtualThreads, 1, kMaxThreads}},
                          {weightsChoice(&m.tiling), boolChoice("input", &m.tiling.rowMajorInput, "block", "row"),
                           boolChoice("window", &m.windowPacked, "none", "packed")}};
          },
          [](EltwiseTiling &m) {
            return Fields{"eltwise", {{"entries", &m.entries, 1, kMaxSize}, {"threads", &m.virtualThreads, 1, kMaxThreads}}, {}};
          },
          [](PoolTiling &m) {
            return Fields{"pool",
                          {{"blocks", &m.blocks, 1, kMaxSize},
                           {"rows", &m.outRows, 1, kMaxSize},
                           {"threads", &m.virtualThreads, 1, kMaxThreads}},
                          {}};
          },
          [](GlobalPoolTiling &m) {
            return Fields{"global_pool", {{"blocks", &m.blocks, 1, kMaxSize}, {"threads", &m.virtualThreads, 1, kMaxThreads}}, {}};
          },
      },
      mapping);
}

/// An empty mapping of the kind named `kind`.
StatusOr<Mapping> emptyMappingOf(std::string_view kind) {
  for (Mapping candidate : {Mapping(ConvMapping{}), Mapping(EltwiseTiling{}), Mapping(PoolTiling{}), Mapping(GlobalPoolTiling{})})
    if (kind == mappingKindName(candidate)) return candidate;
  return invalidInput("unknown mapping kind '%s' (conv, eltwise, pool, global_pool)", kind);
}

StatusOr<int64_t> parseInt(const IntField &field, std::string_view text) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size())
    return invalidInput("%s=%s: not an integer", field.key, text);
  if (value < field.min || value > field.max)
    return invalidInput("%s=%d: out of range [%d, %d]", field.key, value, field.min, field.max);
  return value;
}

Status assignField(Fields &fields, std::string_view key, std::string_view value) {
  for (IntField &field : fields.ints)
    if (key == field.key) {
      TS_ASSIGN_OR_RETURN(*field.value, parseInt(field, value));
      return absl::OkStatus();
    }
  for (ChoiceField &field : fields.choices)
    if (key == field.key) {
      for (size_t i = 0; i < field.names.size(); ++i)
        if (value == field.names[i]) {
          field.set(i);
          return absl::OkStatus();
        }
      return invalidInput("%s=%s: expected one of %s", key, value, absl::StrJoin(field.names, ", "));
    }
  return invalidInput("%s mapping has no key '%s'", fields.kind, key);
}

std::vector<const char *> keysOf(const Fields &fields) {
  std::vector<const char *> keys;
  for (const IntField &field : fields.ints) keys.push_back(field.key);
  for (const ChoiceField &field : fields.choices) keys.push_back(field.key);
  return keys;
}

} // namespace

const char *mappingKindName(const Mapping &mapping) {
  Mapping copy = mapping;
  return fieldsOf(copy).kind;
}

int64_t mappingThreads(const Mapping &mapping) {
  return std::visit(Overloaded{[](const ConvMapping &m) { return m.tiling.virtualThreads; },
                               [](const auto &m) { return m.virtualThreads; }},
                    mapping);
}

std::string printMapping(const Mapping &mapping) {
  Mapping copy = mapping;
  Fields fields = fieldsOf(copy);
  std::string text = fields.kind;
  for (const IntField &field : fields.ints) text += strCat(" ", field.key, "=", *field.value);
  for (const ChoiceField &field : fields.choices) text += strCat(" ", field.key, "=", field.names[field.get()]);
  return text;
}

StatusOr<Mapping> parseMapping(std::string_view text) {
  std::vector<std::string_view> words = splitString(text, ' ', /*skipEmpty=*/true);
  if (words.empty()) return invalidInput("empty mapping");
  TS_ASSIGN_OR_RETURN(Mapping mapping, emptyMappingOf(words[0]));
  Fields fields = fieldsOf(mapping);
  std::map<std::string_view, bool> seen;
  for (size_t i = 1; i < words.size(); ++i) {
    size_t equals = words[i].find('=');
    if (equals == std::string_view::npos) return invalidInput("'%s': expected KEY=VALUE", words[i]);
    std::string_view key = words[i].substr(0, equals);
    if (seen[key]) return invalidInput("key '%s' given twice", key);
    seen[key] = true;
    TS_RETURN_IF_ERROR(assignField(fields, key, words[i].substr(equals + 1)));
  }
  for (const char *key : keysOf(fields))
    if (!seen[key]) return invalidInput("%s mapping lacks key '%s'", fields.kind, key);
  return mapping;
}

bool operator==(const ConvMapping &a, const ConvMapping &b) { return printMapping(a) == printMapping(b); }
bool operator==(const EltwiseTiling &a, const EltwiseTiling &b) { return printMapping(a) == printMapping(b); }
bool operator==(const PoolTiling &a, const PoolTiling &b) { return printMapping(a) == printMapping(b); }
bool operator==(const GlobalPoolTiling &a, const GlobalPoolTiling &b) { return printMapping(a) == printMapping(b); }

} // namespace tessera::accel
