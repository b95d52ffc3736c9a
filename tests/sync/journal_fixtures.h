#pragma once
// What the move-journal tests check after every step (issue 10): each
// procedure is in exactly one place that a command shows, with all its
// images byte-identical there.
#include <map>
#include <set>
#include <string>

#include "tests/cli/cli_fixtures.h"
#include "tests/sync/sync_fixtures.h"

namespace cs::test {

// How many places that some command shows hold an image with this sha-256,
// whole: open in the offline store (`status`), committed on the server under
// a procedure the store marks synced, or a hidden procedure (`recovery list`).
inline int places(OfflineStore& store, const server::PracticeServer& server, const std::string& sha) {
    int n = 0;
    for (const auto& p : store.patients())
        for (const auto& proc : store.procedures_of(p.id))
            for (const auto& img : store.images_of(proc.uuid)) {
                if (img.sha256 != sha) continue;
                bool open = proc.state == ProcedureState::pending || proc.state == ProcedureState::failed;
                if (open && fs::exists(store.image_path(img)) && sha256_file(store.image_path(img)) == sha) ++n;
                if (proc.state == ProcedureState::synced && server.procedure_state(proc.uuid) == "committed" &&
                    server.stored_image_sha256(proc.uuid, img.uuid) == sha)
                    ++n;
            }
    for (const auto& r : RecoveryFolder::list(store))
        for (const auto& img : r.images)
            if (img.sha256 == sha && fs::exists(img.path) && sha256_file(img.path) == sha) ++n;
    return n;
}

inline int64_t count_rows(OfflineStore& store, const std::string& sql) {
    auto st = store.db().prepare(sql);
    return st.step() ? st.i64(0) : -1;
}

}  // namespace cs::test
