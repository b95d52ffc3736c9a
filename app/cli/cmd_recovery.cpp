// chairsync-cli recovery list|hide|restore|attach: the recovery folder.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <optional>
#include <nlohmann/json.hpp>

#include "app/cli/commands.h"
#include "app/cli/store_access.h"
#include "app/cli/sync_access.h"
#include "engine/sync/manifest.h"
#include "engine/util/json_text.h"

namespace cs::cli {

namespace {

struct RecoveryArgs {
    ServerArgs server;
    ArchiveArgs archive;
    ChoiceArgs choice;
    std::string recovery_dir, uuid;
    bool json = false;
    CLI::App *list = nullptr, *hide = nullptr, *restore = nullptr, *attach = nullptr;
};

RecoveryFolder folder(OfflineStore& store, const RecoveryArgs& a) {
    return RecoveryFolder(RecoveryFolder::dir_for(store.root(), a.recovery_dir));
}

std::string not_hidden(const std::string& uuid) { return "There is no procedure " + uuid + " in the recovery folder."; }

int list(OfflineStore& store, const RecoveryArgs& a) {
    auto rf = folder(store, a);
    auto entries = RecoveryFolder::list(store);
    if (a.json) {
        auto arr = nlohmann::json::array();
        for (const auto& r : entries) arr.push_back(nlohmann::json::parse(manifest_json(r)));
        std::cout << dump_json({{"recovery_folder", rf.dir().string()}, {"procedures", arr}}, 2) << "\n";
        return kExitOk;
    }
    std::cout << "Recovery folder: " << rf.dir().string() << "\n" << entries.size() << " hidden procedure(s).\n";
    for (const auto& r : entries) {
        std::cout << "\n" << r.procedure_uuid << "  " << r.code << "  " << r.name << "  acquired " << r.acquired_at
                  << "\n  offline patient: " << r.last_name << ", " << r.first_name << " (born "
                  << (r.birth_date.empty() ? "not entered" : r.birth_date) << ")\n  hidden " << r.hidden_at << ", "
                  << r.images.size() << " image(s)"
                  << (r.withdraw_confirmed ? "" : "; withdrawal not confirmed by the server yet") << "\n";
        for (const auto& img : r.images) std::cout << "    " << img.path.string() << "  sha-256 " << img.sha256 << "\n";
    }
    return kExitOk;
}

int hide(OfflineStore& store, const RecoveryArgs& a) {
    auto proc = store.procedure(a.uuid);
    if (!proc) throw CliExit(kExitBadArgs, "There is no procedure " + a.uuid + " in the offline store.");
    if (proc->state != ProcedureState::failed || proc->attempts < 2)
        throw CliExit(kExitBadArgs, "A procedure can be hidden only after it failed to sync twice.");
    auto conn = connect(store, a.server);
    auto rf = folder(store, a);
    bool confirmed = hide_procedure(store, conn.client.get(), *conn.audit, rf, a.uuid);
    std::cout << "hidden  " << proc->code << "  " << a.uuid << "  → " << (rf.dir() / a.uuid).string() << "\n";
    if (!confirmed) std::cout << kHiddenUnconfirmedNote << "\n";
    return kExitOk;
}

int restore(OfflineStore& store, const RecoveryArgs& a) {
    auto r = RecoveryFolder::find(store, a.uuid);
    if (!r || r->state != "complete") throw CliExit(kExitBadArgs, not_hidden(a.uuid));
    // The server is needed only to confirm a withdrawal that is not confirmed yet.
    std::optional<Connection> conn;
    if (!r->withdraw_confirmed) {
        if (a.server.server.empty())
            throw CliExit(kExitError, std::string(kWithdrawalUnconfirmedMessage) +
                                          " Give --server URL (and sign in) so that it can be confirmed.");
        conn = connect(store, a.server);
    }
    AuditLog own_audit(store.db(), store.workstation_id());
    std::string fresh = restore_recovered(store, conn ? conn->client.get() : nullptr, conn ? *conn->audit : own_audit,
                                          a.uuid);
    std::cout << "restored  " << a.uuid << "  as  " << fresh << " (waiting to sync)\n";
    return kExitOk;
}

int attach(OfflineStore& store, const RecoveryArgs& a) {
    if (a.choice.match.empty()) throw CliExit(kExitBadArgs, "Give the online patient with --match ONLINE_ID.");
    yes_no(a.choice.charges, "--charges");
    yes_no(a.choice.insurance, "--insurance");
    auto r = RecoveryFolder::find(store, a.uuid);
    if (!r || r->state != "complete") throw CliExit(kExitBadArgs, not_hidden(a.uuid));
    auto archive = archive_client(a.archive);
    auto conn = connect(store, a.server);
    OfflinePatient offline{0, r->first_name, r->last_name, r->birth_date};
    api::Patient online = checked_match(*conn.client, *conn.audit, a.choice.match, offline,
                                        a.choice.accept_differences, {std::nullopt, "", a.uuid});
    int64_t fee = 0;
    auto choice = choice_for(*conn.client, r->location_id, r->code, online, a.choice, fee);
    conn.audit->record(AuditAction::match_decision, {std::nullopt, a.choice.match, a.uuid}, "command line: attach --match");
    std::string fresh;
    auto out = attach_recovered(store, *conn.client, *conn.audit, a.uuid, choice, fresh, {}, archive.get());
    if (!out.synced) {
        std::cerr << "The images are back in the offline list as " << fresh << " but did not sync: " << out.message
                  << "\n";
        return kExitFailed;
    }
    std::cout << "attached  " << a.uuid << "  as  " << fresh << "  to " << a.choice.match << " (synced)\n";
    return kExitOk;
}

}  // namespace

CommandRun add_recovery_command(CLI::App& app, const Globals& g) {
    auto a = std::make_shared<RecoveryArgs>();
    auto* cmd = app.add_subcommand("recovery", "The recovery folder: hidden procedures and their images.");
    cmd->require_subcommand(1);
    cmd->add_option("--recovery", a->recovery_dir, "The recovery folder for new hides (default: recovery/ inside the store folder)");
    cmd->footer(kExitCodesHelp);
    a->list = cmd->add_subcommand("list", "List hidden procedures with their images and checksums.");
    a->list->add_flag("--json", a->json, "Print JSON (the manifests)");
    a->hide = cmd->add_subcommand("hide", "Hide a procedure that failed to sync twice (Hide Procedure).");
    a->hide->add_option("UUID", a->uuid, "The procedure uuid")->required();
    add_server_options(a->hide, a->server);
    a->restore = cmd->add_subcommand("restore", "Put a hidden procedure back into the offline list (a new uuid).");
    a->restore->add_option("UUID", a->uuid, "The hidden procedure's uuid")->required();
    add_server_options(a->restore, a->server);  // only to confirm a withdrawal the server has not confirmed yet
    a->attach = cmd->add_subcommand("attach", "Attach a hidden procedure to an online patient and sync it.");
    a->attach->add_option("UUID", a->uuid, "The hidden procedure's uuid")->required();
    add_server_options(a->attach, a->server);
    add_archive_options(a->attach, a->archive);
    add_choice_options(a->attach, a->choice, true);
    return [&g, a] {
        return run_with_exit_codes(g, [&] {
            auto store = open_store(g, false, a->recovery_dir);  // repairs the move journal first
            if (a->list->parsed()) return list(store, *a);
            hold_lock_or_exit(store);
            recover_after_crash(store, a->recovery_dir);
            if (a->hide->parsed()) return hide(store, *a);
            if (a->restore->parsed()) return restore(store, *a);
            return attach(store, *a);
        });
    };
}

}  // namespace cs::cli
