// A sensor's DICOM file: its equipment, exposure and detector attributes
// reach the archive's object; its patient and UIDs never do (docs/dicom.md,
// "From a DICOM file").
#include <catch2/catch.hpp>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dctk.h>

#include <fstream>

#include "engine/dicom/dicom_object.h"
#include "engine/image/encode.h"
#include "engine/store/offline_store.h"
#include "engine/util/fsutil.h"
#include "tests/dicom/dicom_test_helpers.h"
#include "tests/support/image_test_helpers.h"
#include "tests/support/test_support.h"

using namespace cs;
namespace fs = std::filesystem;

namespace {

// What the sensor software wrote about itself, by keyword.
const std::vector<std::pair<const char*, const char*>> kSensorSays = {
    {"Manufacturer", "Acme Dental Imaging"},
    {"ManufacturerModelName", "IntraSense 2"},
    {"DeviceSerialNumber", "SN-445566"},
    {"SoftwareVersions", "4.2.1"},
    {"AcquisitionDate", "20261130"},
    {"AcquisitionTime", "081500"},
    {"AcquisitionDateTime", "20261130081500"},
    {"KVP", "60"},
    {"ExposureTime", "120"},
    {"XRayTubeCurrent", "7"},
    {"DetectorType", "SCINTILLATOR"},
    {"DetectorID", "DET-77"},
    {"DetectorManufacturerName", "Acme"},
    {"ImagerPixelSpacing", "0.0185\\0.0185"},
};
const std::vector<const char*> kXrayOnly = {"KVP", "ExposureTime", "XRayTubeCurrent", "DetectorType", "DetectorID",
                                            "DetectorManufacturerName", "ImagerPixelSpacing"};

// Who the sensor software thought the patient was, and its own UIDs: none of
// this may ever reach the archive.
const std::vector<std::pair<const char*, const char*>> kSensorPatient = {
    {"PatientName", "Wrongpatient^Sensor"},
    {"PatientID", "SENSOR-PAT-99"},
    {"PatientBirthDate", "19500101"},
    {"PatientSex", "M"},
    {"PatientAge", "076Y"},
    {"PatientComments", "SENSOR-COMMENT"},
    {"StudyInstanceUID", "1.2.826.0.1.999.1"},
    {"SeriesInstanceUID", "1.2.826.0.1.999.2"},
    {"AccessionNumber", "SENSOR-ACC-1"},
    {"StudyID", "SENSOR-STUDY"},
    {"InstitutionName", "Sensor Clinic"},
    {"StationName", "SENSOR-PC"},
};

void put(DcmDataset& ds, const char* keyword, const char* value) {
    DcmTag tag;
    REQUIRE(DcmTag::findTagFromName(keyword, tag).good());
    REQUIRE(ds.putAndInsertOFStringArray(tag, value).good());
}

// An intraoral DICOM file as sensor software writes it: an IO object of a
// 16-bit image, then the sensor's own attributes and another patient.
fs::path sensor_file(const fs::path& dir) {
    const fs::path png = dir / "sensor.png";
    test::write_bytes(png, encode_png(test::gray16_ramp(96, 64, 200, 4000)));
    const auto base = dicom::write_instance(test::dicom_input(png, "D0274"), dir / "base");
    DcmFileFormat file;
    REQUIRE(file.loadFile(base.file.c_str()).good());
    DcmDataset& ds = *file.getDataset();
    for (const auto& [k, v] : kSensorSays) put(ds, k, v);
    for (const auto& [k, v] : kSensorPatient) put(ds, k, v);
    put(ds, "SOPInstanceUID", "1.2.826.0.1.999.3");
    put(ds, "DistanceSourceToDetector", "far away");  // not a decimal string: stays behind
    const fs::path out = dir / "from-sensor.dcm";
    REQUIRE(file.saveFile(out.c_str(), EXS_LittleEndianExplicit, EET_ExplicitLength, EGL_recalcGL, EPD_noChange, 0, 0,
                          EWM_updateMeta)
                .good());
    return out;
}

}  // namespace

TEST_CASE("a sensor's DICOM file passes its equipment and exposure through, never its patient or UIDs") {
    test::TempDir dir, store_dir, out;
    const fs::path sensor = sensor_file(dir.path());

    // Capture keeps the sensor's file as it is; the archive's object is made from that copy.
    OfflineStore store(store_dir.path());
    store.set_setting(kSettingLocationId, "loc-1");
    const auto images = store.images_of(store.capture(test::capture_request(sensor)));
    REQUIRE(images.size() == 1);
    const fs::path kept = store.image_path(images[0]);
    CHECK(fsx::read_file(kept) == fsx::read_file(sensor));

    SECTION("an intraoral X-ray keeps the sensor's attributes, with the online patient and our UIDs") {
        const auto in = test::dicom_input(kept, "D0274");
        const auto inst = dicom::write_instance(in, out.path());
        const test::DicomFile f(inst.file);
        for (const auto& [k, v] : kSensorSays) {
            INFO(k);
            CHECK(f.get(k) == v);
        }
        CHECK(f.get("Modality") == "IO");
        CHECK(f.get("DistanceSourceToDetector").empty());

        CHECK(f.get("PatientID") == "pat-online-7");
        CHECK(f.get("PatientName") == "Reyes-Online^Ana");
        CHECK(f.get("PatientBirthDate") == "19840309");
        CHECK(f.get("PatientSex") == "F");
        CHECK(f.get("PatientAge").empty());
        CHECK(f.get("PatientComments").empty());
        CHECK(f.get("StudyInstanceUID") == dicom::uid_from_uuid(in.procedure.uuid));
        CHECK(f.get("SeriesInstanceUID") == dicom::derived_uid(in.procedure.uuid, "series IO"));
        CHECK(f.get("SOPInstanceUID") == dicom::uid_from_uuid(in.image.uuid));
        CHECK(f.get("MediaStorageSOPInstanceUID") == dicom::uid_from_uuid(in.image.uuid));
        CHECK(f.get("AccessionNumber").empty());
        CHECK(f.get("StudyID").empty());
        CHECK(f.get("InstitutionName") == "Main Street Dental");
        CHECK(f.get("StationName") == "OP-1");

        // Wrong-patient safety: not a byte of the sensor's patient or UIDs anywhere in the file.
        const auto file = fsx::read_file(inst.file);
        const std::string bytes(file.begin(), file.end());
        for (const char* leak : {"SENSOR", "Wrongpatient", "19500101", "076Y", "1.2.826.0.1.999", "Sensor Clinic"}) {
            INFO(leak);
            CHECK(bytes.find(leak) == std::string::npos);
        }
        std::string report;
        const auto errors = test::dciodvfy_errors(inst.file, &report);
        INFO(report);
        CHECK(errors.empty());
    }

    SECTION("a photograph takes the equipment, not the X-ray attributes, and says its own modality") {
        const auto inst = dicom::write_instance(test::dicom_input(kept, "D0350"), out.path());
        const test::DicomFile f(inst.file);
        CHECK(f.get("Manufacturer") == "Acme Dental Imaging");
        CHECK(f.get("DeviceSerialNumber") == "SN-445566");
        for (const char* k : kXrayOnly) {
            INFO(k);
            CHECK(f.get(k).empty());
        }
        CHECK(f.get("Modality") == "XC");  // the sensor's IO is no photograph's modality
        CHECK(f.get("PatientID") == "pat-online-7");
        std::string report;
        const auto errors = test::dciodvfy_errors(inst.file, &report);
        INFO(report);
        CHECK(errors.empty());
    }

    SECTION("a PNG passes nothing through: the object says ChairSync made it") {
        const auto inst = dicom::write_instance(test::dicom_input(dir / "sensor.png", "D0274"), out.path());
        const test::DicomFile f(inst.file);
        CHECK(f.get("Manufacturer") == "ChairSync");
        CHECK(f.get("KVP").empty());
    }
}

TEST_CASE("the attributes a DICOM file passes through are the table of docs/dicom.md") {
    std::ifstream doc(fs::path(CHAIRSYNC_SOURCE_DIR) / "docs" / "dicom.md");
    REQUIRE(doc);
    // Rows of the table under "## From a DICOM file": | `KVP` | (0018,0060) | X-ray |
    std::vector<std::pair<std::string, bool>> documented;
    bool in_section = false;
    for (std::string line; std::getline(doc, line);) {
        if (line.rfind("## ", 0) == 0) in_section = line == "## From a DICOM file";
        if (!in_section || line.rfind("| `", 0) != 0) continue;
        const auto end = line.find('`', 3);
        REQUIRE(end != std::string::npos);
        documented.emplace_back(line.substr(3, end - 3), line.find("| X-ray |") != std::string::npos);
    }
    std::vector<std::pair<std::string, bool>> coded;
    for (const auto& a : dicom::passed_through_attributes()) coded.emplace_back(a.keyword, a.xray_only);
    CHECK(documented == coded);
    for (const auto& [keyword, xray] : coded) {
        INFO(keyword);
        DcmTag tag;
        CHECK(DcmTag::findTagFromName(keyword.c_str(), tag).good());
    }
}
