//===- version.h - The tool version echoed in reports --------------------------===//
#pragma once

namespace tessera {
inline constexpr const char kVersion[] = "0.1.0";
} // namespace tessera
