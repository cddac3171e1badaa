// jalon: the command-line client. The verbs live in tools/cli/.
#include "tools/cli/cli.h"

int main(int argc, char** argv) { return jalon::cli::Main(argc, argv); }
