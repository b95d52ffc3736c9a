#pragma once
// The kiosk's entry point: parses the configuration, opens the window, runs
// the engine worker and the screens until the window closes (or a
// --screenshot / --script run ends). Returns the process exit code.
namespace cs::kiosk {

int run(int argc, char** argv);

}  // namespace cs::kiosk
