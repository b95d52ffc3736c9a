// chairsync-cli status [--json]: what waits in the offline store, per patient
// and procedure.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "app/cli/commands.h"
#include "app/cli/json_writer.h"
#include "app/cli/store_access.h"
#include "app/cli/sync_access.h"
#include "engine/util/sqlite.h"
#include "engine/util/text.h"

namespace cs::cli {

namespace {

// Where images go: the practice server, or the archive's URL (never its credentials).
void write_destination(JsonWriter& w, const dicomweb::ArchiveSetting& archive) {
    w.begin_object();
    w.key("destination").value(archive.configured() ? "image_archive" : "practice_server");
    if (archive.configured()) w.key("url").value(dicomweb::archive_url(archive));
    w.end_object();
}

void write_image(JsonWriter& w, const ImageRecord& i) {
    w.begin_object();
    w.key("bit_depth").value(i.bit_depth);
    w.key("file").value(i.file_name);
    w.key("height").value(i.height);
    w.key("kind").value(to_string(i.kind));
    w.key("seq").value(i.seq);
    w.key("sha256").value(i.sha256);
    w.key("size").value(i.size);
    w.key("uuid").value(i.uuid);
    w.key("width").value(i.width);
    w.end_object();
}

void write_procedure(JsonWriter& w, OfflineStore& store, const ProcedureRecord& pr) {
    w.begin_object();
    w.key("acquired_at").value(pr.acquired_at);
    w.key("attempts").value(pr.attempts);
    w.key("code").value(pr.code);
    w.key("images").begin_array();
    for (const auto& i : store.images_of(pr.uuid)) write_image(w, i);
    w.end_array();
    w.key("last_error").value(pr.last_error);
    w.key("location_id").value(pr.location_id);
    w.key("name").value(pr.name);
    w.key("state").value(to_string(pr.state));
    w.key("synced_at").value(pr.synced_at);
    w.key("uuid").value(pr.uuid);
    w.end_object();
}

// The whole store as JSON, written while it is read (keys in the sorted
// order earlier versions printed), inside one read transaction so that a
// sync running meanwhile cannot show half its change (docs/performance.md,
// 100,000 images).
void write_status_json(std::ostream& out, OfflineStore& store, const dicomweb::ArchiveSetting& archive) {
    sql::Transaction snapshot(store.db(), sql::Transaction::Begin::deferred);
    JsonWriter w(out);
    w.begin_object();
    w.key("images_go_to");
    write_destination(w, archive);
    w.key("patients").begin_array();
    for (const auto& p : store.patients()) {
        w.begin_object();
        w.key("birth_date").value(escape_invalid_utf8(p.birth_date));
        w.key("first_name").value(escape_invalid_utf8(p.first_name));
        w.key("id").value(p.id);
        w.key("last_name").value(escape_invalid_utf8(p.last_name));
        w.key("procedures").begin_array();
        for (const auto& pr : store.procedures_of(p.id)) write_procedure(w, store, pr);
        w.end_array();
        w.end_object();
    }
    w.end_array();
    w.key("quarantined_files").begin_array();
    for (const auto& name : store.quarantined_files()) w.value(name);
    w.end_array();
    w.key("store").value(store.root().string());
    w.end_object();
    w.flush();
    out << "\n";
    snapshot.commit();
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
                write_status_json(std::cout, store, setting);
            else
                print_status(store, setting);
            return 0;
        });
    };
}

}  // namespace cs::cli
