// The kiosk's engine worker with an image archive set (docs/dicomweb.md,
// "Configuration"): Maria's procedures synced through the worker into a real
// Orthanc (the one the tests start, tests/support/orthanc.h) beside the demo
// practice server; the kiosk closed during the STOW-RS request, then started
// again; an attach from the recovery folder; retention at the next start
// (and none while the archive setting cannot be used);
// and a setting that cannot be used. Read back through Orthanc's REST API.
#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <thread>

#include "app/kiosk/worker/engine_worker.h"
#include "engine/demo/demo_store.h"
#include "engine/dicom/dicom_object.h"
#include "engine/store/offline_store.h"
#include "engine/sync/archive_outbox.h"
#include "server/practice_server.h"
#include "tests/kiosk/worker/recovery_fixture.h"
#include "tests/kiosk/worker/worker_fixture.h"
#include "tests/support/orthanc.h"
#include "tests/support/tcp_proxy.h"
#include "tests/support/test_support.h"
#include "tests/sync/sync_fixtures.h"

using namespace cs;
using namespace cs::kiosk;

namespace {

namespace fs = std::filesystem;

std::string study_of(const std::string& procedure_uuid) { return dicom::uid_from_uuid(procedure_uuid); }

// The demo practice (store and server) and a kiosk whose archive is `url`,
// signed in as the demo user when started. The store is opened by the test
// only while no worker runs.
struct ArchiveKiosk {
    test::TempDir dir;
    std::unique_ptr<server::PracticeServer> server;
    test::Waker waker;
    EngineOptions opt;
    std::unique_ptr<EngineWorker> worker;

    ArchiveKiosk(const std::string& url, const std::string& credentials, fs::perms mode = fs::perms::owner_read) {
        demo::build_demo_store(dir / "store");
        server = test::start_demo_server(dir.path());
        opt = test::worker_options(dir / "store", dir / "thumbnails", server->base_url());
        opt.recovery = (dir / "recovery").string();
        const fs::path file = dir / "archive-credentials";
        std::ofstream(file) << credentials << "\n";
        fs::permissions(file, mode, fs::perm_options::replace);
        opt.archive = dicomweb::ArchiveSetting{url, file, {}, false};
    }
    ~ArchiveKiosk() {
        worker.reset();
        server->stop();
    }
    std::shared_ptr<const Snapshot> snap() const { return worker->snapshot(); }
    void start() {
        worker = std::make_unique<EngineWorker>(opt, [this] { waker.wake(); }, [](const std::string&, GrayOrRgba8Image, std::string) {});
        REQUIRE(waker.wait_until([&] { return snap()->signed_in || !snap()->error.empty(); }));
        INFO(snap()->error);
        REQUIRE(snap()->signed_in);
    }
    // Until `pred` holds or a banner shows.
    bool until(const std::function<bool(const Snapshot&)>& pred) {
        return waker.wait_until([&] { return pred(*snap()) || !snap()->error.empty(); });
    }
    // Synchronize Procedures for Maria, her match accepted, the first
    // provider for both procedures, Next: returns once the sync has begun.
    void start_maria() {
        worker->send(cmd::StartSync{});
        REQUIRE(until([](const Snapshot& s) { return s.session.step == SyncStep::patients; }));
        int64_t maria = -1;
        for (const auto& p : snap()->session.patients)
            if (p.patient.first_name == "Maria") maria = p.patient.id;
        REQUIRE(maria > 0);
        worker->send(cmd::SelectPatient{maria});
        REQUIRE(until([](const Snapshot& s) { return s.session.step == SyncStep::match; }));
        worker->send(cmd::AcceptMatch{});
        REQUIRE(until([](const Snapshot& s) { return s.session.step == SyncStep::options; }));
        worker->send(cmd::ApplyToAll{});
        worker->send(cmd::StartSyncRun{});
    }
    // ... and waits until each procedure has ended, synced or failed.
    std::vector<SyncItemView> sync_maria() {
        start_maria();
        REQUIRE(until([](const Snapshot& s) {
            if (s.session.step != SyncStep::sync || s.session.items.empty()) return false;
            for (const auto& it : s.session.items)
                if (it.state != ItemState::synced && it.state != ItemState::failed) return false;
            return true;
        }));
        INFO(snap()->error);
        CHECK(snap()->error.empty());
        return snap()->session.items;
    }
};

// The archive holds each image of `uuid` once, under the online patient
// `patient_id`; the practice server holds its one charge and no image bytes.
void check_in_archive(ArchiveKiosk& k, OfflineStore& store, test::Orthanc& o, const std::string& uuid,
                      const std::string& patient_id) {
    const auto images = store.images_of(uuid);
    REQUIRE_FALSE(images.empty());
    CHECK(store.procedure(uuid)->state == ProcedureState::synced);
    CHECK(test::instances_in_study(o, study_of(uuid)) == static_cast<int>(images.size()));
    for (const auto& img : images) {
        auto tags = test::instance_tags(o, dicom::uid_from_uuid(img.uuid));
        CHECK(tags["PatientID"] == patient_id);
        CHECK(tags["StudyInstanceUID"] == study_of(uuid));
        CHECK(k.server->stored_image_sha256(uuid, img.uuid).empty());  // no bytes to the practice server
    }
    CHECK(k.server->charge_count(uuid) == 1);
    for (const auto& row : outbox_rows(store, uuid)) CHECK(row.confirmed());
}

std::string credentials_of(test::Orthanc& o) { return o.user() + ":" + o.password(); }

// Synced long ago: retention takes their images at the kiosk's next start, once their keeper confirms them.
void synced_long_ago(OfflineStore& store, const std::vector<SyncItemView>& items) {
    for (const auto& it : items)
        store.db().prepare("UPDATE procedures SET synced_at = '2026-01-01T00:00:00Z' WHERE uuid = ?1").bind_all(it.uuid).run();
}

}  // namespace

TEST_CASE("archive kiosk: Maria's procedures sync through the worker into Orthanc; the next start purges old ones") {
    CS_NEED_ORTHANC(orthanc);
    ArchiveKiosk k(orthanc->dicomweb_url(), credentials_of(*orthanc));
    k.start();
    auto items = k.sync_maria();
    REQUIRE(items.size() == 2);
    for (const auto& it : items) {
        INFO(it.code << ": " << it.message);
        CHECK(it.state == ItemState::synced);
    }
    k.worker.reset();
    {
        OfflineStore store(k.dir / "store");
        for (const auto& it : items) {
            check_in_archive(k, store, *orthanc, it.uuid, "p-1001");
            CHECK(test::instance_tags(*orthanc, dicom::uid_from_uuid(store.images_of(it.uuid).at(0).uuid))["PatientName"] ==
                  "Lopez^María");  // the online patient, not the offline entry
        }
        synced_long_ago(store, items);
    }
    // The kiosk's next start: retention asks the archive, which still holds each image.
    k.start();
    k.worker.reset();
    OfflineStore store(k.dir / "store");
    for (const auto& it : items) {
        CHECK(store.images_of(it.uuid).empty());
        CHECK(store.procedure(it.uuid)->state == ProcedureState::synced);
        CHECK(test::instances_in_study(*orthanc, study_of(it.uuid)) > 0);
    }
    CHECK(store.verify().ok());
}

TEST_CASE("archive kiosk: while the archive setting cannot be used, retention keeps the images sent there") {
    CS_NEED_ORTHANC(orthanc);
    ArchiveKiosk k(orthanc->dicomweb_url(), credentials_of(*orthanc));
    k.start();
    auto items = k.sync_maria();
    REQUIRE(items.size() == 2);
    for (const auto& it : items) REQUIRE(it.state == ItemState::synced);
    k.worker.reset();
    size_t kept = 0;
    {
        OfflineStore store(k.dir / "store");
        synced_long_ago(store, items);
        for (const auto& it : items) kept += store.images_of(it.uuid).size();
    }
    REQUIRE(kept > 0);
    // The credentials file readable by every user: the setting is refused, so
    // nothing can ask the archive whether it still holds the images. The
    // practice server's word alone (committed, the UIDs) must not let them go.
    const fs::perms usable = fs::status(k.opt.archive.credentials_file).permissions();
    fs::permissions(k.opt.archive.credentials_file, usable | fs::perms::others_read, fs::perm_options::replace);
    k.start();  // retention runs at the sign-in
    k.worker.reset();
    {
        OfflineStore store(k.dir / "store");
        for (const auto& it : items)
            for (const auto& img : store.images_of(it.uuid)) CHECK(fs::exists(store.image_path(img)));
        size_t still = 0;
        for (const auto& it : items) still += store.images_of(it.uuid).size();
        CHECK(still == kept);
    }
    // The setting usable again: the archive confirms each image, and they go.
    fs::permissions(k.opt.archive.credentials_file, usable, fs::perm_options::replace);
    k.start();
    k.worker.reset();
    OfflineStore store(k.dir / "store");
    for (const auto& it : items) CHECK(store.images_of(it.uuid).empty());
}

TEST_CASE("archive kiosk: closed during the STOW-RS request, nothing is lost; started again, it resumes, each image once") {
    CS_NEED_ORTHANC(orthanc);
    test::TcpProxy proxy(orthanc->http_port());
    ArchiveKiosk k("http://127.0.0.1:" + std::to_string(proxy.port()) + "/dicom-web", credentials_of(*orthanc));
    k.start();
    proxy.fault_next(test::TcpProxy::Fault::stall);  // the first request to the archive, the STOW, hangs
    k.start_maria();
    // Polled (no timing is checked): the proxy has taken the STOW's connection.
    for (int i = 0; i < 6000 && proxy.faults_left() > 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    REQUIRE(proxy.faults_left() == 0);
    k.worker.reset();  // closing the kiosk cancels the call under way, archive's included, without waiting 30 s

    std::vector<std::string> maria;
    {
        OfflineStore store(k.dir / "store");
        for (const auto& p : store.patients_with_pending())
            if (p.patient.first_name == "Maria")
                for (const auto& proc : store.procedures_of(p.patient.id)) maria.push_back(proc.uuid);
        REQUIRE(maria.size() == 2);
        for (const auto& uuid : maria) {
            auto rec = store.procedure(uuid);
            CHECK(rec->state != ProcedureState::synced);
            CHECK(rec->attempts == 0);  // closing is not the procedure's failure
            for (const auto& img : store.images_of(uuid)) CHECK(fs::exists(store.image_path(img)));
            for (const auto& row : outbox_rows(store, uuid)) CHECK_FALSE(row.confirmed());
            CHECK(test::instances_in_study(*orthanc, study_of(uuid)) == 0);
            CHECK(k.server->charge_count(uuid) == 0);
        }
    }
    k.start();
    auto items = k.sync_maria();
    for (const auto& it : items) {
        INFO(it.code << ": " << it.message);
        CHECK(it.state == ItemState::synced);
    }
    k.worker.reset();
    OfflineStore store(k.dir / "store");
    for (const auto& uuid : maria) check_in_archive(k, store, *orthanc, uuid, "p-1001");
}

TEST_CASE("archive kiosk: Attach to Patient sends the recovered images to the archive under the patient chosen") {
    CS_NEED_ORTHANC(orthanc);
    ArchiveKiosk k(orthanc->dicomweb_url(), credentials_of(*orthanc));
    std::string hidden;
    {
        OfflineStore store(k.dir / "store");
        hidden = test::hide_for_test(store, "Noah", "Patel", "D0230", k.dir / "recovery");
    }
    k.start();
    k.worker->send(cmd::AttachRun{hidden, SyncChoice{"p-1030", true, false, "prov-2", {"Noah", "Patel", "1979-08-14"}}});
    REQUIRE(k.until([](const Snapshot& s) { return s.recovery_result.id > 0; }));
    INFO(k.snap()->recovery_result.message << k.snap()->error);
    CHECK(k.snap()->recovery_result.ok);
    k.worker.reset();
    OfflineStore store(k.dir / "store");
    auto fresh = test::noah_procedure(store, "D0230");
    REQUIRE(fresh);
    check_in_archive(k, store, *orthanc, fresh->uuid, "p-1030");
}

TEST_CASE("archive kiosk: an archive setting that cannot be used stops Synchronize Procedures with its sentence") {
    // Readable by every user of the computer: refused before anything is sent anywhere.
    ArchiveKiosk k("http://127.0.0.1:9/dicom-web", "user:password",
                   fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
    k.start();
    k.worker->send(cmd::StartSync{});
    REQUIRE(k.waker.wait_until([&] { return !k.snap()->error.empty(); }));
    CHECK_THAT(k.snap()->error, Catch::Contains("chmod 600"));
    CHECK_FALSE(k.snap()->in_session);
}
