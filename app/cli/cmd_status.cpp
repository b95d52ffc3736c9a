// chairsync-cli status [--json]: what waits in the offline store, per patient
// and procedure.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "app/cli/commands.h"
#include "app/cli/store_access.h"
#include "app/cli/sync_access.h"
#include "engine/util/json_text.h"
#include "engine/util/text.h"

namespace cs::cli {

namespace {

nlohmann::json image_json(const ImageRecord& i) {
    return {{"uuid", i.uuid}, {"seq", i.seq},         {"file", i.file_name},   {"sha256", i.sha256},
            {"size", i.size}, {"width", i.width},     {"height", i.height},    {"bit_depth", i.bit_depth},
            {"kind", to_string(i.kind)}};
}

// Where images go: the practice server, or the archive's URL (never its credentials).
nlohmann::json images_json(const dicomweb::ArchiveSetting& archive) {
    if (!archive.configured()) return {{"destination", "practice_server"}};
    return {{"destination", "image_archive"}, {"url", dicomweb::archive_url(archive)}};
}

nlohmann::json status_json(OfflineStore& store, const dicomweb::ArchiveSetting& archive) {
    nlohmann::json patients = nlohmann::json::array();
    for (const auto& p : store.patients()) {
        nlohmann::json procedures = nlohmann::json::array();
        for (const auto& pr : store.procedures_of(p.id)) {
            nlohmann::json images = nlohmann::json::array();
            for (const auto& i : store.images_of(pr.uuid)) images.push_back(image_json(i));
            procedures.push_back({{"uuid", pr.uuid},
                                  {"code", pr.code},
                                  {"name", pr.name},
                                  {"acquired_at", pr.acquired_at},
                                  {"location_id", pr.location_id},
                                  {"state", to_string(pr.state)},
                                  {"attempts", pr.attempts},
                                  {"last_error", pr.last_error},
                                  {"synced_at", pr.synced_at},
                                  {"images", std::move(images)}});
        }
        patients.push_back({{"id", p.id},
                            {"first_name", escape_invalid_utf8(p.first_name)},
                            {"last_name", escape_invalid_utf8(p.last_name)},
                            {"birth_date", escape_invalid_utf8(p.birth_date)},
                            {"procedures", std::move(procedures)}});
    }
    return {{"store", store.root().string()},
            {"images_go_to", images_json(archive)},
            {"patients", std::move(patients)},
            {"quarantined_files", store.quarantined_files()}};
}

void print_status(OfflineStore& store, const dicomweb::ArchiveSetting& archive) {
    auto waiting = store.patients_with_pending();
    int procedures = 0, images = 0;
    for (const auto& s : waiting) procedures += s.procedures, images += s.images;
    std::cout << "Offline store: " << store.root().string() << "\n";
    std::cout << "Images go to " << dicomweb::images_destination(archive)
              << (archive.configured() ? " (DICOMweb); the practice server records procedures and charges.\n" : ".\n");
    std::cout << waiting.size() << " patient(s) with " << procedures << " procedure(s) and " << images
              << " image(s) waiting to sync.\n";
    if (auto q = store.quarantined_files(); !q.empty())
        std::cout << q.size() << " image file(s) that no procedure names are kept in " << store.quarantine_dir().string()
                  << " (see `verify`).\n";
    for (const auto& p : store.patients()) {
        std::cout << "\n" << escape_invalid_utf8(p.last_name) << ", " << escape_invalid_utf8(p.first_name) << "  (born "
                  << (p.birth_date.empty() ? "not entered" : escape_invalid_utf8(p.birth_date)) << ")\n";
        for (const auto& pr : store.procedures_of(p.id)) {
            std::cout << "  " << pr.code << "  " << pr.name << "  " << pr.acquired_at << "  " << to_string(pr.state)
                      << "  " << pr.image_count << " image(s)  " << pr.uuid << "\n";
            if (!pr.last_error.empty())
                std::cout << "      last error (" << pr.attempts << " attempt(s)): " << pr.last_error << "\n";
        }
    }
}

}  // namespace

CommandRun add_status_command(CLI::App& app, const Globals& g) {
    auto json = std::make_shared<bool>(false);
    auto archive = std::make_shared<ArchiveArgs>();
    auto* cmd = app.add_subcommand("status", "Show what waits in the offline store, per patient and procedure, and "
                                             "where images go.");
    cmd->add_flag("--json", *json, "Print JSON instead of text");
    add_archive_options(cmd, *archive);
    return [&g, json, archive] {
        return run_with_exit_codes(g, [&] {
            const auto setting = checked_archive_setting(*archive);
            auto store = open_store(g, false);
            if (*json)
                std::cout << dump_json(status_json(store, setting), 2) << "\n";
            else
                print_status(store, setting);
            return 0;
        });
    };
}

}  // namespace cs::cli
