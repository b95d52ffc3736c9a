// The whole sync with images into a real Orthanc (docs/sync-workflow.md,
// "Images into an image archive"): the engine's pipeline and chairsync-cli
// against the reference practice server embedded here and the Orthanc the
// tests start. Read back through Orthanc's REST API; faults between client
// and Orthanc by the TCP proxy; a kill -9 at each step through the CLI.
#include <catch2/catch.hpp>

#include <csignal>
#include <fstream>

#include "engine/dicom/dicom_object.h"
#include "engine/image/decode.h"
#include "engine/sync/archive_outbox.h"
#include "engine/util/fsutil.h"
#include "tests/cli/cli_fixtures.h"
#include "tests/dicomweb/orthanc_fixture.h"
#include "tests/support/tcp_proxy.h"
#include "tests/support/tls_cert.h"
#include "tests/support/tls_terminator.h"
#include "tests/sync/sync_fixtures.h"

using namespace cs;
using namespace cs::test;

namespace {

const SyncChoice kMaria{"p-1001", true, false, "prov-1", {"María", "Lopez", "1984-03-09"}};

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The archive's client as the engine gets it: through the proxy when one is given.
dicomweb::StowClient archive_client(Orthanc& o, const TcpProxy* proxy = nullptr) {
    auto cfg = archive_config(o, proxy ? "http://127.0.0.1:" + std::to_string(proxy->port()) + "/dicom-web" : "");
    // A stall is noticed in about a second (as in test_stow_orthanc.cpp).
    cfg.low_speed_seconds = 1;
    cfg.low_speed_bytes_per_s = 1 << 20;
    return dicomweb::StowClient(cfg);
}

std::string study_of(const std::string& procedure_uuid) { return dicom::uid_from_uuid(procedure_uuid); }

// After a sync: the archive holds each image once, under the online
// patient, with the offline image's pixels; the practice server holds the
// procedure with one charge and the UIDs, no bytes; nothing is left in the outbox.
void check_archived(SyncWorld& w, Orthanc& o, const std::string& uuid, const std::vector<ImageRecord>& images) {
    CHECK(w.store.procedure(uuid)->state == ProcedureState::synced);
    CHECK(instances_in_study(o, study_of(uuid)) == static_cast<int>(images.size()));
    for (const auto& img : images) {
        const std::string sop = dicom::uid_from_uuid(img.uuid);
        auto tags = instance_tags(o, sop);
        CHECK(tags["PatientID"] == "p-1001");
        CHECK(tags["PatientName"] == "Lopez^María");  // the online patient, not the offline entry
        CHECK(tags["PatientBirthDate"] == "19840309");
        CHECK(tags["StudyInstanceUID"] == study_of(uuid));
        CHECK(tags["Modality"] == "IO");
        CHECK(tags["InstitutionName"] == "Main Street Dental");
        CHECK(tags["StationName"] == "OP-1");
        CHECK(tags["ReferringPhysicianName"] == "Dr. Ana Ruiz");
        // The pixels as Orthanc holds them are the offline image's.
        auto id = orthanc_id(o, sop);
        REQUIRE(id);
        auto raw = o.get("/instances/" + *id + "/frames/0/raw");
        REQUIRE(raw.status == 200);
        auto file = fsx::read_file(w.store.image_path(img));
        DecodedImage decoded = decode_image(file, img.file_name);
        REQUIRE(decoded.channels == 1);
        CHECK(std::vector<uint8_t>(raw.body.begin(), raw.body.end()) == decoded.pixels8);
    }
    CHECK(w.server->charge_count(uuid) == 1);
    auto remote = w.client.get_procedure(uuid);
    REQUIRE(remote.archive);
    CHECK(remote.archive->study_instance_uid == study_of(uuid));
    REQUIRE(remote.archive->instances.size() == images.size());
    for (size_t i = 0; i < images.size(); ++i) {
        CHECK(remote.archive->instances[i].sop_instance_uid == dicom::uid_from_uuid(images[i].uuid));
        CHECK_FALSE(remote.images[i].received);  // no bytes went to the practice server
    }
    for (const auto& row : outbox_rows(w.store, uuid)) CHECK(row.confirmed());
    CHECK(test::files_in(outbox_dir(w.store)).empty());
}

}  // namespace

TEST_CASE("archive sync: the images reach Orthanc under the online patient, the server records UIDs and one charge") {
    CS_NEED_ORTHANC(orthanc);
    SyncWorld w;
    auto uuid = w.capture("Maria", "Lopez", "1984-03-09", "D0274", 2);
    const auto images = w.store.images_of(uuid);
    auto archive = archive_client(*orthanc);
    uint64_t done = 0, total = 0;
    auto out = sync_procedure(w.store, w.client, w.audit, uuid, kMaria, 6500,
                              [&](uint64_t d, uint64_t t) { done = d, total = t; }, &archive);
    INFO(out.message << " / " << out.detail);
    REQUIRE(out.synced);
    CHECK(total > 0);
    CHECK(done == total);
    check_archived(w, *orthanc, uuid, images);

    // Synced again, days later: nothing new anywhere.
    CHECK(sync_procedure(w.store, w.client, w.audit, uuid, kMaria, 6500, {}, &archive).synced);
    CHECK(instances_in_study(*orthanc, study_of(uuid)) == 2);
    CHECK(w.server->charge_count(uuid) == 1);

    // Retention: the local copy goes only while the archive still holds each instance.
    auto later = std::chrono::system_clock::now() + std::chrono::hours(24 * 8);
    CHECK(purge_synced(w.store, w.client, later, std::chrono::hours(24 * 7)) == 0);  // no archive to ask: kept
    CHECK(w.store.images_of(uuid).size() == 2);
    CHECK(purge_synced(w.store, w.client, later, std::chrono::hours(24 * 7), &archive) == 1);
    CHECK(w.store.images_of(uuid).empty());
}

TEST_CASE("archive sync: a lost STOW answer, a refused connection, a 503 or a stall; the retry stores nothing twice") {
    CS_NEED_ORTHANC(orthanc);
    const struct {
        TcpProxy::Fault fault;
        const char* name;
        const char* sentence;
    } faults[] = {{TcpProxy::Fault::drop_answer, "the answer is lost", "sending them again stores nothing twice"},
                  {TcpProxy::Fault::close_at_once, "the connection is closed at once",
                   "The connection to the image archive was interrupted."},
                  {TcpProxy::Fault::answer_503, "503", "The image archive has a problem (error 503)."},
                  {TcpProxy::Fault::stall, "a stall", "The connection to the image archive stalled"}};
    for (const auto& f : faults) {
        DYNAMIC_SECTION(f.name) {
            SyncWorld w;
            auto uuid = w.capture("Maria", "Lopez", "1984-03-09", "D0274", 2);
            const auto images = w.store.images_of(uuid);
            TcpProxy proxy(orthanc->http_port());
            auto archive = archive_client(*orthanc, &proxy);
            proxy.fault_next(f.fault);
            auto failed = sync_procedure(w.store, w.client, w.audit, uuid, kMaria, 6500, {}, &archive);
            CHECK_FALSE(failed.synced);
            CHECK_FALSE(failed.sign_in_needed);
            CHECK(has(failed.message, f.sentence));
            CHECK(w.store.procedure(uuid)->state == ProcedureState::failed);
            CHECK(w.server->charge_count(uuid) == 0);  // not posted before the archive confirmed
            CHECK(w.server->procedure_state(uuid) == "declared");
            CHECK(test::files_in(outbox_dir(w.store)).size() == 2);  // kept for the retry, private like the images
            CHECK(not_private(w.store.root()).empty());

            auto again = sync_procedure(w.store, w.client, w.audit, uuid, kMaria, 6500, {}, &archive);
            INFO(again.message);
            REQUIRE(again.synced);
            check_archived(w, *orthanc, uuid, images);
        }
    }
}

TEST_CASE("archive sync: nothing reaches the archive under a patient other than the one shown") {
    CS_NEED_ORTHANC(orthanc);
    SyncWorld w;
    auto uuid = w.capture("Noah", "Patel", "1979-08-14", "D0274", 1);
    auto archive = archive_client(*orthanc);

    SECTION("the server's record under the chosen id is not the patient shown (changed, merged, or a lying answer)") {
        SyncChoice lie = kMaria;
        lie.shown = {"Noah", "Patel", "1979-08-14"};
        auto out = sync_procedure(w.store, w.client, w.audit, uuid, lie, 6500, {}, &archive);
        CHECK_FALSE(out.synced);
        CHECK(has(out.message, "than the patient shown, so nothing was sent"));
        CHECK(w.server->procedure_state(uuid).empty());
    }
    SECTION("the server answers the declaration with another patient's id") {
        w.server->add_fault(server::FaultRule::on(server::FaultRule::Action::wrong_patient, "PUT", uuid));
        SyncChoice noah{"p-1030", true, false, "prov-1", {"Noah", "Patel", "1979-08-14"}};
        auto out = sync_procedure(w.store, w.client, w.audit, uuid, noah, 6500, {}, &archive);
        CHECK_FALSE(out.synced);
        CHECK(w.server->charge_count(uuid) == 0);
    }
    SECTION("declared for one patient, then synced to another") {
        SyncChoice noah{"p-1030", true, false, "prov-1", {"Noah", "Patel", "1979-08-14"}};
        TcpProxy proxy(orthanc->http_port());
        auto through = archive_client(*orthanc, &proxy);
        proxy.fault_next(TcpProxy::Fault::answer_503);  // declared, then the archive refuses
        CHECK_FALSE(sync_procedure(w.store, w.client, w.audit, uuid, noah, 6500, {}, &through).synced);
        CHECK(outbox_rows(w.store, uuid).size() == 1);  // encoded for p-1030, never stored
        auto out = sync_procedure(w.store, w.client, w.audit, uuid, kMaria, 6500, {}, &archive);
        CHECK_FALSE(out.synced);
        CHECK(has(out.message, "already sent to the practice server for another patient (p-1030)"));
    }
    CHECK(instances_in_study(*orthanc, study_of(uuid)) == 0);
    CHECK(w.server->total_charges() == 0);
}

TEST_CASE("archive sync: a procedure started towards an archive is finished there and nowhere else") {
    CS_NEED_ORTHANC(orthanc);
    SyncWorld w;
    auto uuid = w.capture("Maria", "Lopez", "1984-03-09", "D0274", 1);
    TcpProxy proxy(orthanc->http_port());
    auto through = archive_client(*orthanc, &proxy);
    proxy.fault_next(TcpProxy::Fault::answer_503);
    CHECK_FALSE(sync_procedure(w.store, w.client, w.audit, uuid, kMaria, 6500, {}, &through).synced);

    // No archive set now: its images are not uploaded to the practice server instead.
    auto plain = sync_procedure(w.store, w.client, w.audit, uuid, kMaria, 6500);
    CHECK_FALSE(plain.synced);
    CHECK(plain.message == "This procedure's images were being sent to the image archive at http://127.0.0.1:" +
                               std::to_string(proxy.port()) +
                               "/dicom-web, so they are sent there and nowhere else. Set that image archive again in "
                               "the settings, then tap Sync the Procedure Again.");
    auto other = archive_client(*orthanc);  // another address
    CHECK_FALSE(sync_procedure(w.store, w.client, w.audit, uuid, kMaria, 6500, {}, &other).synced);
    CHECK(w.server->stored_image_sha256(uuid, w.store.images_of(uuid)[0].uuid).empty());
    CHECK(sync_procedure(w.store, w.client, w.audit, uuid, kMaria, 6500, {}, &through).synced);
    CHECK(instances_in_study(*orthanc, study_of(uuid)) == 1);
}

namespace {

// chairsync-cli sync of one offline patient into the archive, signed in as demo.
struct CliArchive {
    SyncWorld& w;
    Orthanc& o;
    fs::path credentials = w.tmp / "archive-credentials";
    explicit CliArchive(SyncWorld& world, Orthanc& orthanc) : w(world), o(orthanc) {
        std::ofstream(credentials) << o.user() << ":" << o.password() << "\n";
        fs::permissions(credentials, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
    }
    // To `url` (default: Orthanc's DICOMweb root), with `more` flags.
    ProcessResult sync(int64_t patient, const std::vector<std::string>& env = {}, const std::string& url = {},
                       const std::vector<std::string>& more = {}) const {
        std::vector<std::string> args{"--store", w.store.root().string(), "sync", "--server", w.server->base_url(),
                                      "--user", "demo", "--pin-stdin", "--charges", "yes", "--insurance", "no",
                                      "--workstation", "OP-1", "--patient", std::to_string(patient), "--match",
                                      "p-1001", "--dicomweb", url.empty() ? o.dicomweb_url() : url,
                                      "--dicomweb-credentials", credentials.string()};
        args.insert(args.end(), more.begin(), more.end());
        return cli(args, env, "1234\n");
    }
};

}  // namespace

TEST_CASE("archive sync through chairsync-cli, and killed at each step: resumed, each image once, one charge") {
    CS_NEED_ORTHANC(orthanc);
    const char* const points[] = {"",
                                  "sync:after-declare",
                                  "archive:after-encode-1",
                                  "archive:after-stow",
                                  "archive:after-confirm-1",
                                  "sync:after-commit",
                                  "sync:after-mark"};
    for (const char* point : points) {
        DYNAMIC_SECTION((*point ? point : "not killed")) {
            SyncWorld w;
            CliArchive run(w, *orthanc);
            auto uuid = w.capture("Maria", "Lopez", "1984-03-09", "D0274", 2);
            const auto images = w.store.images_of(uuid);
            if (*point) {
                auto killed = run.sync(w.offline_id(uuid), {std::string("CHAIRSYNC_CRASH_AT=") + point});
                INFO(killed.err);
                REQUIRE(killed.signal == SIGKILL);
            }
            auto r = run.sync(w.offline_id(uuid));
            INFO(r.out << r.err);
            CHECK(r.exit_code == 0);
            // Killed after it was marked, it is done: the next run says so (its opening swept the outbox).
            CHECK(has(r.out, std::string(point) == "sync:after-mark" ? "Nothing left to sync"
                                                                    : "to p-1001, images in the image archive"));
            check_archived(w, *orthanc, uuid, images);
        }
    }
}

TEST_CASE("archive sync over HTTPS: --dicomweb-ca-file trusts the archive's CA; without it nothing is sent or lost") {
    CS_NEED_ORTHANC(orthanc);
    if (!TlsTerminator::missing().empty()) {
        WARN("skipped: " << TlsTerminator::missing() << " is not installed; ./dev installs it");
        return;
    }
    SyncWorld w;
    CliArchive run(w, *orthanc);
    const fs::path cert = w.tmp / "archive-cert.pem", key = w.tmp / "archive-key.pem";
    make_self_signed(cert, key);  // the practice's own CA, as far as the client knows
    TlsTerminator tls(orthanc->http_port(), cert, key);
    const std::string url = tls.url() + "/dicom-web";
    auto uuid = w.capture("Maria", "Lopez", "1984-03-09", "D0274", 2);
    const auto images = w.store.images_of(uuid);

    auto refused = run.sync(w.offline_id(uuid), {}, url);
    INFO(refused.out << refused.err);
    CHECK(refused.exit_code != 0);
    CHECK(has(refused.out + refused.err, "The image archive's security certificate is not trusted."));
    CHECK(w.store.procedure(uuid)->state == ProcedureState::failed);
    for (const auto& img : images) CHECK(fs::exists(w.store.image_path(img)));  // nothing lost
    for (const auto& row : outbox_rows(w.store, uuid)) CHECK_FALSE(row.confirmed());  // nothing counted as sent
    CHECK(instances_in_study(*orthanc, study_of(uuid)) == 0);
    CHECK(w.server->charge_count(uuid) == 0);

    auto trusted = run.sync(w.offline_id(uuid), {}, url, {"--dicomweb-ca-file", cert.string()});
    INFO(trusted.out << trusted.err);
    CHECK(trusted.exit_code == 0);
    check_archived(w, *orthanc, uuid, images);
}
