#include "engine/store/offline_store.h"

#include <algorithm>
#include <map>

#include "engine/store/store_rows.h"
#include "engine/store/store_schema.h"
#include "engine/util/error.h"
#include "engine/util/fsutil.h"
#include "engine/util/text.h"
#include "engine/util/uuid.h"

namespace cs {

namespace {

// Creates the folders before SQLite opens the file inside them.
std::filesystem::path prepare_root(const std::filesystem::path& root) {
    fsx::create_dirs_durable(root / "images");
    return root / "store.db";
}

// Sorts people as the user reads them: last name, then first name (case and
// accents folded), then id so equal names keep a stable order. Each key is
// made once per person, not twice per comparison (normalize_name showed up
// in the warm-start profile).
template <typename T, typename PatientOf>
void sort_people(std::vector<T>& people, PatientOf patient_of) {
    using Key = std::tuple<std::string, std::string, int64_t>;
    std::vector<std::pair<Key, size_t>> order;
    order.reserve(people.size());
    for (size_t i = 0; i < people.size(); ++i) {
        const OfflinePatient& p = patient_of(people[i]);
        order.emplace_back(Key{normalize_name(p.last_name), normalize_name(p.first_name), p.id}, i);
    }
    std::sort(order.begin(), order.end());
    std::vector<T> sorted;
    sorted.reserve(people.size());
    for (auto& [key, i] : order) sorted.push_back(std::move(people[i]));
    people = std::move(sorted);
}

void require_one_change(sql::Db& db, const std::string& uuid) {
    if (db.changes() == 0)
        throw Error("This procedure is no longer in the offline store.", "no procedure " + uuid);
}

}  // namespace

OfflineStore::OfflineStore(std::filesystem::path root, const std::function<void(OfflineStore&)>& on_open)
    : root_(std::move(root)), db_(prepare_root(root_)) {
    migrate_store(db_);
    if (on_open) on_open(*this);
    // After on_open: the entry point's journal repair settles a move's files first
    // (docs/offline-store.md, "Start-up check").
    sweep_on_open();
}

void OfflineStore::hold_lock() {
    if (!lock_) lock_ = OfflineModeLock::acquire_or_throw(root_);
}

std::vector<PatientSummary> OfflineStore::patients_with_pending() {
    // One query for the whole list: each open procedure with its patient, its
    // image count and its first image (the UNIQUE(procedure_uuid, seq) index
    // answers both sub-queries).
    auto st = db_.prepare(std::string(R"sql(
SELECT pt.id, pt.first_name, pt.last_name, pt.birth_date,
       (SELECT COUNT(*) FROM images c WHERE c.procedure_uuid = p.uuid), )sql") +
                          image_columns("i") + R"sql(
FROM procedures p
JOIN offline_patients pt ON pt.id = p.patient_id
LEFT JOIN images i ON i.procedure_uuid = p.uuid
     AND i.seq = (SELECT MIN(seq) FROM images m WHERE m.procedure_uuid = p.uuid)
WHERE p.state IN ('pending', 'failed')
ORDER BY pt.id, p.acquired_at, p.uuid)sql");
    std::vector<PatientSummary> out;
    while (st.step()) {
        int64_t id = st.i64(0);
        if (out.empty() || out.back().patient.id != id) {
            PatientSummary s;
            s.patient = {id, st.text(1), st.text(2), st.text(3)};
            out.push_back(std::move(s));
        }
        auto& s = out.back();
        s.procedures += 1;
        s.images += static_cast<int>(st.i64(4));
        if (!st.is_null(5)) s.first_images.push_back(read_image_row(st, 5));
    }
    sort_people(out, [](const PatientSummary& s) -> const OfflinePatient& { return s.patient; });
    return out;
}

std::vector<OfflinePatient> OfflineStore::patients() {
    auto st = db_.prepare(
        "SELECT id, first_name, last_name, birth_date FROM offline_patients pt "
        "WHERE EXISTS (SELECT 1 FROM procedures p WHERE p.patient_id = pt.id)");
    std::vector<OfflinePatient> out;
    while (st.step()) out.push_back({st.i64(0), st.text(1), st.text(2), st.text(3)});
    sort_people(out, [](const OfflinePatient& p) -> const OfflinePatient& { return p; });
    return out;
}

std::optional<OfflinePatient> OfflineStore::patient(int64_t id) {
    auto st = db_.prepare("SELECT id, first_name, last_name, birth_date FROM offline_patients WHERE id = ?1");
    st.bind_all(id);
    if (!st.step()) return std::nullopt;
    return OfflinePatient{st.i64(0), st.text(1), st.text(2), st.text(3)};
}

std::vector<ProcedureRecord> OfflineStore::procedures_of(int64_t patient_id) {
    static const std::string sql = std::string("SELECT ") + kProcedureColumns +
                                   " FROM procedures p WHERE p.patient_id = ?1 ORDER BY p.acquired_at, p.uuid";
    auto st = db_.cached(sql);
    st->bind_all(patient_id);
    std::vector<ProcedureRecord> out;
    while (st->step()) out.push_back(read_procedure_row(*st, 0));
    return out;
}

std::optional<ProcedureRecord> OfflineStore::procedure(const std::string& uuid) {
    static const std::string sql = std::string("SELECT ") + kProcedureColumns + " FROM procedures p WHERE p.uuid = ?1";
    auto st = db_.cached(sql);
    st->bind_all(uuid);
    if (!st->step()) return std::nullopt;
    return read_procedure_row(*st, 0);
}

std::vector<ImageRecord> OfflineStore::images_of(const std::string& procedure_uuid) {
    static const std::string sql =
        std::string("SELECT ") + image_columns("i") + " FROM images i WHERE i.procedure_uuid = ?1 ORDER BY i.seq";
    auto st = db_.cached(sql);
    st->bind_all(procedure_uuid);
    std::vector<ImageRecord> out;
    while (st->step()) out.push_back(read_image_row(*st, 0));
    return out;
}

void OfflineStore::save_choice(const std::string& uuid, const SyncChoice& c) {
    db_.prepare(
           "UPDATE procedures SET online_patient_id = ?2, apply_charges = ?3, bill_insurance = ?4, provider_id = ?5 "
           "WHERE uuid = ?1")
        .bind_all(uuid, c.online_patient_id, c.apply_charges, c.bill_insurance, c.provider_id)
        .run();
    require_one_change(db_, uuid);
}

void OfflineStore::record_failure(const std::string& uuid, const std::string& message) {
    db_.prepare("UPDATE procedures SET state = 'failed', attempts = attempts + 1, last_error = ?2 WHERE uuid = ?1")
        .bind_all(uuid, message)
        .run();
    require_one_change(db_, uuid);
}

void OfflineStore::mark_synced(const std::string& uuid, const std::string& synced_at) {
    db_.prepare("UPDATE procedures SET state = 'synced', synced_at = ?2, last_error = '' WHERE uuid = ?1")
        .bind_all(uuid, synced_at)
        .run();
    require_one_change(db_, uuid);
}

std::optional<std::string> OfflineStore::setting(const std::string& key) {
    auto st = db_.prepare("SELECT value FROM settings WHERE key = ?1");
    st.bind_all(key);
    if (!st.step()) return std::nullopt;
    return st.text(0);
}

void OfflineStore::set_setting(const std::string& key, const std::string& value) {
    db_.prepare("INSERT INTO settings(key, value) VALUES(?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
        .bind_all(key, value)
        .run();
}

std::string OfflineStore::workstation_id() {
    // INSERT OR IGNORE: two processes starting together still agree on one id.
    db_.prepare("INSERT OR IGNORE INTO settings(key, value) VALUES(?1, ?2)")
        .bind_all(std::string(kSettingWorkstationId), new_uuid())
        .run();
    return *setting(kSettingWorkstationId);
}

}  // namespace cs
