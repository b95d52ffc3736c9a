#include <catch2/catch.hpp>

#include "engine/store/offline_store.h"
#include "engine/util/error.h"
#include "engine/util/sha256.h"
#include "engine/util/uuid.h"
#include "engine/image/decode.h"
#include "engine/util/fsutil.h"
#include "tests/store/store_fixtures.h"
#include "tests/support/image_test_helpers.h"
#include "tests/support/test_support.h"

using namespace cs;
namespace fs = std::filesystem;

TEST_CASE("capture stores the patient, the procedure and every image, named by uuid") {
    test::TempDir dir;
    auto a = test::make_png(dir / "a.png", 64, 48, 1);
    auto b = test::make_jpeg(dir / "b.jpg", 40, 30, 2);
    OfflineStore store(dir / "store");
    auto req = test::capture_request("Ann", "Smith", "1984-03-09", {a, b});
    req.acquired_at = "2026-11-30T10:00:00Z";
    std::string uuid = store.capture(req);
    CHECK(is_uuid(uuid));

    auto proc = store.procedure(uuid);
    REQUIRE(proc);
    CHECK(proc->code == "D0274");
    CHECK(proc->name == "Bitewings - four radiographic images");
    CHECK(proc->acquired_at == "2026-11-30T10:00:00Z");
    CHECK(proc->location_id == "loc-1");
    CHECK(proc->state == ProcedureState::pending);
    CHECK(proc->attempts == 0);
    CHECK_FALSE(proc->choice);
    CHECK(proc->image_count == 2);

    auto patient = store.patient(proc->patient_id);
    REQUIRE(patient);
    CHECK(patient->first_name == "Ann");
    CHECK(patient->last_name == "Smith");
    CHECK(patient->birth_date == "1984-03-09");

    auto images = store.images_of(uuid);
    REQUIRE(images.size() == 2);
    CHECK(images[0].seq == 1);
    CHECK(images[0].width == 64);
    CHECK(images[0].height == 48);
    CHECK(images[0].bit_depth == 8);
    CHECK(images[0].file_name == images[0].uuid + ".png");
    CHECK(images[1].file_name == images[1].uuid + ".jpg");
    CHECK(images[1].width == 40);
    for (size_t i = 0; i < images.size(); ++i) {
        const auto& src = i == 0 ? a : b;
        CHECK(images[i].procedure_uuid == uuid);
        CHECK(images[i].sha256 == sha256_file(src));
        CHECK(images[i].size == fs::file_size(src));
        CHECK(sha256_file(store.image_path(images[i])) == images[i].sha256);
    }
    // The source files are copied, not moved.
    CHECK(fs::exists(a));
    CHECK(test::files_in(store.images_dir()).size() == 2);
    CHECK(store.verify().ok());
}

TEST_CASE("names with quotes, slashes and emoji and an empty date of birth are kept exactly") {
    test::TempDir dir;
    auto img = test::make_png(dir / "a.png", 8, 8, 3);
    OfflineStore store(dir / "store");
    const std::string first = "Zoë \"Zed\" '); DROP TABLE images;--";
    const std::string last = "O'Brien/Smith\\ 😀";
    std::string uuid = store.capture(test::capture_request(first, last, "", {img}));
    auto proc = store.procedure(uuid);
    REQUIRE(proc);
    auto p = store.patient(proc->patient_id);
    REQUIRE(p);
    CHECK(p->first_name == first);
    CHECK(p->last_name == last);
    CHECK(p->birth_date.empty());
    // The file is named by uuid: nothing of the name reaches the folder.
    for (const auto& f : test::files_in(store.images_dir())) {
        CHECK(f.find("Brien") == std::string::npos);
        CHECK(is_uuid(f.substr(0, 36)));
    }
    // An odd date is kept as typed, too.
    std::string u2 = store.capture(test::capture_request("Bo", "Lee", "31/02/19xx", {img}));
    CHECK(store.patient(store.procedure(u2)->patient_id)->birth_date == "31/02/19xx");
}

TEST_CASE("a patient entered with exactly the same three fields is reused; any difference is a new patient") {
    test::TempDir dir;
    auto img = test::make_png(dir / "a.png", 8, 8, 4);
    OfflineStore store(dir / "store");
    auto pid = [&](const std::string& f, const std::string& l, const std::string& d) {
        return store.procedure(store.capture(test::capture_request(f, l, d, {img})))->patient_id;
    };
    int64_t first = pid("Ann", "Smith", "1984-03-09");
    CHECK(pid("Ann", "Smith", "1984-03-09") == first);
    CHECK(pid("ann", "Smith", "1984-03-09") != first);   // matching is the sync's job, not capture's
    CHECK(pid("Ann", "Smith ", "1984-03-09") != first);
    CHECK(pid("Ann", "Smith", "") != first);
    CHECK(store.procedures_of(first).size() == 2);
    CHECK(store.patients().size() == 4);
}

TEST_CASE("a capture with a corrupt, missing or unknown image writes nothing at all") {
    test::TempDir dir;
    auto good = test::make_png(dir / "good.png", 16, 16, 5);
    OfflineStore store(dir / "store");

    auto refused = [&](const fs::path& bad, const std::string& words) {
        INFO(bad.filename().string());
        try {
            store.capture(test::capture_request("Ann", "Smith", "1984-03-09", {good, bad}));
            FAIL("capture accepted " << bad);
        } catch (const Error& e) {
            CHECK_THAT(e.what(), Catch::Contains(bad.filename().string()));
            CHECK_THAT(e.what(), Catch::Contains(words));
        }
        CHECK(test::files_in(store.images_dir()).empty());
        CHECK(store.patients().empty());
        CHECK(store.patients_with_pending().empty());
    };
    refused(test::make_file(dir / "notes.png", "this is not an image"), "not a PNG or JPEG");
    refused(test::make_file(dir / "cut.png", std::string("\x89PNG\r\n\x1a\n\0\0", 10)), "damaged");
    refused(test::make_file(dir / "cut.jpg", std::string("\xff\xd8\xff\xe0\0\x10JFIF", 10)), "damaged");
    refused(test::make_file(dir / "empty.jpg", ""), "not a PNG or JPEG");
    refused(dir / "gone.png", "not found");
    CHECK(store.verify().ok());
}

TEST_CASE("capture refuses a request without a name, a code, a location or images") {
    test::TempDir dir;
    auto img = test::make_png(dir / "a.png", 8, 8, 6);
    OfflineStore store(dir / "store");
    auto req = test::capture_request("", "", "1984-03-09", {img});
    CHECK_THROWS_WITH(store.capture(req), Catch::Contains("name"));
    req = test::capture_request("Ann", "Smith", "", {});
    CHECK_THROWS_WITH(store.capture(req), Catch::Contains("no images"));
    req = test::capture_request("Ann", "Smith", "", {img});
    req.code.clear();
    CHECK_THROWS_AS(store.capture(req), Error);
    req = test::capture_request("Ann", "Smith", "", {img});
    req.location_id.clear();
    CHECK_THROWS_WITH(store.capture(req), Catch::Contains("location"));
    // The location setting fills in for a request without one.
    store.set_setting(kSettingLocationId, "loc-7");
    CHECK(store.procedure(store.capture(req))->location_id == "loc-7");
    CHECK(test::files_in(store.images_dir()).size() == 1);
}

TEST_CASE("capture refuses names and dates that are not UTF-8 or too long, in a sentence") {
    test::TempDir dir;
    auto img = test::make_png(dir / "a.png", 8, 8, 7);
    OfflineStore store(dir / "store");
    auto refused = [&](CaptureRequest req, const std::string& sentence) {
        try {
            store.capture(req);
            FAIL("captured");
        } catch (const Error& e) {
            CHECK(std::string(e.what()) == sentence);
        }
    };
    refused(test::capture_request("Jos\xe9", "Smith", "", {img}),
            "The patient's first name is not valid text (UTF-8): \"Jos\\xE9\". Enter it again.");
    refused(test::capture_request("Ann", "Sm\xC3", "", {img}),
            "The patient's last name is not valid text (UTF-8): \"Sm\\xC3\". Enter it again.");
    refused(test::capture_request("Ann", "Smith", "1984\xff", {img}),
            "The date of birth is not valid text (UTF-8): \"1984\\xFF\". Enter it again.");
    refused(test::capture_request(std::string(101, 'a'), "Smith", "", {img}),
            "The patient's first name is too long: at most 100 characters are kept.");
    refused(test::capture_request("Ann", "Smith", std::string(41, '1'), {img}),
            "The date of birth is too long: at most 40 characters are kept.");
    CHECK(store.patients().empty());
    CHECK(test::files_in(store.images_dir()).empty());
    // The limit counts characters, not bytes: 100 Vietnamese letters are fine.
    std::string hundred;
    for (int i = 0; i < 100; ++i) hundred += "\u1EC5";
    CHECK_NOTHROW(store.capture(test::capture_request(hundred, "Nguyễn", " 1984-03-09", {img})));
}

TEST_CASE("16-bit radiographs keep their bit depth (shared test data)") {
    auto data = test::shared_testdata();
    if (!data) {
        WARN("../shared/testdata is absent; skipping");
        return;
    }
    auto file = *data / "dental" / "bitewing_radboud_nnistelrooij_gray16.png";
    if (!fs::exists(file)) {
        WARN("no 16-bit radiograph in the shared test data; skipping");
        return;
    }
    test::TempDir dir;
    OfflineStore store(dir / "store");
    auto images = store.images_of(store.capture(test::capture_request("Ann", "Smith", "", {file})));
    REQUIRE(images.size() == 1);
    CHECK(images[0].bit_depth == 16);
    CHECK(images[0].width > 0);
}

namespace {

// Capture of `bad` (after a good image) must be refused with a sentence
// naming it, and leave nothing behind.
void check_capture_refuses(OfflineStore& store, const fs::path& good, const fs::path& bad) {
    INFO(bad.filename().string());
    try {
        store.capture(test::capture_request("Ann", "Smith", "1984-03-09", {good, bad}));
        FAIL("capture stored " << bad.filename().string());
    } catch (const Error& e) {
        CHECK_THAT(e.what(), Catch::Contains(bad.filename().string()));
    }
    CHECK(test::files_in(store.images_dir()).empty());
    CHECK(store.patients().empty());
}

}  // namespace

TEST_CASE("capture decodes every image first: corrupt, crashing and truncated test files are refused") {
    auto td = test::shared_testdata();
    if (!td) {
        WARN("no shared testdata; skipped");
        return;
    }
    test::TempDir dir;
    auto good = test::make_png(dir / "good.png", 16, 16, 5);
    OfflineStore store(dir / "store");
    std::vector<fs::path> decodable;
    int refused = 0;
    for (const char* folder : {"pngsuite", "jpeg", "dental"}) {
        for (const auto& entry : fs::directory_iterator(*td / folder)) {
            const fs::path& p = entry.path();
            if (p.extension() != ".png" && p.extension() != ".jpg") continue;
            const auto bytes = fsx::read_file(p);
            bool decodes = true;
            try {
                decode_image(bytes, p.filename().string());
            } catch (const Error&) {
                decodes = false;
            }
            if (decodes) {
                decodable.push_back(p);
                continue;
            }
            check_capture_refuses(store, good, p);
            ++refused;
        }
    }
    CHECK(refused == 14 + 11);  // PngSuite's x* files; the JPEG crash, 12-bit and warning-only files
    // Truncated good files: every decoder must see the end is missing.
    for (const char* rel : {"dental/bitewing_radboud_nnistelrooij_gray16.png", "dental/panoramic_pan-01432.jpg",
                            "pngsuite/basi2c08.png", "jpeg/testimgp.jpg"}) {
        const auto bytes = fsx::read_file(*td / rel);
        for (double keep : {0.97, 0.5}) {
            const fs::path cut = dir / ("cut-" + std::to_string(int(keep * 100)) + "-" + fs::path(rel).filename().string());
            test::write_bytes(cut, std::vector<uint8_t>(bytes.begin(), bytes.begin() + long(double(bytes.size()) * keep)));
            check_capture_refuses(store, good, cut);
        }
    }
    // Everything that decodes is stored, in one procedure.
    REQUIRE(decodable.size() > 150);
    auto uuid = store.capture(test::capture_request("Ann", "Smith", "1984-03-09", decodable));
    CHECK(store.images_of(uuid).size() == decodable.size());
}

TEST_CASE("capture refuses a PNG with two IHDRs and decompression bombs, naming the file") {
    test::TempDir dir;
    auto good = test::make_png(dir / "good.png", 16, 16, 5);
    OfflineStore store(dir / "store");
    auto one_pixel = test::png_chunks(fsx::read_file(test::make_png(dir / "one.png", 1, 1, 3)));
    one_pixel.insert(one_pixel.begin() + 1, {"IHDR", test::ihdr_data(60000, 57000, 8, 0, 0)});
    test::write_bytes(dir / "two-ihdr.png", test::png_from_chunks(one_pixel));
    check_capture_refuses(store, good, dir / "two-ihdr.png");
    test::write_bytes(dir / "bomb.png", test::png_from_chunks({{"IHDR", test::ihdr_data(16, 16, 8, 0, 0)},
                                                              {"IDAT", test::zlib_of_zeros(64ull << 20)},
                                                              {"IEND", {}}}));
    check_capture_refuses(store, good, dir / "bomb.png");
}
