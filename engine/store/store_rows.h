#pragma once
// Column lists and row readers shared by the store's queries, so that every
// query reads a record the same way. Internal to engine/store.
#include <string>

#include "engine/store/records.h"
#include "engine/util/sqlite.h"

namespace cs {

// 10 columns of the images table under the given alias.
inline std::string image_columns(const std::string& a) {
    return a + ".uuid, " + a + ".procedure_uuid, " + a + ".seq, " + a + ".file_name, " + a + ".sha256, " + a +
           ".size, " + a + ".width, " + a + ".height, " + a + ".bit_depth, " + a + ".kind";
}

// 15 columns of the procedures table (alias p), the last one its image count.
inline constexpr const char* kProcedureColumns =
    "p.uuid, p.patient_id, p.code, p.name, p.acquired_at, p.location_id, p.state, p.attempts, p.last_error, "
    "p.online_patient_id, p.apply_charges, p.bill_insurance, p.provider_id, p.synced_at, "
    "(SELECT COUNT(*) FROM images c WHERE c.procedure_uuid = p.uuid)";

inline ImageRecord read_image_row(const sql::Stmt& st, int c) {
    ImageRecord r;
    r.uuid = st.text(c);
    r.procedure_uuid = st.text(c + 1);
    r.seq = static_cast<int>(st.i64(c + 2));
    r.file_name = st.text(c + 3);
    r.sha256 = st.text(c + 4);
    r.size = static_cast<uint64_t>(st.i64(c + 5));
    r.width = static_cast<int>(st.i64(c + 6));
    r.height = static_cast<int>(st.i64(c + 7));
    r.bit_depth = static_cast<int>(st.i64(c + 8));
    r.kind = image_kind_from_string(st.text(c + 9)).value_or(ImageKind::radiograph);
    return r;
}

inline ProcedureRecord read_procedure_row(const sql::Stmt& st, int c) {
    ProcedureRecord r;
    r.uuid = st.text(c);
    r.patient_id = st.i64(c + 1);
    r.code = st.text(c + 2);
    r.name = st.text(c + 3);
    r.acquired_at = st.text(c + 4);
    r.location_id = st.text(c + 5);
    r.state = procedure_state_from_string(st.text(c + 6)).value_or(ProcedureState::pending);
    r.attempts = static_cast<int>(st.i64(c + 7));
    r.last_error = st.text(c + 8);
    if (!st.is_null(c + 9)) {  // a choice is stored once the user made one
        SyncChoice ch;
        ch.online_patient_id = st.text(c + 9);
        ch.apply_charges = st.i64(c + 10) != 0;
        ch.bill_insurance = st.i64(c + 11) != 0;
        ch.provider_id = st.text(c + 12);
        r.choice = ch;
    }
    r.synced_at = st.text(c + 13);
    r.image_count = static_cast<int>(st.i64(c + 14));
    return r;
}

}  // namespace cs
