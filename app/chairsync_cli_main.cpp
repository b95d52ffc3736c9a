// chairsync-cli: a shell; the commands live in app/cli/.
#include "app/cli/cli.h"
#include "engine/util/core_dumps.h"

int main(int argc, char** argv) {
    cs::disable_core_dumps();  // a core would hold the PIN and a live token
    return cs::cli::run(argc, argv);
}
