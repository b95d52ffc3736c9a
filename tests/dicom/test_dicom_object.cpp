#include <catch2/catch.hpp>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dctk.h>

#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>
#include <set>

#include "engine/dicom/dicom_object.h"
#include "engine/image/decode.h"
#include "engine/image/encode.h"
#include "engine/util/error.h"
#include "engine/util/fsutil.h"
#include "tests/dicom/dicom_test_helpers.h"
#include "tests/support/test_support.h"

using namespace cs;
using test::dental;
namespace fs = std::filesystem;

namespace {

// Sets TZ for a scope, so local times are known.
class ScopedTz {
public:
    explicit ScopedTz(const char* tz) {
        const char* old = std::getenv("TZ");
        had_ = old != nullptr;
        if (old) old_ = old;
        setenv("TZ", tz, 1);
        tzset();
    }
    ~ScopedTz() {
        if (had_) setenv("TZ", old_.c_str(), 1);
        else unsetenv("TZ");
        tzset();
    }

private:
    bool had_ = false;
    std::string old_;
};

}  // namespace

TEST_CASE("a uuid becomes a 2.25 UID: the uuid as one decimal integer") {
    // PS3.5 B.2's own example.
    CHECK(dicom::uid_from_uuid("f81d4fae-7dec-11d0-a765-00a0c91e6bf6") ==
          "2.25.329800735698586629295641978511506172918");
    CHECK(dicom::uid_from_uuid("F81D4FAE-7DEC-11D0-A765-00A0C91E6BF6") ==
          "2.25.329800735698586629295641978511506172918");
    CHECK(dicom::uid_from_uuid("00000000-0000-0000-0000-000000000000") == "2.25.0");
    const std::string largest = dicom::uid_from_uuid("ffffffff-ffff-ffff-ffff-ffffffffffff");
    CHECK(largest == "2.25.340282366920938463463374607431768211455");
    CHECK(largest.size() <= 64);
    CHECK_THROWS_AS(dicom::uid_from_uuid("not-a-uuid"), Error);
    CHECK_THROWS_AS(dicom::uid_from_uuid("f81d4fae-7dec-11d0-a765-00a0c91e6bfg"), Error);
    CHECK_THROWS_AS(dicom::uid_from_uuid("f81d4fae7dec-11d0-a765-00a0c91e6bf6-"), Error);
}

TEST_CASE("a series UID is derived from the procedure and the modality, the same every time") {
    const std::string p = "8c1f6a2e-3b4d-4e5f-9a0b-1c2d3e4f5a6b";
    const std::string io = dicom::derived_uid(p, "series IO");
    CHECK(io == dicom::derived_uid(p, "series IO"));
    CHECK(io == dicom::derived_uid("8C1F6A2E-3B4D-4E5F-9A0B-1C2D3E4F5A6B", "series IO"));
    CHECK(io != dicom::derived_uid(p, "series XC"));
    CHECK(io != dicom::derived_uid("8c1f6a2e-3b4d-4e5f-9a0b-1c2d3e4f5a6c", "series IO"));
    CHECK(io != dicom::uid_from_uuid(p));
    const std::string digits = io.substr(5);
    CHECK(io.rfind("2.25.", 0) == 0);
    CHECK(digits.find_first_not_of("0123456789") == std::string::npos);
    CHECK((digits == "0" || digits[0] != '0'));
    CHECK(io.size() <= 64);
}

TEST_CASE("the procedure codes' classes are the table of docs/dicom.md") {
    std::ifstream doc(fs::path(CHAIRSYNC_SOURCE_DIR) / "docs" / "dicom.md");
    REQUIRE(doc);
    // Rows of the "Which class" table: | D0274 | intraoral | ...
    auto trim = [](std::string t) {
        t.erase(0, t.find_first_not_of(' '));
        t.erase(t.find_last_not_of(' ') + 1);
        return t;
    };
    std::vector<std::pair<std::string, std::string>> documented;
    for (std::string line; std::getline(doc, line);) {
        if (line.rfind("| D0", 0) != 0) continue;
        std::istringstream cells(line.substr(1));
        std::string code, family;
        std::getline(cells, code, '|');
        std::getline(cells, family, '|');
        documented.emplace_back(trim(code), trim(family));
    }
    std::vector<std::pair<std::string, std::string>> coded;
    for (const auto& r : dicom::code_table()) coded.emplace_back(r.code, dicom::to_string(r.family));
    CHECK(documented == coded);

    CHECK(std::string(dicom::class_for_code("D0274")->modality) == "IO");
    CHECK(std::string(dicom::class_for_code("D0220")->sop_class_uid) == "1.2.840.10008.5.1.4.1.1.1.3");
    CHECK(std::string(dicom::class_for_code("D0240")->modality) == "IO");  // occlusal
    CHECK(std::string(dicom::class_for_code("D0330")->modality) == "PX");
    CHECK(std::string(dicom::class_for_code("D0330")->sop_class_uid) == "1.2.840.10008.5.1.4.1.1.1.1");
    CHECK(std::string(dicom::class_for_code("D0340")->modality) == "DX");
    CHECK(std::string(dicom::class_for_code("D0350")->modality) == "XC");
    CHECK(std::string(dicom::class_for_code("D0350")->sop_class_uid) == "1.2.840.10008.5.1.4.1.1.77.1.4");
    CHECK_FALSE(dicom::class_for_code("D9999"));
}

TEST_CASE("every kind of object passes dciodvfy without an error") {
    NEED_TESTDATA(data);
    struct Kind {
        const char* what;
        fs::path file;
        const char* code;
        const char* modality;
        const char* photometric;
        const char* bits_stored;
    };
    const std::vector<Kind> kinds = {
        {"IO, 16-bit grey PNG", dental(data, "bitewing_radboud_nnistelrooij_gray16.png"), "D0274", "IO", "MONOCHROME2", "16"},
        {"IO, 8-bit grey PNG", dental(data, "bitewing_radboud_nnistelrooij_gray8.png"), "D0220", "IO", "MONOCHROME2", "8"},
        {"IO, colour PNG of a grey radiograph", dental(data, "bitewing_radboud_nnistelrooij.png"), "D0272", "IO", "MONOCHROME2", "8"},
        {"PX, grey JPEG as it is", dental(data, "panoramic_pan-01432_gray.jpg"), "D0330", "PX", "MONOCHROME2", "8"},
        {"PX, colour JPEG decoded to grey", dental(data, "panoramic_pan-01432.jpg"), "D0330", "PX", "MONOCHROME2", "8"},
        {"DX, 16-bit grey PNG", data / "pngsuite" / "basn0g16.png", "D0340", "DX", "MONOCHROME2", "16"},
        {"XC, JPEG 4:2:0 as it is", data / "jpeg" / "testorig.jpg", "D0350", "XC", "YBR_FULL_422", "8"},
        {"XC, JPEG 4:4:4 decoded", dental(data, "panoramic_pan-01432.jpg"), "D0350", "XC", "RGB", "8"},
        {"XC, progressive JPEG decoded", data / "jpeg" / "testimgp.jpg", "D0350", "XC", "RGB", "8"},
        {"XC, colour PNG", data / "pngsuite" / "basn2c08.png", "D0350", "XC", "RGB", "8"},
        {"XC, RGBA 16-bit PNG", data / "pngsuite" / "basn6a16.png", "D0350", "XC", "RGB", "8"},
        {"XC, 8-bit grey PNG", data / "pngsuite" / "basn0g08.png", "D0350", "XC", "MONOCHROME2", "8"},
        {"XC, grey JPEG", data / "jpeg" / "testimggray.jpg", "D0350", "XC", "MONOCHROME2", "8"},
    };
    test::TempDir out;
    for (const Kind& k : kinds) {
        INFO(k.what);
        const dicom::Instance inst = dicom::write_instance(test::dicom_input(k.file, k.code), out.path());
        std::string report;
        const auto errors = test::dciodvfy_errors(inst.file, &report);
        INFO(report);
        CHECK(errors.empty());
        const test::DicomFile f(inst.file);
        CHECK(f.get("Modality") == k.modality);
        CHECK(f.get("PhotometricInterpretation") == k.photometric);
        CHECK(f.get("BitsStored") == k.bits_stored);
        CHECK(inst.modality == k.modality);
        CHECK(inst.bytes == fs::file_size(inst.file));
    }
}

TEST_CASE("the patient is the online patient chosen, with the procedure, provider and place") {
    NEED_TESTDATA(data);
    test::TempDir out;
    auto in = test::dicom_input(dental(data, "bitewing_radboud_nnistelrooij_gray16.png"), "D0274");
    in.patient = {"pat-online-7", "Zoë", "O'Brien", "1988-10-10", std::nullopt};
    in.patient_sex = "female";
    in.procedure.name = "Bitewings - four radiographic images";
    const dicom::Instance inst = dicom::write_instance(in, out.path());
    const test::DicomFile f(inst.file);
    CHECK(f.get("PatientID") == "pat-online-7");
    CHECK(f.get("PatientName") == "O'Brien^Zoë");
    CHECK(f.get("SpecificCharacterSet") == "ISO_IR 192");
    CHECK(f.get("PatientBirthDate") == "19881010");
    CHECK(f.get("PatientSex") == "F");
    CHECK(f.get("ReferringPhysicianName") == "Dr. Sam Lee");
    CHECK(f.get("PerformingPhysicianName") == "Dr. Sam Lee");
    CHECK(f.get("InstitutionName") == "Main Street Dental");
    CHECK(f.get("StationName") == "OP-1");
    CHECK(f.get("StudyDescription") == "Bitewings - four radiographic images");
    CHECK(f.get("InstanceNumber") == "2");
    CHECK(f.get("SOPClassUID") == "1.2.840.10008.5.1.4.1.1.1.3");
    CHECK(f.get("SOPInstanceUID") == dicom::uid_from_uuid(in.image.uuid));
    CHECK(f.get("StudyInstanceUID") == dicom::uid_from_uuid(in.procedure.uuid));
    CHECK(f.get("SeriesInstanceUID") == dicom::derived_uid(in.procedure.uuid, "series IO"));
    CHECK(f.get("PresentationIntentType") == "FOR PRESENTATION");
    CHECK(f.get("ImagerPixelSpacing") == "0.0300003\\0.0300003");  // the PNG's pHYs: 33333 pixels per metre

    DcmItem* code = nullptr;
    REQUIRE(f.dataset().findAndGetSequenceItem(DCM_ProcedureCodeSequence, code, 0).good());
    OFString value, scheme;
    code->findAndGetOFString(DCM_CodeValue, value);
    code->findAndGetOFString(DCM_CodingSchemeDesignator, scheme);
    CHECK(value == "D0274");
    CHECK(scheme == "CDT");

    SECTION("unknown facts stay empty rather than guessed") {
        in.patient.birth_date = "03/09/84?";
        in.patient_sex = "";
        in.provider = {};
        const test::DicomFile g(dicom::write_instance(in, out.path()).file);
        CHECK(g.get("PatientBirthDate").empty());
        CHECK(g.get("PatientSex").empty());
        CHECK(g.get("ReferringPhysicianName").empty());
        CHECK(g.get("PerformingPhysicianName").empty());
    }
    SECTION("a name with DICOM's separators keeps its words") {
        in.patient.last_name = "Smith^Jones\\Jr";
        const test::DicomFile g(dicom::write_instance(in, out.path()).file);
        CHECK(g.get("PatientName") == "Smith Jones Jr^Zoë");
    }
}

TEST_CASE("the acquisition time is the capture's, as the workstation's local time with its offset") {
    NEED_TESTDATA(data);
    test::TempDir out;
    auto in = test::dicom_input(data / "pngsuite" / "basn0g08.png", "D0350");
    in.procedure.acquired_at = "2026-12-06T23:30:07Z";
    ScopedTz tz("XST5");  // five hours behind UTC, no daylight saving
    const test::DicomFile f(dicom::write_instance(in, out.path()).file);
    CHECK(f.get("AcquisitionDate") == "20261206");
    CHECK(f.get("AcquisitionTime") == "183007");
    CHECK(f.get("StudyDate") == "20261206");
    CHECK(f.get("StudyTime") == "183007");
    CHECK(f.get("ContentTime") == "183007");
    CHECK(f.get("AcquisitionDateTime") == "20261206183007-0500");
    CHECK(f.get("TimezoneOffsetFromUTC") == "-0500");
    {
        ScopedTz india("IST-5:30");  // five and a half hours ahead: the minutes of the offset count
        test::TempDir out2;
        const test::DicomFile g(dicom::write_instance(in, out2.path()).file);
        CHECK(g.get("AcquisitionDateTime") == "20261207050007+0530");
        CHECK(g.get("TimezoneOffsetFromUTC") == "+0530");
    }

    in.procedure.acquired_at = "yesterday";
    CHECK_THROWS_AS(dicom::write_instance(in, out.path()), Error);
}

TEST_CASE("writing the same image again, days later, makes the very same instance") {
    NEED_TESTDATA(data);
    test::TempDir a, b;
    const auto in = test::dicom_input(dental(data, "bitewing_radboud_nnistelrooij_gray8.png"), "D0274");
    const dicom::Instance first = dicom::write_instance(in, a.path());
    auto later = in;
    later.procedure.attempts = 3;
    later.procedure.last_error = "The server did not answer.";
    const dicom::Instance second = dicom::write_instance(later, b.path());
    CHECK(first.sop_instance_uid == second.sop_instance_uid);
    CHECK(first.study_instance_uid == second.study_instance_uid);
    CHECK(first.series_instance_uid == second.series_instance_uid);
    CHECK(fsx::read_file(first.file) == fsx::read_file(second.file));

    // Another image of the same procedure: same study and series, its own instance.
    auto other = in;
    other.image.uuid = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
    const dicom::Instance third = dicom::write_instance(other, a.path());
    CHECK(third.study_instance_uid == first.study_instance_uid);
    CHECK(third.series_instance_uid == first.series_instance_uid);
    CHECK(third.sop_instance_uid != first.sop_instance_uid);
    // Photos of the same procedure uuid would be their own series.
    auto photo = in;
    photo.procedure.code = "D0350";
    CHECK(dicom::write_instance(photo, b.path()).series_instance_uid != first.series_instance_uid);
}

TEST_CASE("the pixel data is the decoded offline image") {
    NEED_TESTDATA(data);
    test::TempDir out;
    auto decoded = [](const fs::path& p) { return decode_image(fsx::read_file(p), p.filename().string()); };

    SECTION("16-bit grey, with the bits the values need") {
        const fs::path file = dental(data, "bitewing_radboud_nnistelrooij_gray16.png");
        const test::DicomFile f(dicom::write_instance(test::dicom_input(file, "D0274"), out.path()).file);
        const DecodedImage d = decoded(file);
        CHECK(f.get("Rows") == std::to_string(d.height));
        CHECK(f.get("Columns") == std::to_string(d.width));
        CHECK(f.get("BitsAllocated") == "16");
        CHECK(f.pixels16() == d.pixels16);
        CHECK(f.transfer_syntax() == "1.2.840.10008.1.2.1");
    }
    SECTION("16-bit grey holding 12-bit values says 12 bits stored") {
        DecodedImage img{ImageFormat::png, 64, 48, 1, 16, 64, 48, {}, {}};
        for (int i = 0; i < 64 * 48; ++i) img.pixels16.push_back(static_cast<uint16_t>((i * 7) % 4096));
        const fs::path file = out / "twelve.png";
        fsx::write_file_durable(file, encode_png(img));
        const test::DicomFile f(dicom::write_instance(test::dicom_input(file, "D0220"), out.path()).file);
        CHECK(f.get("BitsStored") == "12");
        CHECK(f.get("HighBit") == "11");
        CHECK(f.pixels16() == img.pixels16);
        CHECK(test::dciodvfy_errors(out / (test::dicom_input(file, "D0220").image.uuid + ".dcm")).empty());
    }
    SECTION("8-bit grey") {
        const fs::path file = dental(data, "bitewing_radboud_nnistelrooij_gray8.png");
        const test::DicomFile f(dicom::write_instance(test::dicom_input(file, "D0220"), out.path()).file);
        CHECK(f.get("BitsAllocated") == "8");
        CHECK(f.pixels8() == decoded(file).pixels8);
    }
    SECTION("colour PNG as RGB") {
        const fs::path file = data / "pngsuite" / "basn2c08.png";
        const test::DicomFile f(dicom::write_instance(test::dicom_input(file, "D0350"), out.path()).file);
        CHECK(f.get("SamplesPerPixel") == "3");
        CHECK(f.get("PlanarConfiguration") == "0");
        CHECK(f.pixels8() == decoded(file).pixels8);
        CHECK(f.get("LossyImageCompression") == "00");
        CHECK(f.get("ImageType") == "ORIGINAL\\PRIMARY");
    }
    SECTION("a JPEG photo is carried as it is, not recompressed") {
        const fs::path file = data / "jpeg" / "testorig.jpg";
        const test::DicomFile f(dicom::write_instance(test::dicom_input(file, "D0350"), out.path()).file);
        CHECK(f.transfer_syntax() == "1.2.840.10008.1.2.4.50");
        std::vector<uint8_t> fragment = f.jpeg_fragment();
        const std::vector<uint8_t> original = fsx::read_file(file);
        if (fragment.size() == original.size() + 1 && fragment.back() == 0) fragment.pop_back();  // even length
        CHECK(fragment == original);
        const DecodedImage d = decoded(file);
        CHECK(f.get("Rows") == std::to_string(d.height));
        CHECK(f.get("Columns") == std::to_string(d.width));
        CHECK(f.get("LossyImageCompression") == "01");
        CHECK(f.get("LossyImageCompressionMethod") == "ISO_10918_1");
    }
    SECTION("a colour JPEG of a radiograph becomes its grey values") {
        const fs::path file = data / "jpeg" / "testorig.jpg";
        const test::DicomFile f(dicom::write_instance(test::dicom_input(file, "D0330"), out.path()).file);
        const DecodedImage d = decoded(file);
        std::vector<uint8_t> px = f.pixels8();
        if (px.size() == size_t(d.width) * d.height + 1) px.pop_back();  // padded to an even length
        REQUIRE(px.size() == size_t(d.width) * d.height);
        for (size_t i = 0; i < px.size(); i += 997) {
            const uint8_t* s = &d.pixels8[i * 3];
            CHECK(std::abs(int(px[i]) - (299 * s[0] + 587 * s[1] + 114 * s[2]) / 1000) <= 1);
        }
        CHECK(f.get("ImageType") == "DERIVED\\PRIMARY");
        CHECK(f.get("LossyImageCompression") == "01");
    }
}

TEST_CASE("what cannot become DICOM is refused with a sentence, and nothing is left behind") {
    NEED_TESTDATA(data);
    test::TempDir out;
    const fs::path file = data / "pngsuite" / "basn0g08.png";
    auto in = test::dicom_input(file, "D9999");
    try {
        dicom::write_instance(in, out.path());
        FAIL("an unknown code was written");
    } catch (const Error& e) {
        CHECK(std::string(e.what()).find("D9999") != std::string::npos);
        CHECK(std::string(e.what()).find("docs/dicom.md") != std::string::npos);
    }
    in = test::dicom_input(file, "D0350");
    in.patient.id = std::string(65, '7');
    CHECK_THROWS_WITH(dicom::write_instance(in, out.path()), Catch::Contains("cannot be written into a DICOM object"));
    in = test::dicom_input(data / "jpeg" / "jd-crash-missing-sof.jpg", "D0350");
    CHECK_THROWS_AS(dicom::write_instance(in, out.path()), Error);
    CHECK(fs::is_empty(out.path()));
}

TEST_CASE("the file is private, written whole under its final name") {
    NEED_TESTDATA(data);
    test::TempDir out;
    test::ScopedUmask loose(0);
    const dicom::Instance inst =
        dicom::write_instance(test::dicom_input(data / "pngsuite" / "basn0g08.png", "D0350"), out / "dicom");
    CHECK(inst.file == out / "dicom" / "0f9e8d7c-6b5a-4948-8776-655443322110.dcm");
    CHECK(test::not_private(out / "dicom").empty());
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(out / "dicom")) names.push_back(e.path().filename().string());
    CHECK(names == std::vector<std::string>{"0f9e8d7c-6b5a-4948-8776-655443322110.dcm"});
}
