// chairsync-cli: a shell; the commands live in app/cli/.
#include "app/cli/cli.h"

int main(int argc, char** argv) { return cs::cli::run(argc, argv); }
