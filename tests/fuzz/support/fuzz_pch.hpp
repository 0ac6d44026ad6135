// Precompiled header of the fuzz targets (tests/fuzz/CMakeLists.txt): what most of them include.
#pragma once
#include <fuzzer/FuzzedDataProvider.h>

#include <boost/json.hpp>

#include <date/date.h>
#include <date/tz.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
