#include <catch2/catch.hpp>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dctk.h>
#include <dcmtk/dcmjpeg/djencode.h>
#include <dcmtk/dcmjpeg/djrplol.h>
#include <dcmtk/dcmjpls/djencode.h>
#include <dcmtk/dcmjpls/djrparam.h>

#include <cstdlib>
#include <mutex>

#include "engine/dicom/dicom_object.h"
#include "engine/image/decode.h"
#include "engine/image/dicom_read.h"
#include "engine/image/thumbnail.h"
#include "engine/store/offline_store.h"
#include "engine/util/error.h"
#include "engine/util/fsutil.h"
#include "tests/dicom/dicom_test_helpers.h"
#include "tests/support/image_test_helpers.h"
#include "tests/support/test_support.h"

using namespace cs;
using test::dental;
namespace fs = std::filesystem;

namespace {

DecodedImage decoded(const fs::path& p) { return decode_image(fsx::read_file(p), p.filename().string()); }

// `dcm` in another transfer syntax, compressed by DCMTK's own encoders.
fs::path recompressed(const fs::path& dcm, E_TransferSyntax xfer, const DcmRepresentationParameter* param,
                      const fs::path& out) {
    static std::once_flag once;
    std::call_once(once, [] {
        DJEncoderRegistration::registerCodecs();
        DJLSEncoderRegistration::registerCodecs();
    });
    DcmFileFormat file;
    REQUIRE(file.loadFile(dcm.c_str()).good());
    REQUIRE(file.getDataset()->chooseRepresentation(xfer, param).good());
    REQUIRE(file.getDataset()->canWriteXfer(xfer));
    REQUIRE(file.saveFile(out.c_str(), xfer).good());
    return out;
}

int max_difference(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
    if (a.size() != b.size()) return 256;
    int most = 0;
    for (size_t i = 0; i < a.size(); ++i) most = std::max(most, std::abs(int(a[i]) - int(b[i])));
    return most;
}

}  // namespace

TEST_CASE("a DICOM file decodes like any image: 16-bit grey, 8-bit grey, colour") {
    NEED_TESTDATA(data);
    test::TempDir out;
    for (const auto& [file, code] : std::vector<std::pair<fs::path, const char*>>{
             {dental(data, "bitewing_radboud_nnistelrooij_gray16.png"), "D0274"},
             {dental(data, "bitewing_radboud_nnistelrooij_gray8.png"), "D0220"},
             {data / "pngsuite" / "basn2c08.png", "D0350"}}) {
        INFO(file.filename().string());
        const auto inst = dicom::write_instance(test::dicom_input(file, code), out.path());
        const DecodedImage original = decoded(file);
        const DecodedImage back = decoded(inst.file);
        CHECK(back.format == ImageFormat::dicom);
        CHECK(back.width == original.width);
        CHECK(back.height == original.height);
        CHECK(back.bit_depth == original.bit_depth);
        CHECK(back.pixels16 == original.pixels16);
        CHECK(back.pixels8 == original.pixels8);
        const GrayOrRgba8Image thumb = make_thumbnail(fsx::read_file(inst.file), "x.dcm", 64);
        CHECK(thumb.width > 0);
        CHECK(thumb.width <= 64);
    }
}

TEST_CASE("DICOM compressed as JPEG baseline, JPEG lossless and JPEG-LS decodes through DCMTK's codecs") {
    NEED_TESTDATA(data);
    test::TempDir out;
    SECTION("JPEG baseline: the picture of the JPEG") {
        const fs::path jpeg = data / "jpeg" / "testorig.jpg";
        const auto inst = dicom::write_instance(test::dicom_input(jpeg, "D0350"), out.path());
        const DecodedImage back = decoded(inst.file);
        const DecodedImage original = decoded(jpeg);
        CHECK(back.channels == 3);
        CHECK(max_difference(back.pixels8, original.pixels8) <= 4);  // two IDCTs may round apart
    }
    const fs::path png = dental(data, "bitewing_radboud_nnistelrooij_gray16.png");
    const auto inst = dicom::write_instance(test::dicom_input(png, "D0274"), out.path());
    const DecodedImage original = decoded(png);
    SECTION("JPEG lossless, 16-bit: every value") {
        const DJ_RPLossless lossless(1, 0);
        const fs::path f = recompressed(inst.file, EXS_JPEGProcess14SV1, &lossless, out / "lossless.dcm");
        CHECK(decoded(f).pixels16 == original.pixels16);
    }
    SECTION("JPEG-LS lossless, 16-bit: every value") {
        const DJLSRepresentationParameter ls(0, OFTrue);
        const fs::path f = recompressed(inst.file, EXS_JPEGLSLossless, &ls, out / "jpegls.dcm");
        CHECK(decoded(f).pixels16 == original.pixels16);
    }
}

TEST_CASE("capture keeps a DICOM file as it is, with its acquisition time") {
    NEED_TESTDATA(data);
    test::TempDir out, dir;
    auto in = test::dicom_input(dental(data, "bitewing_radboud_nnistelrooij_gray16.png"), "D0274");
    in.procedure.acquired_at = "2026-11-30T08:15:00Z";
    const auto inst = dicom::write_instance(in, out.path());  // local time with its offset in the file

    OfflineStore store(dir.path());
    store.set_setting(kSettingLocationId, "loc-1");
    const std::string uuid = store.capture(test::capture_request(inst.file));
    const auto procedure = store.procedure(uuid);
    REQUIRE(procedure);
    CHECK(procedure->acquired_at == "2026-11-30T08:15:00Z");
    const auto images = store.images_of(uuid);
    REQUIRE(images.size() == 1);
    CHECK(images[0].file_name == images[0].uuid + ".dcm");
    CHECK(images[0].bit_depth == 16);
    CHECK(fsx::read_file(store.image_path(images[0])) == fsx::read_file(inst.file));
    const VerifyReport report = store.verify();
    CHECK(report.ok());
    CHECK(report.leftovers.empty());  // a .dcm is no orphan
    CHECK(store.startup_check().quarantined.empty());

    // The facts, read on their own.
    const DicomFacts facts = dicom_facts(fsx::read_file(inst.file), "x.dcm");
    CHECK(facts.modality == "IO");
    CHECK(facts.acquired_at == "2026-11-30T08:15:00Z");

    // A time given at capture wins over the file's.
    auto request = test::capture_request(inst.file);
    request.acquired_at = "2026-12-01T09:00:00Z";
    CHECK(store.procedure(store.capture(request))->acquired_at == "2026-12-01T09:00:00Z");
}

TEST_CASE("a damaged, empty or oversized DICOM file is refused with a sentence, and nothing is stored") {
    NEED_TESTDATA(data);
    test::TempDir out, dir;
    const auto inst = dicom::write_instance(
        test::dicom_input(dental(data, "bitewing_radboud_nnistelrooij_gray8.png"), "D0220"), out.path());
    const std::vector<uint8_t> whole = fsx::read_file(inst.file);

    std::vector<fs::path> bad;
    bad.push_back(out / "truncated.dcm");
    test::write_bytes(bad.back(), std::vector<uint8_t>(whole.begin(), whole.begin() + long(whole.size() / 2)));
    bad.push_back(out / "header-only.dcm");
    test::write_bytes(bad.back(), std::vector<uint8_t>(whole.begin(), whole.begin() + 600));

    {  // a DICOM object with no image in it
        DcmFileFormat f;
        f.getDataset()->putAndInsertString(DCM_SOPClassUID, UID_BasicTextSRStorage);
        f.getDataset()->putAndInsertString(DCM_SOPInstanceUID, "2.25.1");
        bad.push_back(out / "report.dcm");
        REQUIRE(f.saveFile(bad.back().c_str(), EXS_LittleEndianExplicit).good());
    }
    {  // a header claiming 20000 × 20000 pixels: refused before anything is decompressed
        DcmFileFormat f;
        DcmDataset& ds = *f.getDataset();
        ds.putAndInsertString(DCM_SOPClassUID, UID_SecondaryCaptureImageStorage);
        ds.putAndInsertString(DCM_SOPInstanceUID, "2.25.2");
        ds.putAndInsertUint16(DCM_Rows, 20000);
        ds.putAndInsertUint16(DCM_Columns, 20000);
        ds.putAndInsertUint16(DCM_SamplesPerPixel, 1);
        ds.putAndInsertString(DCM_PhotometricInterpretation, "MONOCHROME2");
        ds.putAndInsertUint16(DCM_BitsAllocated, 8);
        ds.putAndInsertUint16(DCM_BitsStored, 8);
        ds.putAndInsertUint16(DCM_HighBit, 7);
        ds.putAndInsertUint16(DCM_PixelRepresentation, 0);
        const std::vector<Uint8> few(64, 0);
        ds.putAndInsertUint8Array(DCM_PixelData, few.data(), few.size());
        bad.push_back(out / "huge.dcm");
        REQUIRE(f.saveFile(bad.back().c_str(), EXS_LittleEndianExplicit).good());
        CHECK_THROWS_WITH(probe_image(fsx::read_file(bad.back()), "huge.dcm"), Catch::Contains("too large"));
    }

    OfflineStore store(dir.path());
    store.set_setting(kSettingLocationId, "loc-1");
    for (const fs::path& file : bad) {
        INFO(file.filename().string());
        try {
            store.capture(test::capture_request(file));
            FAIL("captured");
        } catch (const Error& e) {
            CHECK_THAT(e.what(), Catch::Contains(file.filename().string()));
        }
        CHECK_THROWS_AS(make_thumbnail(fsx::read_file(file), file.filename().string(), 64), Error);
    }
    CHECK(store.patients().empty());
    CHECK(fs::is_empty(store.images_dir()));
}

TEST_CASE("a DICOM image becomes a DICOM object for the archive like any other") {
    NEED_TESTDATA(data);
    test::TempDir first, second;
    const fs::path png = dental(data, "bitewing_radboud_nnistelrooij_gray16.png");
    const auto source = dicom::write_instance(test::dicom_input(png, "D0274"), first.path());
    auto again = test::dicom_input(source.file, "D0274");
    again.image.uuid = "2b3c4d5e-6f70-4812-9a3b-4c5d6e7f8091";
    const auto inst = dicom::write_instance(again, second.path());
    CHECK(test::dciodvfy_errors(inst.file).empty());
    CHECK(test::DicomFile(inst.file).pixels16() == decoded(png).pixels16);
}
