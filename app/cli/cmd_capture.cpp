// chairsync-cli capture: what offline acquisition does, from a script: one
// procedure of one offline patient with its image files, in one go.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "app/cli/commands.h"
#include "app/cli/store_access.h"

namespace cs::cli {

namespace {

struct CaptureOptions {
    CaptureRequest request;
    std::string kind = "radiograph";
    std::vector<std::string> files;
};

}  // namespace

CommandRun add_capture_command(CLI::App& app, const Globals& g) {
    auto o = std::make_shared<CaptureOptions>();
    auto* cmd = app.add_subcommand("capture", "Store one offline procedure with its images, as offline acquisition does.");
    cmd->add_option("--first", o->request.first_name, "The patient's first name, as entered")->required();
    cmd->add_option("--last", o->request.last_name, "The patient's last name, as entered")->required();
    cmd->add_option("--dob", o->request.birth_date, "The date of birth as entered (may be empty)");
    cmd->add_option("--code", o->request.code, "The procedure's CDT code, e.g. D0274")->required();
    cmd->add_option("--name", o->request.name, "The procedure's name");
    cmd->add_option("--location", o->request.location_id, "The location id (default: this computer's setting)");
    cmd->add_option("--acquired-at", o->request.acquired_at, "When it was acquired, ISO 8601 UTC (default: now)");
    cmd->add_option("--kind", o->kind, "radiograph or photo")->check(CLI::IsMember({"radiograph", "photo"}));
    cmd->add_option("FILE", o->files, "PNG, JPEG or DICOM files, in order")->required();
    return [&g, o] {
        auto kind = image_kind_from_string(o->kind).value_or(ImageKind::radiograph);
        for (const auto& f : o->files) o->request.images.push_back({f, kind});
        auto store = open_store(g, true);
        std::string uuid = store.capture(o->request);
        std::cout << uuid << "\n";
        return 0;
    };
}

}  // namespace cs::cli
