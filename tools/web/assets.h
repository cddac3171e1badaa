// The web UI's files (tools/web/assets), compiled into the binary by
// embed.cmake.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace jalon::web {

struct EmbeddedFile {
  const char* name;  // its path under assets/: "index.html", "js/main.js", ...
  const unsigned char* data;
  size_t size;

  std::string_view bytes() const { return {reinterpret_cast<const char*>(data), size}; }
};

const std::vector<EmbeddedFile>& EmbeddedFiles();

}  // namespace jalon::web
