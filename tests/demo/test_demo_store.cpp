// The demo store against docs/demo-practice.md: the offline patients exactly
// as entered, their procedures and images, and a store that checks clean.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>

#include "engine/image/decode.h"
#include "engine/util/error.h"
#include "engine/util/fsutil.h"
#include "engine/util/text.h"
#include "tests/demo/demo_doc.h"
#include "tests/demo/demo_fixture.h"

using namespace cs;
using namespace cs::test;

namespace {

bool is_png(const std::vector<uint8_t>& b) { return b.size() > 8 && b[0] == 0x89 && b[1] == 'P' && b[2] == 'N'; }
bool is_jpeg(const std::vector<uint8_t>& b) { return b.size() > 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF; }

// A radiograph that shows anatomy, not a flat or two-tone field: many grey
// levels, none holding most pixels, and a wide spread between dark and light.
void require_radiograph_histogram(const DecodedImage& img) {
    std::map<uint16_t, size_t> hist;
    for (uint16_t v : img.pixels16) ++hist[v];
    std::vector<uint16_t> sorted(img.pixels16);
    std::sort(sorted.begin(), sorted.end());
    const uint16_t p1 = sorted[sorted.size() / 100], p99 = sorted[sorted.size() * 99 / 100];
    size_t largest = 0;
    for (const auto& [v, n] : hist) largest = std::max(largest, n);
    CHECK(hist.size() > 1000);
    CHECK(largest < img.pixels16.size() / 4);
    CHECK(p99 - p1 > 1000);
    CHECK(p99 <= 4095);  // a 12-bit detector's range in a 16-bit file
}

}  // namespace

TEST_CASE("demo store: the offline patients are exactly those of docs/demo-practice.md") {
    const DemoDoc doc = read_demo_doc();
    REQUIRE(doc.offline.size() == 7);
    auto& built = shared_demo_store();
    OfflineStore store(built.info.store);

    auto patients = store.patients();
    REQUIRE(patients.size() == doc.offline.size());
    int expected_procedures = 0, expected_images = 0;
    for (const DocPatient& want : doc.offline) {
        INFO("patient " << want.first << " " << want.last);
        auto it = std::find_if(patients.begin(), patients.end(), [&](const OfflinePatient& p) {
            return p.first_name == want.first && p.last_name == want.last;  // byte-exact: "LÓPEZ", "Zoë"
        });
        REQUIRE(it != patients.end());
        CHECK(it->birth_date == want.birth);

        auto procs = store.procedures_of(it->id);
        REQUIRE(procs.size() == want.procedures.size());
        for (const DocProcedure& wp : want.procedures) {
            INFO("procedure " << wp.code);
            auto pr = std::find_if(procs.begin(), procs.end(), [&](const ProcedureRecord& r) { return r.code == wp.code; });
            REQUIRE(pr != procs.end());
            CHECK(pr->name == doc.procedure_names.at(wp.code));
            CHECK(pr->location_id == "loc-1");
            CHECK(pr->state == ProcedureState::pending);
            CHECK(pr->image_count == wp.images);
            CHECK(parse_iso_date(pr->acquired_at.substr(0, 10)).has_value());
            CHECK(pr->acquired_at.size() == 20);
            CHECK(pr->acquired_at < now_utc_iso());  // acquired before now, on a recent day

            auto images = store.images_of(pr->uuid);
            REQUIRE(static_cast<int>(images.size()) == wp.images);
            for (const auto& img : images) {
                const auto bytes = fsx::read_file(store.image_path(img));
                if (wp.what.rfind("photo", 0) == 0) {
                    CHECK(img.kind == ImageKind::photo);
                    CHECK(img.bit_depth == 8);
                    CHECK(is_jpeg(bytes));
                } else {
                    CHECK(img.kind == ImageKind::radiograph);
                    CHECK(img.bit_depth == 16);
                    CHECK(is_png(bytes));
                    // The kind shows in the shape: bitewings lie, periapicals
                    // stand, a panoramic is wide.
                    if (wp.what.rfind("bitewing", 0) == 0) CHECK(img.width > img.height);
                    if (wp.what.rfind("periapical", 0) == 0) CHECK(img.height > img.width);
                    if (wp.what.rfind("panoramic", 0) == 0) CHECK(img.width > 3 * img.height / 2);
                }
            }
            ++expected_procedures;
            expected_images += wp.images;
        }
    }
    CHECK(built.info.patients == 7);
    CHECK(built.info.procedures == expected_procedures);
    CHECK(built.info.images == expected_images);
    CHECK(store.setting(kSettingLocationId) == std::optional<std::string>("loc-1"));
    CHECK(store.setting(kSettingWorkstationId) == std::optional<std::string>("OP-1"));
    // Every procedure waits to sync.
    auto pending = store.patients_with_pending();
    CHECK(pending.size() == 7);
}

TEST_CASE("demo store: verify is clean and every image decodes with real content") {
    auto& built = shared_demo_store();
    OfflineStore store(built.info.store);
    const auto report = store.verify();
    CHECK(report.ok());
    CHECK(report.leftovers.empty());
    CHECK(report.images_checked == built.info.images);
    CHECK(store.startup_check().clean());

    std::set<std::string> checksums;
    for (const auto& p : store.patients())
        for (const auto& pr : store.procedures_of(p.id))
            for (const auto& img : store.images_of(pr.uuid)) {
                INFO(p.first_name << " " << pr.code << " image " << img.seq);
                const auto bytes = fsx::read_file(store.image_path(img));
                const DecodedImage d = decode_image(bytes, img.file_name);
                CHECK(d.width == img.width);
                CHECK(d.height == img.height);
                CHECK(d.bit_depth == img.bit_depth);
                if (img.kind == ImageKind::radiograph) {
                    CHECK(d.channels == 1);
                    REQUIRE(d.pixels16.size() == size_t(d.width) * d.height);
                    require_radiograph_histogram(d);
                } else {
                    CHECK(d.channels == 3);
                }
                checksums.insert(img.sha256);
            }
    CHECK(static_cast<int>(checksums.size()) == built.info.images);  // no two images alike
}

TEST_CASE("demo store: it names Noah Patel's D0230 and its image for the failing upload") {
    auto& built = shared_demo_store();
    OfflineStore store(built.info.store);
    auto noah = patient_named(store, "Noah");
    CHECK(noah.last_name == "Patel");
    auto procs = store.procedures_of(noah.id);
    auto d0230 = std::find_if(procs.begin(), procs.end(), [](const ProcedureRecord& r) { return r.code == "D0230"; });
    REQUIRE(d0230 != procs.end());
    CHECK(built.info.failing_procedure_uuid == d0230->uuid);
    std::vector<std::string> image_uuids;
    for (const auto& img : store.images_of(d0230->uuid)) image_uuids.push_back(img.uuid);
    CHECK(built.info.failing_image_uuids == image_uuids);
    CHECK(image_uuids.size() == 1);
}

TEST_CASE("demo store: progress is reported up to every image, and no temporary files stay") {
    auto& built = shared_demo_store();
    REQUIRE(!built.progress.empty());
    CHECK(built.progress.back() == std::make_pair(built.info.images, built.info.images));
    CHECK(std::is_sorted(built.progress.begin(), built.progress.end()));
    CHECK(fs::is_empty(built.dir / "tmp"));
    // The store folder holds only the store's own files.
    for (const auto& e : fs::directory_iterator(built.info.store)) {
        const std::string n = e.path().filename().string();
        CHECK((n == "images" || n.rfind("store.db", 0) == 0 || n == "offline-mode.lock"));
    }
}
