// The executables under test and the sample plan, for the tests of tools/.
#pragma once

#include <string>
#include <vector>

#include "tests/process_util.h"

#ifndef JALON_BIN_DIR
#error "JALON_BIN_DIR must name the directory of jalond and jalon"
#endif

namespace jalon::testing {

inline const std::string kJalond = std::string(JALON_BIN_DIR) + "/jalond";
inline const std::string kJalon = std::string(JALON_BIN_DIR) + "/jalon";
inline const std::string kExample = std::string(JALON_TESTDATA_DIR) + "/plan-example.json";

// Runs `jalon args...` to its end.
inline RunResult Jalon(std::vector<std::string> args) {
  args.insert(args.begin(), kJalon);
  return RunToEnd(args);
}

}  // namespace jalon::testing
