//===- test_util.h - Shared helpers for the isa tests ---------------------------===//
#pragma once

#include <string>

#include <gtest/gtest.h>

#include "isa/config.h"

namespace tessera::isa::testing {

/// Loads configs/<name>.json from the source tree (fails the test on error).
inline HardwareConfig loadTestConfig(const std::string &name) {
  auto config = loadConfigFile(std::string(TESSERA_SOURCE_DIR) + "/configs/" + name + ".json");
  EXPECT_TRUE(config.ok()) << config.status();
  return config.ok() ? *config : HardwareConfig{};
}

/// Loads tests/configs/<name>.json (configs that exercise the ISA rather than ship).
inline HardwareConfig loadTestOnlyConfig(const std::string &name) {
  auto config = loadConfigFile(std::string(TESSERA_SOURCE_DIR) + "/tests/configs/" + name + ".json");
  EXPECT_TRUE(config.ok()) << config.status();
  return config.ok() ? *config : HardwareConfig{};
}

/// Asserts `status` failed with a message containing `fragment`.
#define EXPECT_ERROR_CONTAINS(expr, fragment)                                             \
  do {                                                                                    \
    auto ts_result_ = (expr);                                                             \
    ASSERT_FALSE(ts_result_.ok()) << "expected an error containing: " << (fragment);      \
    std::string ts_message_(::tessera::isa::testing::statusOf(ts_result_).message());     \
    EXPECT_NE(ts_message_.find(fragment), std::string::npos) << ts_message_;              \
  } while (0)

inline const absl::Status &statusOf(const absl::Status &status) { return status; }
template <typename T> absl::Status statusOf(const absl::StatusOr<T> &value) { return value.status(); }

} // namespace tessera::isa::testing
