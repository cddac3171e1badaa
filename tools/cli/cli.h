// The `jalon` command-line client. A verb works against a running jalond
// (--url, --token) or on the data directory of a stopped one (--data); the
// verbs themselves are in verbs_*.cc, one function each (verbs.h).
// Exit codes: 0 done, 1 the check failed (verify), 2 refused or error, with
// the reason on stderr.
#pragma once

namespace jalon::cli {

// Parses the command line, runs the verb it names and returns the exit code.
int Main(int argc, char** argv);

}  // namespace jalon::cli
