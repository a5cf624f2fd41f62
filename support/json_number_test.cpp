//===- json_number_test.cpp - JSON numbers read only where they fit ----------------===//
#include "support/json_number.h"

#include <gtest/gtest.h>

namespace tessera {
namespace {

using nlohmann::json;

TEST(JsonNumber, IntegersMustBeJsonIntegersWithinRange) {
  EXPECT_TRUE(jsonNumberFits<int>(json::parse("2147483647")));
  EXPECT_FALSE(jsonNumberFits<int>(json::parse("2147483648")));
  EXPECT_FALSE(jsonNumberFits<int>(json::parse("4.0")));
  EXPECT_FALSE(jsonNumberFits<int64_t>(json::parse("1e30")));
  EXPECT_FALSE(jsonNumberFits<int64_t>(json::parse("18446744073709551615")));
  EXPECT_TRUE(jsonNumberFits<uint64_t>(json::parse("18446744073709551615")));
  EXPECT_FALSE(jsonNumberFits<uint32_t>(json::parse("-1")));
  EXPECT_FALSE(jsonNumberFits<uint32_t>(json::parse("4294967296")));
}

TEST(JsonNumber, FloatsMustBeWithinTheirRange) {
  EXPECT_FALSE(jsonNumberFits<float>(json::parse("3.5e38")));
  EXPECT_TRUE(jsonNumberFits<float>(json::parse("-1.5")));
  EXPECT_TRUE(jsonNumberFits<float>(json::parse("7")));
  EXPECT_TRUE(jsonNumberFits<double>(json::parse("1e300")));
}

TEST(JsonNumber, ContainersCheckEveryElement) {
  EXPECT_TRUE(jsonFits<std::vector<int64_t>>(json::parse("[1, 2, 3]")));
  EXPECT_FALSE(jsonFits<std::vector<int64_t>>(json::parse("[1, 2.5, 3]")));
  EXPECT_FALSE(jsonFits<std::vector<int64_t>>(json::parse("[1, 1e30]")));
  // Other JSON types are left to get<T>, which throws its type error.
  EXPECT_TRUE(jsonFits<std::vector<int64_t>>(json::parse("\"text\"")));
  EXPECT_TRUE(jsonFits<std::string>(json::parse("1e30")));
}

TEST(JsonNumber, GetThrowsNamingTheKey) {
  json object = json::parse(R"({"region": 1e30, "size": 12, "shape": [1, -3]})");
  EXPECT_EQ(jsonAt<uint64_t>(object, "size"), 12u);
  EXPECT_EQ(jsonAt<std::vector<int64_t>>(object, "shape"), (std::vector<int64_t>{1, -3}));
  try {
    jsonAt<int>(object, "region");
    FAIL() << "no error";
  } catch (const JsonRangeError &error) {
    EXPECT_STREQ(error.what(), "'region' is 1e+30: out of its type's range, or a float where an integer belongs");
  }
  EXPECT_THROW(jsonAt<uint64_t>(object, "shape"), json::type_error);
  EXPECT_THROW(jsonAt<int>(object, "missing"), json::out_of_range);
}

} // namespace
} // namespace tessera
