#pragma once
// One adder per command; each is defined in app/cli/cmd_<name>.cpp and listed
// once in kCommands (app/cli/cli.cpp).
#include "app/cli/cli.h"

namespace cs::cli {

CommandRun add_status_command(CLI::App& app, const Globals& g);
CommandRun add_capture_command(CLI::App& app, const Globals& g);
CommandRun add_verify_command(CLI::App& app, const Globals& g);
CommandRun add_offline_mode_command(CLI::App& app, const Globals& g);
CommandRun add_sync_command(CLI::App& app, const Globals& g);
CommandRun add_recovery_command(CLI::App& app, const Globals& g);
CommandRun add_audit_command(CLI::App& app, const Globals& g);
CommandRun add_demo_data_command(CLI::App& app, const Globals& g);
CommandRun add_store_command(CLI::App& app, const Globals& g);
CommandRun add_doctor_command(CLI::App& app, const Globals& g);

}  // namespace cs::cli
