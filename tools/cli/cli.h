// The `jalon` command-line client. Each verb opens the data directory
// (--data DIR) of a stopped daemon; the daemon issue adds --url.
// Exit codes: 0 done, 1 the check failed (verify), 2 refused or error.
#pragma once

namespace jalon::cli {

int Main(int argc, char** argv);

}  // namespace jalon::cli
