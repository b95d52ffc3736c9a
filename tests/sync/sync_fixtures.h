#pragma once
// The world of a sync test: the REAL practice server (seed "demo") embedded
// on a loopback port, a real PracticeClient signed in as the demo user, and
// an offline store filled through capture() with small generated images.
#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "engine/api/practice_client.h"
#include "engine/store/offline_store.h"
#include "engine/sync/audit_log.h"
#include "engine/sync/recovery_folder.h"
#include "engine/sync/sync_pipeline.h"
#include "engine/sync/sync_session.h"
#include "engine/util/sha256.h"
#include "server/practice_server.h"
#include "tests/store/store_fixtures.h"
#include "tests/support/quick_server.h"
#include "tests/support/test_support.h"

namespace cs::test {

inline std::unique_ptr<server::PracticeServer> start_demo_server(const fs::path& dir) {
    auto s = std::make_unique<server::PracticeServer>(quick_server_options(dir));
    s->start();
    return s;
}

inline api::ClientConfig client_config(const std::string& url) {
    api::ClientConfig c;
    c.base_url = url;
    c.location_id = "loc-1";
    c.workstation = "OP-1";
    c.retry.max_attempts = 2;  // a failing upload fails in two quick tries
    c.retry.base_delay = std::chrono::milliseconds(1);
    c.retry.max_delay = std::chrono::milliseconds(5);
    return c;
}

struct SyncWorld {
    TempDir tmp;
    std::unique_ptr<server::PracticeServer> server = start_demo_server(tmp.path());
    OfflineStore store{tmp / "store"};
    api::PracticeClient client{client_config(server->base_url())};
    AuditLog audit{store.db(), "OP-1"};
    int image_seed = 1;

    SyncWorld() {
        store.set_setting(kSettingLocationId, "loc-1");
        sign_in_audited(client, audit, "demo", "1234");
    }

    fs::path recovery_dir() const { return tmp / "recovery"; }
    SessionConfig config(std::string started_for = "p-1001") const {
        SessionConfig c;
        c.started_for_patient_id = std::move(started_for);
        c.recovery_dir = recovery_dir();
        return c;
    }

    // One offline procedure of `n` small PNGs (distinct bytes each).
    std::string capture(const std::string& first, const std::string& last, const std::string& dob,
                        const std::string& code, int n = 2) {
        std::vector<fs::path> files;
        fs::create_directories(tmp / "src");
        for (int i = 0; i < n; ++i) {
            int seed = image_seed++;
            files.push_back(make_png(tmp / "src" / ("img" + std::to_string(seed) + ".png"), 40 + seed % 7, 30, seed));
        }
        auto req = capture_request(first, last, dob, files);
        req.code = code;
        req.name = "procedure " + code;
        return store.capture(req);
    }

    int64_t offline_id(const std::string& uuid) { return store.procedure(uuid)->patient_id; }
};

// Every image of a procedure is held by the server byte-identical (by sha-256 of the file it stored).
inline bool server_holds_all(const server::PracticeServer& s, const std::string& uuid,
                             const std::vector<ImageRecord>& images) {
    return std::all_of(images.begin(), images.end(), [&](const ImageRecord& i) {
        return s.stored_image_sha256(uuid, i.uuid) == i.sha256;
    });
}

inline std::vector<std::string> actions(AuditLog& audit) {
    std::vector<std::string> out;
    for (const auto& e : audit.entries()) out.push_back(e.action);
    return out;
}

inline bool contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace cs::test
