// STOW-RS into a real Orthanc started by the tests (tests/support/orthanc.h),
// read back through Orthanc's own REST API; faults put between client and
// Orthanc by a TCP proxy. Every fault ends in a sentence, and a retry stores
// each instance exactly once.
#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <thread>

#include "engine/util/error.h"
#include "engine/util/peak_rss.h"
#include "tests/dicomweb/orthanc_fixture.h"
#include "tests/support/error_of.h"
#include "tests/support/tcp_proxy.h"

using namespace cs;
using namespace cs::dicomweb;
using cs::api::ApiError;
using cs::api::ApiErrorKind;
using cs::test::TcpProxy;
using cs::test::error_of;
namespace fs = std::filesystem;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("STOW-RS stores a study in Orthanc, which holds the right patient, study and series") {
    CS_NEED_ORTHANC(orthanc);
    test::TempDir dir;
    auto study = test::make_study(dir.path(), 3);
    StowClient client(test::archive_config(*orthanc));
    uint64_t done = 0, total = 0;
    StowResult r = client.store(test::parts_of(study), [&](uint64_t d, uint64_t t) {
        done = d;
        total = t;
    });
    CHECK(r.http_status == 200);
    REQUIRE(r.instances.size() == 3);
    CHECK(r.all_stored());
    CHECK(r.summary() == "3 of 3 images are in the image archive.");
    uint64_t files = 0;
    for (size_t i = 0; i < study.size(); ++i) {
        files += study[i].part.bytes;
        CHECK(r.instances[i].sop_instance_uid == study[i].part.sop_instance_uid);
        CHECK(has(r.instances[i].retrieve_url, study[i].part.sop_instance_uid));
    }
    CHECK(total > files);  // the files and the multipart framing around them
    CHECK(done == total);

    // Orthanc's own REST API: one study (the procedure) with two series (X-rays
    // and photos) and three instances, of this patient.
    const auto& e0 = study[0].expected;
    CHECK(test::instances_in_study(*orthanc, e0.study_instance_uid) == 3);
    auto study_id = test::orthanc_id(*orthanc, e0.study_instance_uid);
    REQUIRE(study_id);
    auto series = nlohmann::json::parse(orthanc->get("/studies/" + *study_id + "/series").body);
    CHECK(series.size() == 2);
    auto patient = nlohmann::json::parse(orthanc->get("/studies/" + *study_id + "/patient").body);
    CHECK(patient["MainDicomTags"]["PatientID"] == e0.patient_id);
    for (size_t i = 0; i < study.size(); ++i) {
        const auto& t = study[i];
        auto tags = test::instance_tags(*orthanc, t.part.sop_instance_uid);
        CHECK(tags["Modality"] == (i < 2 ? "IO" : "XC"));  // the engine's intraoral X-ray and photo classes
        CHECK(tags["PatientID"] == t.expected.patient_id);
        CHECK(tags["PatientName"] == "Test^Patient");
        CHECK(tags["StudyInstanceUID"] == t.expected.study_instance_uid);
        CHECK(tags["SeriesInstanceUID"] == t.expected.series_instance_uid);
        CHECK(tags["Columns"] == std::to_string(t.expected.columns));
        // And confirmation (WADO-RS metadata) agrees before any local copy may go.
        Confirmation c = client.confirm(t.expected);
        CHECK(c.confirmed());
        CHECK(c.sentence == "The image archive holds this image as it was sent.");
    }
}

TEST_CASE("confirmation names what differs, and never confirms an instance the archive lacks") {
    CS_NEED_ORTHANC(orthanc);
    test::TempDir dir;
    auto study = test::make_study(dir.path(), 1);
    StowClient client(test::archive_config(*orthanc));
    REQUIRE(client.store(test::parts_of(study)).all_stored());

    ExpectedInstance other_patient = study[0].expected;
    other_patient.patient_id = "P-SOMEONE-ELSE";
    Confirmation c = client.confirm(other_patient);
    CHECK(c.held);
    CHECK_FALSE(c.confirmed());
    REQUIRE(c.differences.size() == 1);
    CHECK(has(c.differences[0], "PatientID"));
    CHECK(has(c.sentence, "not the one sent"));
    CHECK(has(c.sentence, "is kept"));

    ExpectedInstance other_size = study[0].expected;
    other_size.rows += 1;
    c = client.confirm(other_size);
    CHECK_FALSE(c.confirmed());
    REQUIRE(c.differences.size() == 1);
    CHECK(has(c.differences[0], "Rows"));

    ExpectedInstance never_sent = study[0].expected;
    never_sent.sop_instance_uid = test::test_uid();
    c = client.confirm(never_sent);
    CHECK_FALSE(c.held);
    CHECK_FALSE(c.confirmed());
    CHECK(c.sentence == "The image archive does not hold this image, so its copy on this computer is kept.");
}

TEST_CASE("sending the same instances again stores nothing twice") {
    CS_NEED_ORTHANC(orthanc);
    test::TempDir dir;
    auto study = test::make_study(dir.path(), 2);
    StowClient client(test::archive_config(*orthanc));
    REQUIRE(client.store(test::parts_of(study)).all_stored());
    StowResult again = client.store(test::parts_of(study));
    CHECK(again.all_stored());  // already held under the same SOPInstanceUID: counts as stored
    CHECK(test::instances_in_study(*orthanc, study[0].expected.study_instance_uid) == 2);
}

TEST_CASE("a lost STOW-RS answer: a sentence, and the retry stores nothing twice") {
    CS_NEED_ORTHANC(orthanc);
    test::TempDir dir;
    auto study = test::make_study(dir.path(), 3);
    TcpProxy proxy(orthanc->http_port());
    proxy.fault_next(TcpProxy::Fault::drop_answer);
    StowClient client(test::archive_config(*orthanc, "http://127.0.0.1:" + std::to_string(proxy.port()) + "/dicom-web"));
    auto e = error_of([&] { client.store(test::parts_of(study)); });
    CHECK(e.kind() == ApiErrorKind::unknown_outcome);
    CHECK(e.transient());
    CHECK(has(e.what(), "The connection to the image archive was interrupted."));
    CHECK(has(e.what(), "sending them again stores nothing twice"));
    // Orthanc did store them; only its answer was lost.
    CHECK(test::instances_in_study(*orthanc, study[0].expected.study_instance_uid) == 3);
    StowResult r = client.store(test::parts_of(study));  // Sync the Procedure Again
    CHECK(r.all_stored());
    CHECK(test::instances_in_study(*orthanc, study[0].expected.study_instance_uid) == 3);
}

TEST_CASE("faults between client and Orthanc: a sentence, then success on retry, each instance once") {
    CS_NEED_ORTHANC(orthanc);
    test::TempDir dir;
    auto study = test::make_study(dir.path(), 2);
    TcpProxy proxy(orthanc->http_port());
    auto cfg = test::archive_config(*orthanc, "http://127.0.0.1:" + std::to_string(proxy.port()) + "/dicom-web");
    // A stall is noticed in about a second: curl averages speed over a few
    // seconds, so the limit is set above what the small request's burst averages to.
    cfg.low_speed_seconds = 1;
    cfg.low_speed_bytes_per_s = 1 << 20;
    StowClient client(cfg);

    SECTION("the connection is closed at once") {
        proxy.fault_next(TcpProxy::Fault::close_at_once);
        auto e = error_of([&] { client.store(test::parts_of(study)); });
        CHECK(e.transient());
        CHECK(has(e.what(), "The connection to the image archive was interrupted. Check the network, then try again."));
    }
    SECTION("503 from a proxy in between") {
        proxy.fault_next(TcpProxy::Fault::answer_503);
        auto e = error_of([&] { client.store(test::parts_of(study)); });
        CHECK(e.kind() == ApiErrorKind::server);
        CHECK(e.http_status() == 503);
        CHECK(e.transient());
        CHECK(std::string(e.what()) ==
              "The image archive has a problem (error 503). Try again in a few minutes. If it keeps happening, call "
              "your IT person.");
        CHECK(test::instances_in_study(*orthanc, study[0].expected.study_instance_uid) == 0);
    }
    SECTION("the connection stalls") {
        proxy.fault_next(TcpProxy::Fault::stall);
        auto e = error_of([&] { client.store(test::parts_of(study)); });
        CHECK(e.kind() == ApiErrorKind::unknown_outcome);
        CHECK(has(e.what(), "The connection to the image archive stalled (almost nothing moved for 1 s)."));
    }
    CHECK(proxy.faults_left() == 0);
    StowResult r = client.store(test::parts_of(study));
    CHECK(r.all_stored());
    CHECK(test::instances_in_study(*orthanc, study[0].expected.study_instance_uid) == 2);
}

TEST_CASE("wrong or missing credentials: a sentence, and nothing stored") {
    CS_NEED_ORTHANC(orthanc);
    test::TempDir dir;
    auto study = test::make_study(dir.path(), 1);
    auto cfg = test::archive_config(*orthanc);
    SECTION("wrong password") { cfg.password = "not-the-password"; }
    SECTION("no credentials") { cfg.user.clear(), cfg.password.clear(); }
    StowClient client(cfg);
    auto e = error_of([&] { client.store(test::parts_of(study)); });
    CHECK(e.kind() == ApiErrorKind::auth);
    CHECK(e.http_status() == 401);
    CHECK(std::string(e.what()) ==
          "The image archive refused the user name and password (or token) in the settings. Call your IT person.");
    CHECK_FALSE(e.transient());
    CHECK(test::instances_in_study(*orthanc, study[0].expected.study_instance_uid) == 0);
    CHECK(error_of([&] { client.confirm(study[0].expected); }).kind() == ApiErrorKind::auth);
}

TEST_CASE("one bad object among good ones: reported per instance, the good ones stored") {
    CS_NEED_ORTHANC(orthanc);
    test::TempDir dir;
    auto study = test::make_study(dir.path(), 3);
    // The second object loses its SeriesInstanceUID, which every image must have.
    const auto& bad = study[1].part;
    auto r = test::run_process({"/usr/bin/dcmodify", "-nb", "-q", "-ea", "(0020,000e)", bad.file.string()});
    REQUIRE(r.exit_code == 0);
    study[1].part.bytes = std::filesystem::file_size(bad.file);
    StowClient client(test::archive_config(*orthanc));
    StowResult res = client.store(test::parts_of(study));
    REQUIRE(res.instances.size() == 3);
    CHECK(res.instances[0].stored);
    CHECK(res.instances[2].stored);
    CHECK_FALSE(res.instances[1].stored);
    CHECK(res.instances[1].failure_reason == 0xC000);
    CHECK(res.instances[1].message ==
          "The image archive could not read this image's DICOM file (reason 0xC000). Call your IT person.");
    CHECK_FALSE(res.all_stored());
    CHECK(res.summary() == "2 of 3 images are in the image archive. " + res.instances[1].message);
    CHECK(test::instances_in_study(*orthanc, study[0].expected.study_instance_uid) == 2);
}

TEST_CASE("an archive that cannot be reached, or a file changed on disk: sentences before anything is stored") {
    CS_NEED_ORTHANC(orthanc);
    test::TempDir dir;
    auto study = test::make_study(dir.path(), 1);
    SECTION("nothing listens at the address") {
        test::RefusingPort nobody;
        StowClient client(test::archive_config(*orthanc, nobody.url()));
        auto e = error_of([&] { client.store(test::parts_of(study)); });
        CHECK(e.kind() == ApiErrorKind::network);
        CHECK(std::string(e.what()) == "The image archive at 127.0.0.1 cannot be reached. Check the network, then try again.");
    }
    SECTION("a path where there is no DICOMweb service") {
        StowClient client(test::archive_config(*orthanc, orthanc->url() + "/not-dicom-web"));
        auto e = error_of([&] { client.store(test::parts_of(study)); });
        CHECK(e.kind() == ApiErrorKind::config);
        CHECK(has(e.what(), "There is no DICOMweb service at the image archive address in the settings"));
    }
    SECTION("the file is not the size it was made with") {
        StowClient client(test::archive_config(*orthanc));
        auto parts = test::parts_of(study);
        parts[0].bytes += 1;
        auto e = error_of([&] { client.store(parts); });
        CHECK(e.kind() == ApiErrorKind::local_file);
        CHECK(std::string(e.what()) ==
              "The DICOM file on this computer has changed size since it was made. It may be damaged.");
    }
    SECTION("plain http to another computer") {
        auto e = error_of([&] { StowClient client(test::archive_config(*orthanc, "http://archive.example/dicom-web")); });
        CHECK(e.kind() == ApiErrorKind::config);
        CHECK(has(e.what(), "The image archive address uses an unencrypted connection (http)."));
    }
    CHECK(test::instances_in_study(*orthanc, study[0].expected.study_instance_uid) == 0);
}

TEST_CASE("the body is streamed from disk: a large file does not raise this process's peak memory") {
    // No archive needed: the proxy reads the whole request, then answers 503.
    test::TempDir dir;
    const uint64_t size = 96ull << 20;
    const fs::path big = dir / "big.dcm";
    std::ofstream(big, std::ios::binary).put('\0');
    fs::resize_file(big, size);
    TcpProxy proxy(test::free_loopback_port());
    proxy.fault_next(TcpProxy::Fault::answer_503);
    ArchiveConfig cfg;
    cfg.base_url = "http://127.0.0.1:" + std::to_string(proxy.port()) + "/dicom-web";
    StowClient client(cfg);
    uint64_t sent = 0;
    const uint64_t before_kb = peak_rss_kb();
    auto e = error_of([&] { client.store({StowPart{test::test_uid(), big, size}}, [&](uint64_t d, uint64_t) { sent = d; }); });
    CHECK(e.http_status() == 503);
    CHECK(sent > size);
    CHECK(peak_rss_kb() - before_kb < (size >> 10) / 4);
}

TEST_CASE("cancel ends a stalled STOW-RS at once, with nothing counted as stored") {
    // No archive needed: the proxy reads the request and never answers.
    test::TempDir dir;
    const fs::path file = dir / "one.dcm";
    std::ofstream(file, std::ios::binary) << "not looked at by the client";
    TcpProxy proxy(test::free_loopback_port());
    proxy.fault_next(TcpProxy::Fault::stall);
    ArchiveConfig cfg;
    cfg.base_url = "http://127.0.0.1:" + std::to_string(proxy.port()) + "/dicom-web";
    StowClient client(cfg);  // the stall limit (30 s) and overall cap are far away
    const auto start = std::chrono::steady_clock::now();
    std::thread canceller([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        client.cancel();
    });
    auto e = error_of([&] { client.store({StowPart{test::test_uid(), file, fs::file_size(file)}}); });
    canceller.join();
    CHECK(e.kind() == ApiErrorKind::cancelled);
    CHECK(std::string(e.what()) == "Cancelled.");
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(20));  // not the 30 s stall limit
    // Cancelled stays cancelled until reset: the next request does not start.
    CHECK(error_of([&] { client.store({StowPart{test::test_uid(), file, fs::file_size(file)}}); }).kind() ==
          ApiErrorKind::cancelled);
}
