#include "engine/store/store_schema.h"

#include <iterator>
#include <string>

#include "engine/util/error.h"

namespace cs {

namespace {

// Version 1: patients as entered offline, their imaging procedures, the image
// files of each procedure, and this computer's settings. Documented column by
// column in docs/offline-store.md.
void create_v1(sql::Db& db) {
    db.exec(R"sql(
CREATE TABLE offline_patients (
    id          INTEGER PRIMARY KEY,
    first_name  TEXT NOT NULL,
    last_name   TEXT NOT NULL,
    birth_date  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (first_name, last_name, birth_date)
);
CREATE TABLE procedures (
    uuid              TEXT PRIMARY KEY,
    patient_id        INTEGER NOT NULL REFERENCES offline_patients(id),
    code              TEXT NOT NULL,
    name              TEXT NOT NULL,
    acquired_at       TEXT NOT NULL,
    location_id       TEXT NOT NULL,
    state             TEXT NOT NULL DEFAULT 'pending'
                      CHECK (state IN ('pending', 'failed', 'synced', 'hidden')),
    attempts          INTEGER NOT NULL DEFAULT 0,
    last_error        TEXT NOT NULL DEFAULT '',
    online_patient_id TEXT,
    apply_charges     INTEGER,
    bill_insurance    INTEGER,
    provider_id       TEXT,
    synced_at         TEXT NOT NULL DEFAULT '',
    created_at        TEXT NOT NULL
);
CREATE INDEX procedures_by_patient ON procedures (patient_id, acquired_at);
CREATE INDEX procedures_by_state ON procedures (state, patient_id);
CREATE TABLE images (
    uuid           TEXT PRIMARY KEY,
    procedure_uuid TEXT NOT NULL REFERENCES procedures(uuid),
    seq            INTEGER NOT NULL,
    file_name      TEXT NOT NULL UNIQUE,
    sha256         TEXT NOT NULL,
    size           INTEGER NOT NULL,
    width          INTEGER NOT NULL,
    height         INTEGER NOT NULL,
    bit_depth      INTEGER NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('radiograph', 'photo')),
    UNIQUE (procedure_uuid, seq)
);
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
)sql");
}

// Version 2 (added by the sync workflow): the local audit trail. Append-only:
// triggers refuse every UPDATE and DELETE, so not even a bug can rewrite it.
// Ids and short outcomes only, never images or names.
void create_v2_audit(sql::Db& db) {
    db.exec(R"sql(
CREATE TABLE audit_log (
    id                INTEGER PRIMARY KEY,
    at                TEXT NOT NULL,
    workstation       TEXT NOT NULL,
    user              TEXT NOT NULL,
    action            TEXT NOT NULL,
    offline_patient_id INTEGER,
    online_patient_id TEXT NOT NULL DEFAULT '',
    procedure_uuid    TEXT NOT NULL DEFAULT '',
    outcome           TEXT NOT NULL DEFAULT ''
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
)sql");
}

// Version 3 (issue 10): the recovery folder's truth moves into the database.
// `moves` is the journal of hide / restore / attach, one row per procedure
// being moved, committed BEFORE any file moves and repaired by uuid at every
// start (docs/sync-workflow.md, "The move journal"). `recovery_entries` and
// `recovery_images` are the hidden procedures and their images; manifest.json
// in the folder is written from them.
void create_v3_moves(sql::Db& db) {
    db.exec(R"sql(
CREATE TABLE recovery_entries (
    procedure_uuid     TEXT PRIMARY KEY REFERENCES procedures(uuid),
    folder             TEXT NOT NULL,
    hidden_at          TEXT NOT NULL,
    withdraw_confirmed INTEGER NOT NULL DEFAULT 0,
    errors             TEXT NOT NULL DEFAULT '[]',
    history            TEXT NOT NULL DEFAULT '[]',
    restored_as        TEXT NOT NULL DEFAULT ''
);
CREATE TABLE recovery_images (
    uuid           TEXT PRIMARY KEY,
    procedure_uuid TEXT NOT NULL REFERENCES recovery_entries(procedure_uuid),
    seq            INTEGER NOT NULL,
    file_name      TEXT NOT NULL,
    store_file     TEXT NOT NULL,
    sha256         TEXT NOT NULL,
    size           INTEGER NOT NULL,
    width          INTEGER NOT NULL,
    height         INTEGER NOT NULL,
    bit_depth      INTEGER NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('radiograph', 'photo')),
    UNIQUE (procedure_uuid, seq)
);
CREATE TABLE moves (
    procedure_uuid  TEXT PRIMARY KEY REFERENCES procedures(uuid),
    kind            TEXT NOT NULL CHECK (kind IN ('hide', 'restore', 'attach')),
    from_place      TEXT NOT NULL CHECK (from_place IN ('store', 'recovery')),
    to_place        TEXT NOT NULL CHECK (to_place IN ('store', 'recovery')),
    step            TEXT NOT NULL CHECK (step IN ('copying', 'switched')),
    folder          TEXT NOT NULL,
    new_uuid        TEXT NOT NULL DEFAULT '',
    new_image_uuids TEXT NOT NULL DEFAULT '[]',
    started_at      TEXT NOT NULL
);
)sql");
}

// Version 4 (issue 14): the outbox of the image archive path. One row per
// image of a procedure whose images go to a DICOMweb archive, written once
// its DICOM object is durable in <root>/outbox/ and before it is sent;
// confirmed_at is set only when the archive's WADO-RS metadata matched
// (docs/sync-workflow.md, "Images into an image archive").
void create_v4_archive_outbox(sql::Db& db) {
    db.exec(R"sql(
CREATE TABLE archive_outbox (
    image_uuid        TEXT PRIMARY KEY,
    procedure_uuid    TEXT NOT NULL REFERENCES procedures(uuid),
    archive_url       TEXT NOT NULL,
    online_patient_id TEXT NOT NULL,
    study_uid         TEXT NOT NULL,
    series_uid        TEXT NOT NULL,
    sop_uid           TEXT NOT NULL UNIQUE,
    file_name         TEXT NOT NULL,
    size              INTEGER NOT NULL,
    pixel_rows        INTEGER NOT NULL,
    pixel_columns     INTEGER NOT NULL,
    confirmed_at      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX archive_outbox_by_procedure ON archive_outbox (procedure_uuid);
)sql");
}

// Version 5 (issue 16): opening a store skips the images folder's sweep
// while the folder and the rows are as the last clean sweep left them
// (docs/offline-store.md, "Skipping the sweep"). A row that stops naming a
// file changes no folder, so these forget that sweep's record: the next
// opening sweeps (a purge killed between its rows and its files, say).
void create_v5_sweep_record(sql::Db& db) {
    const char* changes[] = {"DELETE ON images", "UPDATE OF file_name ON images", "DELETE ON moves",
                             "UPDATE ON moves", "DELETE ON recovery_images", "UPDATE OF store_file ON recovery_images"};
    const char* names[] = {"images_delete", "images_rename", "moves_delete",
                           "moves_update", "recovery_images_delete", "recovery_images_rename"};
    for (size_t i = 0; i < std::size(changes); ++i)
        db.exec(std::string("CREATE TRIGGER ") + names[i] + "_forgets_sweep AFTER " + changes[i] +
                " BEGIN DELETE FROM settings WHERE key = 'images_swept'; END;");
}

}  // namespace

const std::vector<StoreMigration>& store_migrations() {
    static const std::vector<StoreMigration> steps = {
        {1, "patients, procedures, images, settings", create_v1},
        {2, "audit log (append-only)", create_v2_audit},
        {3, "move journal and recovery entries", create_v3_moves},
        {4, "image archive outbox", create_v4_archive_outbox},
        {5, "forget the images folder's sweep record when rows change", create_v5_sweep_record},
    };
    return steps;
}

void migrate_store(sql::Db& db) {
    const auto& steps = store_migrations();
    int have = db.user_version();
    if (have > store_schema_version())
        throw Error("This offline store was made by a newer version of ChairSync. Update ChairSync on this computer.",
                    db.path().string() + ": user_version " + std::to_string(have) + " > " +
                        std::to_string(store_schema_version()));
    for (const auto& step : steps) {
        if (step.version <= have) continue;
        sql::Transaction tx(db);
        // Another process may have migrated while we waited for the write lock.
        if (db.user_version() >= step.version) continue;
        step.apply(db);
        db.set_user_version(step.version);  // inside the transaction: both or neither
        tx.commit();
    }
}

}  // namespace cs
