// chairsync-cli audit [--json] [--limit N]: the local audit trail.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "app/cli/commands.h"
#include "app/cli/store_access.h"
#include "engine/sync/audit_log.h"
#include "engine/util/json_text.h"

namespace cs::cli {

namespace {

struct AuditArgs {
    bool json = false;
    size_t limit = 0;
};

int print_audit(const Globals& g, const AuditArgs& a) {
    auto store = open_store(g, false);
    AuditLog log(store.db(), store.workstation_id());
    auto entries = log.entries();
    if (a.limit > 0 && entries.size() > a.limit) entries.erase(entries.begin(), entries.end() - static_cast<long>(a.limit));
    if (a.json) {
        auto arr = nlohmann::json::array();
        for (const auto& e : entries)
            arr.push_back({{"id", e.id},
                           {"at", e.at},
                           {"workstation", e.workstation},
                           {"user", e.user},
                           {"action", e.action},
                           {"offline_patient_id", e.offline_patient_id ? nlohmann::json(*e.offline_patient_id) : nlohmann::json()},
                           {"online_patient_id", e.online_patient_id},
                           {"procedure_uuid", e.procedure_uuid},
                           {"outcome", e.outcome}});
        std::cout << dump_json(arr, 2) << "\n";
        return 0;
    }
    for (const auto& e : entries) {
        std::cout << e.at << "  " << e.workstation << "  " << (e.user.empty() ? "-" : e.user) << "  " << e.action;
        if (e.offline_patient_id) std::cout << "  offline:" << *e.offline_patient_id;
        if (!e.online_patient_id.empty()) std::cout << "  online:" << e.online_patient_id;
        if (!e.procedure_uuid.empty()) std::cout << "  procedure:" << e.procedure_uuid;
        if (!e.outcome.empty()) std::cout << "  " << e.outcome;
        std::cout << "\n";
    }
    return 0;
}

}  // namespace

CommandRun add_audit_command(CLI::App& app, const Globals& g) {
    auto a = std::make_shared<AuditArgs>();
    auto* cmd = app.add_subcommand("audit", "Print the local audit trail (oldest first).");
    cmd->add_flag("--json", a->json, "Print JSON");
    cmd->add_option("--limit", a->limit, "Only the last N entries");
    return [&g, a] { return print_audit(g, *a); };
}

}  // namespace cs::cli
