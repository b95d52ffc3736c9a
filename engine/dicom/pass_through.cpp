// What a sensor's DICOM file passes through to the archive: the table of
// docs/dicom.md ("From a DICOM file"), here as data; tests/dicom checks that
// the two agree. Only attributes of the equipment and the exposure: the
// patient module and every UID always come from ChairSync (the online
// patient, our uuids), so a file written under another patient can never
// carry that patient into the archive.
#include "engine/dicom/pass_through.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dctk.h>

#include <cstring>

#include "engine/util/error.h"
#include "engine/util/text.h"

namespace cs::dicom {

namespace {

constexpr PassedAttribute kPassed[] = {
    // When the sensor says the image was taken (the procedure's time is the fallback).
    {"AcquisitionDate", false},
    {"AcquisitionTime", false},
    {"AcquisitionDateTime", false},
    // The equipment.
    {"Manufacturer", false},
    {"ManufacturerModelName", false},
    {"DeviceSerialNumber", false},
    {"SoftwareVersions", false},
    {"DateOfLastCalibration", false},
    {"TimeOfLastCalibration", false},
    // The exposure (X-ray classes only).
    {"KVP", true},
    {"ExposureTime", true},
    {"ExposureTimeInuS", true},
    {"XRayTubeCurrent", true},
    {"XRayTubeCurrentInuA", true},
    {"Exposure", true},
    {"ExposureInuAs", true},
    {"DistanceSourceToDetector", true},
    {"DistanceSourceToPatient", true},
    {"FocalSpots", true},
    {"FilterType", true},
    {"RelativeXRayExposure", true},
    {"ExposureIndex", true},
    {"TargetExposureIndex", true},
    {"DeviationIndex", true},
    {"Sensitivity", true},
    {"AcquisitionDeviceProcessingDescription", true},
    {"AcquisitionDeviceProcessingCode", true},
    // The detector and the size of its pixels (X-ray classes only).
    {"DetectorType", true},
    {"DetectorConfiguration", true},
    {"DetectorDescription", true},
    {"DetectorID", true},
    {"DetectorManufacturerName", true},
    {"DetectorManufacturerModelName", true},
    {"DateOfLastDetectorCalibration", true},
    {"TimeOfLastDetectorCalibration", true},
    {"DetectorBinning", true},
    {"DetectorElementPhysicalSize", true},
    {"DetectorElementSpacing", true},
    {"ImagerPixelSpacing", true},
};

// Modalities a class may say (PS3.3 DX and IO Series modules, VL Photographic).
bool modality_allowed(const ImageClass& k, const std::string& m) {
    switch (k.family) {
        case Family::intraoral: return m == "IO";
        case Family::panoramic:
        case Family::cephalometric: return m == "PX" || m == "DX";
        case Family::photo: return m == "XC";
    }
    return false;
}

bool is_text(DcmEVR vr) {
    switch (vr) {
        case EVR_SH: case EVR_LO: case EVR_ST: case EVR_LT: case EVR_UT: case EVR_UC: case EVR_PN: return true;
        default: return false;
    }
}

}  // namespace

std::vector<PassedAttribute> passed_through_attributes() { return {std::begin(kPassed), std::end(kPassed)}; }

void pass_through(DcmDataset& source, DcmDataset& out, const ImageClass& klass) {
    // Text comes over as UTF-8 (the object says ISO_IR 192). A character set
    // DCMTK cannot convert leaves non-ASCII text behind, checked below.
    OFString charset;
    if (source.findAndGetOFStringArray(DCM_SpecificCharacterSet, charset).good() && !charset.empty() &&
        charset != "ISO_IR 192" && charset != "ISO_IR 6")
        source.convertToUTF8();
    for (const PassedAttribute& a : kPassed) {
        if (a.xray_only && !klass.xray()) continue;
        DcmTag tag;
        if (DcmTag::findTagFromName(a.keyword, tag).bad())
            throw Error("The DICOM object could not be made.", std::string("no DICOM keyword ") + a.keyword);
        DcmElement* e = nullptr;
        if (source.findAndGetElement(tag, e).bad() || !e || e->getLength() == 0) continue;
        // A value the sensor wrote against its VR (too long, wrong characters)
        // would make the archive's copy invalid: such a value stays behind.
        if (e->checkValue("1-n").bad()) continue;
        if (is_text(e->getVR())) {
            OFString v;
            if (e->getOFStringArray(v).bad() || !is_valid_utf8(std::string(v.c_str(), v.length()))) continue;
        }
        if (out.insert(OFstatic_cast(DcmElement*, e->clone()), true).bad())
            throw Error("The DICOM object could not be made.", std::string("insert ") + a.keyword);
    }
    OFString modality;
    if (source.findAndGetOFString(DCM_Modality, modality).good() && modality_allowed(klass, modality.c_str()))
        out.putAndInsertOFStringArray(DCM_Modality, modality);
}

}  // namespace cs::dicom
