#pragma once
// The local audit trail (docs/sync-workflow.md, "The audit log"): an append-only table
// in the offline store's database (schema v2). Every match decision, option
// change, sync result, retry, hide, attach, restore, remind-me-later and
// sign-in is one row with time, workstation, user and ids. No images and no
// free text about a patient: `outcome` is a short machine-ish word or a
// sentence the engine wrote (never a name typed by a person).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/util/sqlite.h"

namespace cs {

enum class AuditAction { sign_in, match_decision, option_change, sync_result, retry, hide, attach, restore, remind_later };
const char* to_string(AuditAction a);

struct AuditEntry {
    int64_t id = 0;
    std::string at;  // ISO 8601 UTC
    std::string workstation, user;
    std::string action;  // to_string(AuditAction)
    std::optional<int64_t> offline_patient_id;
    std::string online_patient_id, procedure_uuid, outcome;
};

// What an entry is about; every field optional.
struct AuditIds {
    std::optional<int64_t> offline_patient_id;
    std::string online_patient_id, procedure_uuid;
};

class AuditLog {
public:
    // `db` is the offline store's connection (OfflineStore::db()), already
    // migrated; it must outlive the log.
    AuditLog(sql::Db& db, std::string workstation, std::string user = {});
    void set_user(std::string user) { user_ = std::move(user); }
    const std::string& user() const { return user_; }

    // Appends one entry (its own tiny transaction). Throws cs::Error.
    void record(AuditAction action, const AuditIds& ids, const std::string& outcome);
    // Oldest first; limit 0 = all.
    std::vector<AuditEntry> entries(size_t limit = 0);
    // The entries about one procedure, oldest first.
    std::vector<AuditEntry> entries_for(const std::string& procedure_uuid);

private:
    std::vector<AuditEntry> query(const std::string& where, const std::string& arg, size_t limit);
    sql::Db& db_;
    std::string workstation_, user_;
};

}  // namespace cs
