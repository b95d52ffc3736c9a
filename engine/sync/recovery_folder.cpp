// Moving procedures between the offline store and the recovery folder through
// the `moves` journal, and repairing a move after a kill, by uuid. The order
// of each move, and why it is crash safe, is in recovery_folder.h and
// docs/sync-workflow.md ("The move journal").
#include "engine/image/image.h"
#include "engine/sync/recovery_folder.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "engine/sync/manifest.h"
#include "engine/util/error.h"
#include "engine/util/fsutil.h"
#include "engine/util/sha256.h"
#include "engine/util/text.h"
#include "engine/util/uuid.h"

namespace cs {

namespace fs = std::filesystem;
using nlohmann::json;

const char* const kWithdrawalUnconfirmedMessage =
    "The practice server has not confirmed yet that this procedure was withdrawn, so it cannot go back to the "
    "offline list or be attached: it might still reach a chart. Try again when the practice server answers.";

const char* const kHiddenUnconfirmedNote =
    "Hidden. The practice server has not confirmed the withdrawal yet, so Put Back and Attach wait until it "
    "answers.";

namespace {

struct Move {
    std::string uuid, kind, step;
    fs::path folder;
    std::string new_uuid;
    std::vector<std::string> new_image_uuids;
};

bool in_store_and_open(const std::optional<ProcedureRecord>& p) {
    return p && (p->state == ProcedureState::pending || p->state == ProcedureState::failed);
}

// A name from the database or a manifest never leaves its folder.
bool plain_file_name(const std::string& name) {
    return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos &&
           name.find('\\') == std::string::npos;
}

std::optional<Move> move_of(OfflineStore& store, const std::string& uuid) {
    auto st = store.db().prepare(
        "SELECT procedure_uuid, kind, step, folder, new_uuid, new_image_uuids FROM moves WHERE procedure_uuid = ?1");
    st.bind_all(uuid);
    if (!st.step()) return std::nullopt;
    Move m{st.text(0), st.text(1), st.text(2), st.text(3), st.text(4), {}};
    auto ids = json::parse(st.text(5), nullptr, false);
    if (ids.is_array())
        for (const auto& id : ids)
            if (id.is_string()) m.new_image_uuids.push_back(id.get<std::string>());
    return m;
}

void begin_move(OfflineStore& store, const std::string& uuid, const char* kind, const char* from, const char* to,
                const fs::path& folder, const std::string& new_uuid = {},
                const std::vector<std::string>& new_image_uuids = {}) {
    sql::Transaction tx(store.db());
    store.db()
        .prepare("INSERT INTO moves(procedure_uuid, kind, from_place, to_place, step, folder, new_uuid, "
                 "new_image_uuids, started_at) VALUES(?1, ?2, ?3, ?4, 'copying', ?5, ?6, ?7, ?8)")
        .bind_all(uuid, std::string(kind), std::string(from), std::string(to), folder.string(), new_uuid,
                  json(new_image_uuids).dump(), now_utc_iso())
        .run();
    tx.commit();
}

void mark_switched(OfflineStore& store, const std::string& uuid) {
    store.db().prepare("UPDATE moves SET step = 'switched' WHERE procedure_uuid = ?1").bind_all(uuid).run();
}

void end_move(OfflineStore& store, const std::string& uuid) {
    store.db().prepare("DELETE FROM moves WHERE procedure_uuid = ?1").bind_all(uuid).run();
}

bool store_references_file(OfflineStore& store, const std::string& file_name) {
    auto st = store.db().prepare("SELECT 1 FROM images WHERE file_name = ?1");
    st.bind_all(file_name);
    return st.step();
}

// Removes one file in the store's images folder unless a row points at it.
int remove_store_file(OfflineStore& store, const std::string& name) {
    if (!plain_file_name(name) || store_references_file(store, name)) return 0;
    fs::path file = store.images_dir() / name;
    std::error_code ec;
    if (!fs::exists(file, ec)) return 0;
    fsx::remove_durable(file);
    return 1;
}

void remove_folder(const fs::path& folder) {
    std::error_code ec;
    if (!fs::exists(folder, ec)) return;
    fs::remove_all(folder, ec);
    if (ec) throw_io_error("remove", folder.string(), ec.value());
    fsx::fsync_dir(folder.parent_path());
}

std::vector<RecoveryEvent> history_from(const std::string& text) {
    std::vector<RecoveryEvent> out;
    auto j = json::parse(text, nullptr, false);
    if (!j.is_array()) return out;
    for (const auto& h : j)
        if (h.is_object())
            out.push_back({h.value("at", ""), h.value("event", ""), h.value("new_procedure_uuid", ""),
                           h.value("online_patient_id", "")});
    return out;
}

std::string history_text(const std::vector<RecoveryEvent>& history) {
    json j = json::array();
    for (const auto& h : history)
        j.push_back({{"at", h.at}, {"event", h.event}, {"new_procedure_uuid", h.new_procedure_uuid},
                     {"online_patient_id", h.online_patient_id}});
    return j.dump();
}

// Inserts a hidden procedure's entry and image rows (the hide's switch, or
// adopting an older ChairSync's manifest).
void insert_entry(OfflineStore& store, const RecoveredProcedure& r) {
    store.db()
        .prepare("INSERT INTO recovery_entries(procedure_uuid, folder, hidden_at, withdraw_confirmed, errors, "
                 "history, restored_as) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)")
        .bind_all(r.procedure_uuid, r.folder.string(), r.hidden_at, r.withdraw_confirmed, json(r.errors).dump(),
                  history_text(r.history), r.restored_as)
        .run();
    auto ins = store.db().prepare(
        "INSERT INTO recovery_images(uuid, procedure_uuid, seq, file_name, store_file, sha256, size, width, height, "
        "bit_depth, kind) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
    for (const auto& i : r.images) {
        ins.reset();
        ins.bind_all(i.original_uuid, r.procedure_uuid, i.seq, i.file, i.store_file, i.sha256,
                     static_cast<int64_t>(i.size), i.width, i.height, i.bit_depth, std::string(to_string(i.kind)))
            .run();
    }
}

// Best effort after a failure: the journal row stays when this cannot finish,
// and the next repair rolls the move back.
template <typename F>
void quietly(F&& f) {
    try {
        f();
    } catch (const std::exception&) {
    }
}

// --- hide: roll back before the switch, finish after it ---

void roll_back_hide(OfflineStore& store, const Move& m) {
    if (m.folder.filename() == m.uuid) remove_folder(m.folder);  // only this procedure's own folder
    end_move(store, m.uuid);
}

int finish_hide(OfflineStore& store, const std::string& uuid) {
    int removed = 0;
    if (auto r = RecoveryFolder::find(store, uuid)) {
        write_manifest(*r);
        fsx::crash_point("hide:after-manifest");
        for (const auto& img : r->images) removed += remove_store_file(store, img.store_file);
    }
    fsx::crash_point("hide:after-delete");
    end_move(store, uuid);
    return removed;
}

// --- restore / attach: roll back before the switch, finish after it ---

void roll_back_restore(OfflineStore& store, const Move& m) {
    for (const auto& id : m.new_image_uuids)  // only the files this restore named, never by checksum
        for (const char* ext : kImageExtensions) remove_store_file(store, id + ext);
    end_move(store, m.uuid);
}

int finish_restore(OfflineStore& store, const std::string& uuid) {
    int removed = 0;
    if (auto r = RecoveryFolder::find(store, uuid)) {
        write_manifest(*r);
        fsx::crash_point("restore:after-manifest");
        std::error_code ec;
        for (const auto& img : r->images)
            if (fs::exists(img.path, ec)) {
                fsx::remove_durable(img.path);
                ++removed;
            }
    }
    fsx::crash_point("restore:after-delete");
    end_move(store, uuid);
    return removed;
}

fs::path legacy_dir(const fs::path& store_root) {
    fs::path abs = fs::absolute(store_root).lexically_normal();
    if (abs.filename().empty()) abs = abs.parent_path();
    return abs.parent_path() / "recovery";
}

// A hidden procedure an older ChairSync recorded only in <dir>/<uuid>/manifest.json:
// adopted when that manifest names this very uuid, says "complete", and every
// image it lists is there with its checksum. Anything else is left as it is.
bool adopt_legacy(OfflineStore& store, const std::string& uuid, const fs::path& dir) {
    std::optional<RecoveredProcedure> r;
    try {
        r = read_manifest(dir / uuid);
    } catch (const Error&) {
        return false;
    }
    if (!r || r->procedure_uuid != uuid || r->state != "complete" || r->images.empty()) return false;
    for (const auto& img : r->images) {
        std::error_code ec;
        if (!fs::is_regular_file(img.path, ec)) return false;
        try {
            if (sha256_file(img.path) != img.sha256) return false;
        } catch (const Error&) {
            return false;
        }
    }
    r->folder = fs::absolute(dir / uuid);
    sql::Transaction tx(store.db());
    insert_entry(store, *r);
    tx.commit();
    return true;
}

}  // namespace

RecoveryFolder::RecoveryFolder(fs::path dir) : dir_(std::move(dir)) {}

fs::path RecoveryFolder::default_dir(const fs::path& store_root) {
    return fs::absolute(store_root).lexically_normal() / "recovery";
}

fs::path RecoveryFolder::dir_for(const fs::path& store_root, const fs::path& configured) {
    return configured.empty() ? default_dir(store_root) : configured;
}

void RecoveryFolder::hide(OfflineStore& store, const std::string& uuid, const HideDetails& details) {
    if (move_of(store, uuid)) repair(store);  // a move of this procedure left half-done: settle it first
    auto proc = store.procedure(uuid);
    if (!in_store_and_open(proc))
        throw Error("This procedure can no longer be hidden: it is not waiting to sync.", "hide " + uuid);
    auto images = store.images_of(uuid);
    Move m{uuid, "hide", "copying", fs::absolute(dir_).lexically_normal() / uuid, {}, {}};
    begin_move(store, uuid, "hide", "store", "recovery", m.folder);
    fsx::crash_point("hide:after-journal");
    try {
        remove_folder(m.folder);  // whatever an older ChairSync left there is a copy of what the store holds
        fsx::create_dirs_durable(m.folder);
        int n = 0;
        for (const auto& img : images) {
            std::string sha = fsx::copy_file_durable(store.image_path(img), m.folder / img.file_name);
            if (sha != img.sha256)
                throw Error("An image of this procedure has changed on disk since it was captured, so it was not "
                            "hidden. Ask your IT person to run a store check.",
                            "hide " + uuid + ": " + img.file_name + " sha " + sha + " != " + img.sha256);
            fsx::crash_point(("hide:after-copy-" + std::to_string(++n)).c_str());
        }
        // The switch: one transaction moves the procedure from the offline list to the recovery folder.
        RecoveredProcedure r;
        r.folder = m.folder;
        r.procedure_uuid = uuid;
        r.hidden_at = now_utc_iso();
        r.withdraw_confirmed = details.withdraw_confirmed;
        r.errors = details.errors;
        r.history.push_back({r.hidden_at, "hidden", "", ""});
        for (const auto& img : images)
            r.images.push_back({img.file_name, m.folder / img.file_name, img.uuid, img.file_name, img.sha256,
                                img.size, img.kind, img.seq, img.width, img.height, img.bit_depth});
        sql::Transaction tx(store.db());
        insert_entry(store, r);
        store.db().prepare("DELETE FROM images WHERE procedure_uuid = ?1").bind_all(uuid).run();
        store.db().prepare("UPDATE procedures SET state = 'hidden' WHERE uuid = ?1").bind_all(uuid).run();
        mark_switched(store, uuid);
        fsx::crash_point("hide:before-switch");
        tx.commit();
    } catch (...) {
        quietly([&] { roll_back_hide(store, m); });
        throw;
    }
    fsx::crash_point("hide:after-store");
    quietly([&] { finish_hide(store, uuid); });  // left to repair() if it cannot finish now
}

std::vector<RecoveredProcedure> RecoveryFolder::list(OfflineStore& store) {
    auto st = store.db().prepare(
        "SELECT procedure_uuid FROM recovery_entries WHERE restored_as = '' ORDER BY hidden_at DESC, procedure_uuid DESC");
    std::vector<std::string> uuids;
    while (st.step()) uuids.push_back(st.text(0));
    std::vector<RecoveredProcedure> out;
    for (const auto& uuid : uuids)
        if (auto r = find(store, uuid)) out.push_back(std::move(*r));
    return out;
}

std::optional<RecoveredProcedure> RecoveryFolder::find(OfflineStore& store, const std::string& uuid) {
    auto st = store.db().prepare(
        "SELECT e.folder, e.hidden_at, e.withdraw_confirmed, e.errors, e.history, e.restored_as, p.code, p.name, "
        "p.acquired_at, p.location_id, pt.first_name, pt.last_name, pt.birth_date FROM recovery_entries e "
        "JOIN procedures p ON p.uuid = e.procedure_uuid JOIN offline_patients pt ON pt.id = p.patient_id "
        "WHERE e.procedure_uuid = ?1");
    st.bind_all(uuid);
    if (!st.step()) return std::nullopt;
    RecoveredProcedure r;
    r.folder = st.text(0);
    r.procedure_uuid = uuid;
    r.hidden_at = st.text(1);
    r.withdraw_confirmed = st.i64(2) != 0;
    auto errors = json::parse(st.text(3), nullptr, false);
    if (errors.is_array())
        for (const auto& e : errors)
            if (e.is_string()) r.errors.push_back(e.get<std::string>());
    r.history = history_from(st.text(4));
    r.restored_as = st.text(5);
    r.state = r.restored_as.empty() ? "complete" : "restored";
    r.code = st.text(6), r.name = st.text(7), r.acquired_at = st.text(8), r.location_id = st.text(9);
    r.first_name = st.text(10), r.last_name = st.text(11), r.birth_date = st.text(12);
    auto im = store.db().prepare(
        "SELECT uuid, seq, file_name, store_file, sha256, size, width, height, bit_depth, kind FROM recovery_images "
        "WHERE procedure_uuid = ?1 ORDER BY seq");
    im.bind_all(uuid);
    while (im.step()) {
        RecoveredImage i;
        i.original_uuid = im.text(0);
        i.seq = static_cast<int>(im.i64(1));
        i.file = im.text(2);
        if (!plain_file_name(i.file)) continue;
        i.path = r.folder / i.file;
        i.store_file = im.text(3);
        i.sha256 = im.text(4);
        i.size = static_cast<uint64_t>(im.i64(5));
        i.width = static_cast<int>(im.i64(6));
        i.height = static_cast<int>(im.i64(7));
        i.bit_depth = static_cast<int>(im.i64(8));
        i.kind = image_kind_from_string(im.text(9)).value_or(ImageKind::radiograph);
        r.images.push_back(std::move(i));
    }
    return r;
}

void RecoveryFolder::confirm_withdrawal(OfflineStore& store, const std::string& uuid) {
    store.db().prepare("UPDATE recovery_entries SET withdraw_confirmed = 1 WHERE procedure_uuid = ?1").bind_all(uuid).run();
    if (auto r = find(store, uuid)) quietly([&] { write_manifest(*r); });  // the copy; the row is the truth
}

std::string RecoveryFolder::restore(OfflineStore& store, const std::string& uuid, const std::string& event,
                                    const std::string& online_patient_id, const SyncChoice* choice) {
    if (move_of(store, uuid)) repair(store);
    auto r = find(store, uuid);
    if (!r || r->state != "complete")
        throw Error("This procedure is not in the recovery folder.", "restore " + uuid);
    if (!r->withdraw_confirmed) throw Error(kWithdrawalUnconfirmedMessage, "restore " + uuid + ": withdrawal unconfirmed");
    for (const auto& img : r->images) {
        std::string sha;
        try {
            sha = sha256_file(img.path);
        } catch (const Error& e) {
            throw Error("An image of this procedure is missing from the recovery folder, so it was not put back. "
                        "Ask your IT person to look at " + r->folder.string() + ".",
                        e.detail());
        }
        if (sha != img.sha256)
            throw Error("An image in the recovery folder has changed since it was hidden, so it was not restored.",
                        img.path.string() + " sha " + sha + " != " + img.sha256);
    }
    // Every uuid the restore will create is named in its journal row first,
    // so a roll-back removes exactly its own files.
    Move m{uuid, event == "attached" ? "attach" : "restore", "copying", r->folder, new_uuid(), {}};
    CaptureRequest req;
    // A manifest written elsewhere may break the store's rules: fitted, so
    // its images can always come back (docs/offline-store.md).
    req.first_name = fit_text(r->first_name, kMaxNameChars);
    req.last_name = fit_text(r->last_name, kMaxNameChars);
    req.birth_date = fit_text(r->birth_date, kMaxBirthDateChars);
    req.code = escape_invalid_utf8(r->code);
    req.name = escape_invalid_utf8(r->name);
    req.location_id = escape_invalid_utf8(r->location_id);
    req.acquired_at = escape_invalid_utf8(r->acquired_at);
    req.procedure_uuid = m.new_uuid;
    for (const auto& img : r->images) {
        m.new_image_uuids.push_back(new_uuid());
        req.images.push_back({img.path, img.kind, m.new_image_uuids.back()});
    }
    auto history = r->history;
    history.push_back({now_utc_iso(), event, m.new_uuid, online_patient_id});
    // The switch happens inside capture's one transaction: the new procedure's
    // rows, the entry marked restored, the choice, the journal step.
    req.in_transaction = [&] {
        store.db()
            .prepare("UPDATE recovery_entries SET restored_as = ?2, history = ?3 WHERE procedure_uuid = ?1")
            .bind_all(uuid, m.new_uuid, history_text(history))
            .run();
        if (choice) store.save_choice(m.new_uuid, *choice);
        mark_switched(store, uuid);
    };
    begin_move(store, uuid, m.kind.c_str(), "recovery", "store", m.folder, m.new_uuid, m.new_image_uuids);
    fsx::crash_point("restore:after-journal");
    try {
        store.capture(req);
    } catch (...) {
        quietly([&] { roll_back_restore(store, m); });
        throw;
    }
    fsx::crash_point("restore:after-store");
    quietly([&] { finish_restore(store, uuid); });
    return m.new_uuid;
}

RecoveryReport RecoveryFolder::repair(OfflineStore& store, const fs::path& configured) {
    RecoveryReport report;
    std::vector<std::string> moving;
    {
        auto st = store.db().prepare("SELECT procedure_uuid FROM moves ORDER BY started_at");
        while (st.step()) moving.push_back(st.text(0));
    }
    for (const auto& uuid : moving) {
        auto m = move_of(store, uuid);
        if (!m) continue;
        bool switched = m->step == "switched";
        if (m->kind == "hide") {
            if (switched) {
                report.leftover_files_removed += finish_hide(store, uuid);
                ++report.hides_completed;
            } else {
                roll_back_hide(store, *m);
                ++report.hides_rolled_back;
            }
        } else if (switched) {
            report.leftover_files_removed += finish_restore(store, uuid);
            ++report.restores_completed;
        } else {
            roll_back_restore(store, *m);
            ++report.restores_rolled_back;
        }
    }
    // Hidden by an older ChairSync: its manifest was the only record.
    std::vector<std::string> orphans;
    {
        auto st = store.db().prepare(
            "SELECT uuid FROM procedures p WHERE state = 'hidden' AND NOT EXISTS "
            "(SELECT 1 FROM recovery_entries e WHERE e.procedure_uuid = p.uuid)");
        while (st.step()) orphans.push_back(st.text(0));
    }
    for (const auto& uuid : orphans)
        for (const auto& dir : {configured, default_dir(store.root()), legacy_dir(store.root())})
            if (!dir.empty() && adopt_legacy(store, uuid, dir)) {
                ++report.legacy_adopted;
                break;
            }
    return report;
}

}  // namespace cs
