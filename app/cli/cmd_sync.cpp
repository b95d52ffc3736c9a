// chairsync-cli sync: one offline patient to one online patient, its
// options as flags, through the same pipeline as the kiosk.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "app/cli/commands.h"
#include "app/cli/store_access.h"
#include "app/cli/sync_access.h"
#include "engine/sync/auto_match.h"
#include "engine/sync/session_view.h"
#include "engine/util/text.h"

namespace cs::cli {

namespace {

struct SyncArgs {
    ServerArgs server;
    ArchiveArgs archive;
    ChoiceArgs choice;
    std::string patient, recovery_dir;
    bool auto_match = false;
    std::vector<std::string> procedures;
};

int64_t patient_id_arg(const std::string& s) {
    try {
        size_t used = 0;
        int64_t id = std::stoll(s, &used);
        if (used == s.size() && id > 0) return id;
    } catch (const std::exception&) {
    }
    throw CliExit(kExitBadArgs, "--patient takes the offline patient's id, as `status` shows it.");
}

// The online patient: --match as given (its differences printed, refused
// unless accepted), or --auto only with exactly one candidate, a real birth
// date and names that may be matched automatically (docs/name-matching.md).
// Every refusal is audited.
api::Patient online_patient(api::PracticeClient& client, AuditLog& audit, const OfflinePatient& p, const SyncArgs& a) {
    AuditIds ids{p.id, "", ""};
    if (!a.auto_match) return checked_match(client, audit, a.choice.match, p, a.choice.accept_differences, ids);
    AutoMatchQuery q = auto_match_query(p);
    std::vector<api::Patient> candidates;
    if (q.may_ask()) candidates = client.exact_candidates(p.first_name, p.last_name, *q.birth_date);
    std::string why = no_match_reason(q, candidates);
    if (why.empty()) return candidates.front();
    audit.record(AuditAction::match_decision, ids, "command line: --auto refused; " + why);
    if (!q.birth_date)
        throw CliExit(kExitNoMatch, "This offline patient has no valid date of birth, so no match is made "
                                    "automatically: give --match ONLINE_ID.");
    if (!q.name_refusal.empty()) throw CliExit(kExitNoMatch, q.name_refusal + " Give --match ONLINE_ID.");
    if (candidates.empty())
        throw CliExit(kExitNoMatch, "No online patient has this name and date of birth. " +
                                        std::string(kNewPatientNote));
    throw CliExit(kExitAmbiguous, "Several online patients have this name and date of birth (" +
                                      patient_ids(candidates) + "): choose one with --match.");
}

int run_sync(const Globals& g, const SyncArgs& a) {
    if (a.patient.empty()) throw CliExit(kExitBadArgs, "Give the offline patient with --patient ID.");
    if (a.auto_match == !a.choice.match.empty())
        throw CliExit(kExitBadArgs, "Give exactly one of --match ONLINE_ID or --auto.");
    yes_no(a.choice.charges, "--charges");
    yes_no(a.choice.insurance, "--insurance");
    int64_t patient_id = patient_id_arg(a.patient);
    auto archive = archive_client(a.archive);
    auto store = open_store(g, false);
    hold_lock_or_exit(store);
    auto patient = store.patient(patient_id);
    if (!patient) throw CliExit(kExitBadArgs, "There is no offline patient " + a.patient + ".");
    std::vector<ProcedureRecord> todo;
    size_t asked_found = 0;
    for (const auto& p : store.procedures_of(patient_id)) {
        bool open = p.state == ProcedureState::pending || p.state == ProcedureState::failed;
        bool asked = a.procedures.empty() || std::find(a.procedures.begin(), a.procedures.end(), p.uuid) != a.procedures.end();
        if (asked && !a.procedures.empty()) ++asked_found;
        if (open && asked) todo.push_back(p);
    }
    if (asked_found < a.procedures.size())
        throw CliExit(kExitBadArgs, "A --procedure given is not a procedure of this patient.");
    if (todo.empty()) {
        // A script that repeats the command until it succeeds stops here (docs/sync-workflow.md).
        std::cout << "Nothing left to sync for this patient.\n";
        return kExitOk;
    }

    auto conn = connect(store, a.server);
    recover_after_crash(store, a.recovery_dir);
    api::Patient chosen = online_patient(*conn.client, *conn.audit, *patient, a);
    const std::string& online = chosen.id;
    conn.audit->record(AuditAction::match_decision, {patient_id, online, ""},
                       a.auto_match ? "command line: exact match" : "command line: --match");
    // Every choice is checked before anything is sent.
    std::vector<std::pair<SyncChoice, int64_t>> choices;
    for (const auto& p : todo) {
        int64_t fee = 0;
        auto c = choice_for(*conn.client, conn.location, p.code, chosen, a.choice, fee);
        choices.emplace_back(c, fee);
    }
    int failed = 0;
    for (size_t i = 0; i < todo.size(); ++i) {
        const auto& p = todo[i];
        const auto& [choice, fee] = choices[i];
        conn.audit->record(AuditAction::option_change, {patient_id, online, p.uuid},
                           std::string("command line: apply_charges=") + (choice.apply_charges ? "yes" : "no") +
                               " bill_insurance=" + (choice.bill_insurance ? "yes" : "no") + " provider=" +
                               choice.provider_id);
        if (p.state == ProcedureState::failed)
            conn.audit->record(AuditAction::retry, {patient_id, online, p.uuid}, "command line");
        auto out = sync_procedure(store, *conn.client, *conn.audit, p.uuid, choice, fee, {}, archive.get());
        if (out.sign_in_needed)  // stop before the others fail the same way; nothing was counted
            throw CliExit(kExitSignIn, out.message + " Nothing was counted against the procedures; run the "
                                                     "command again after signing in.",
                          out.detail);
        if (out.synced) {
            std::cout << "synced  " << p.code << "  " << p.uuid << "  to " << online
                      << (archive ? ", images in the image archive" : "") << "\n";
            if (out.adopted_server_options)
                std::cout << "        (sent earlier with other options; those were kept)\n";
        } else {
            ++failed;
            auto rec = store.procedure(p.uuid);
            std::cerr << "failed  " << p.code << "  " << p.uuid << "  (attempt " << (rec ? rec->attempts : 0)
                      << "): " << out.message << "\n";
            if (g.verbose && !out.detail.empty()) std::cerr << "detail: " << out.detail << "\n";
        }
    }
    // Retention after the sync (docs/sync-workflow.md): only procedures synced
    // long ago whose images the server confirms go; a failure keeps them.
    try {
        purge_synced(store, *conn.client, std::chrono::system_clock::now(), kDefaultRetention, archive.get());
    } catch (const Error& e) {
        std::cerr << "Old synced images were kept: " << e.what() << "\n";
    }
    if (failed > 0) {
        std::cerr << failed << " procedure(s) failed to sync. Run the same command again, or after the second "
                     "failure hide them with `chairsync-cli recovery hide UUID`.\n";
        return kExitFailed;
    }
    return kExitOk;
}

}  // namespace

CommandRun add_sync_command(CLI::App& app, const Globals& g) {
    auto a = std::make_shared<SyncArgs>();
    auto* cmd = app.add_subcommand("sync", "Sync one offline patient's procedures to an online patient.");
    cmd->footer(kExitCodesHelp);
    add_server_options(cmd, a->server);
    add_archive_options(cmd, a->archive);
    cmd->add_option("--patient", a->patient, "The offline patient's id (see `status`)");
    add_choice_options(cmd, a->choice, true);
    cmd->add_flag("--auto", a->auto_match,
                  "Use the exact match: only when exactly one online patient has the same names and date of birth");
    cmd->add_option("--procedure", a->procedures, "Only these procedure uuids (default: all waiting)");
    cmd->add_option("--recovery", a->recovery_dir, "The recovery folder (default: recovery/ inside the store folder)");
    return [&g, a] { return run_with_exit_codes(g, [&] { return run_sync(g, *a); }); };
}

}  // namespace cs::cli
