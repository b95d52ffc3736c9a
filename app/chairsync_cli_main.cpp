// chairsync-cli: a shell; the commands live in app/cli/.
#include "app/cli/cli.h"
#include "engine/util/core_dumps.h"
#include "engine/util/log_setup.h"

int main(int argc, char** argv) {
    cs::disable_core_dumps();  // a core would hold the PIN and a live token
    // Log lines go to stderr: stdout is the commands' answer (status --json
    // is read by scripts), and a warning from opening the store must not break it.
    cs::log_to_stderr("chairsync-cli");
    return cs::cli::run(argc, argv);
}
