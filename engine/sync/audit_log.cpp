#include "engine/sync/audit_log.h"

#include "engine/util/text.h"

namespace cs {

const char* to_string(AuditAction a) {
    switch (a) {
        case AuditAction::sign_in: return "sign_in";
        case AuditAction::match_decision: return "match_decision";
        case AuditAction::option_change: return "option_change";
        case AuditAction::sync_result: return "sync_result";
        case AuditAction::retry: return "retry";
        case AuditAction::hide: return "hide";
        case AuditAction::attach: return "attach";
        case AuditAction::restore: return "restore";
        case AuditAction::remind_later: return "remind_later";
    }
    return "unknown";
}

AuditLog::AuditLog(sql::Db& db, std::string workstation, std::string user)
    : db_(db), workstation_(std::move(workstation)), user_(std::move(user)) {}

void AuditLog::record(AuditAction action, const AuditIds& ids, const std::string& outcome) {
    db_.prepare(
           "INSERT INTO audit_log(at, workstation, user, action, offline_patient_id, online_patient_id, "
           "procedure_uuid, outcome) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
        .bind_all(now_utc_iso(), workstation_, user_, std::string(to_string(action)), ids.offline_patient_id,
                  ids.online_patient_id, ids.procedure_uuid, outcome)
        .run();
}

std::vector<AuditEntry> AuditLog::entries(size_t limit) { return query("", "", limit); }

std::vector<AuditEntry> AuditLog::entries_for(const std::string& procedure_uuid) {
    return query("WHERE procedure_uuid = ?1", procedure_uuid, 0);
}

std::vector<AuditEntry> AuditLog::query(const std::string& where, const std::string& arg, size_t limit) {
    std::string q =
        "SELECT id, at, workstation, user, action, offline_patient_id, online_patient_id, procedure_uuid, outcome "
        "FROM audit_log " + where + " ORDER BY id";
    if (limit > 0) q += " LIMIT " + std::to_string(limit);
    auto st = db_.prepare(q);
    if (!where.empty()) st.bind_all(arg);
    std::vector<AuditEntry> out;
    while (st.step()) {
        AuditEntry e;
        e.id = st.i64(0);
        e.at = st.text(1);
        e.workstation = st.text(2);
        e.user = st.text(3);
        e.action = st.text(4);
        e.offline_patient_id = st.opt_i64(5);
        e.online_patient_id = st.text(6);
        e.procedure_uuid = st.text(7);
        e.outcome = st.text(8);
        out.push_back(std::move(e));
    }
    return out;
}

}  // namespace cs
