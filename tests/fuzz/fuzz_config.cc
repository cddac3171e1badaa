// The jalon.toml loader: any bytes as a config file. Refused with a message,
// never a crash.
#include "config/config.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto config = jalon::ParseConfig(jalon::fuzz::AsText(data, size), "fuzz.toml");
  if (!config.ok() && config.status().message().empty()) std::abort();
  return 0;
}
