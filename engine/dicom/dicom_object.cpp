// One DICOM Part-10 file per offline image, written by DCMTK: docs/dicom.md
// says which attributes come from where.
#include "engine/dicom/dicom_object.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dctk.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "engine/dicom/pass_through.h"
#include "engine/dicom/pixels.h"
#include "engine/image/dicom_read.h"
#include "engine/store/offline_store.h"
#include "engine/util/error.h"
#include "engine/util/fsutil.h"
#include "engine/util/text.h"

namespace cs::dicom {

namespace {

namespace fs = std::filesystem;

// What each family says about its anatomy and detector (docs/dicom.md,
// "X-ray attributes"). The spacing is nominal, used only when the file does
// not state its own: the DX detector module requires one.
struct FamilyFacts {
    const char* laterality;   // Image Laterality: R, L, U or B
    const char* orientation;  // Patient Orientation: rows \\ columns, as dentists mount the image
    const char* region_code;
    const char* region_meaning;
    bool region_both_sides;   // intraoral: a region modifier (or the teeth) is required
    double nominal_spacing_mm;
    const char* positioner;   // "" for none stated
};

FamilyFacts facts_of(Family f) {
    switch (f) {
        case Family::intraoral: return {"B", "L\\F", "T-D1217", "Maxilla and mandible", true, 0.02, "NONE"};
        case Family::panoramic: return {"B", "L\\F", "T-D1217", "Maxilla and mandible", false, 0.1, ""};
        case Family::cephalometric: return {"U", "A\\F", "T-D1100", "Head", false, 0.1, "CEPHALOSTAT"};
        case Family::photo: return {"", "", "", "", false, 0, ""};
    }
    return {};
}

// Text for a DICOM string of `max_chars`: no backslash (the value
// separator) and no control characters, cut at a character boundary.
std::string value_text(std::string_view s, size_t max_chars, bool person_name = false) {
    std::string out;
    for (char c : s) {
        const bool control = static_cast<unsigned char>(c) < 0x20 || c == 0x7F;
        const bool reserved = c == '\\' || (person_name && (c == '^' || c == '='));
        out += (control || reserved) ? ' ' : c;
    }
    return fit_text(out, max_chars);
}

// "Family^Given"; a provider's name is one display string, kept whole as the family part.
std::string person_name(std::string_view family, std::string_view given = {}) {
    std::string pn = value_text(family, 64, true);
    if (!given.empty()) pn += "^" + value_text(given, 64, true);
    return pn;
}

std::string dicom_sex(std::string_view s) {
    std::string lower;
    for (char c : s) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "m" || lower == "male") return "M";
    if (lower == "f" || lower == "female") return "F";
    if (lower == "o" || lower == "other") return "O";
    return "";
}

struct LocalTime {
    std::string date, time, offset;  // DA, TM, "+HHMM"
};

// The capture's UTC time as the workstation's local date and time with their
// offset: what a viewer shows is the clock time at the chair.
LocalTime local_time_of(const std::string& iso_utc) {
    std::tm t{};
    int fields = std::sscanf(iso_utc.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &t.tm_year, &t.tm_mon, &t.tm_mday,
                             &t.tm_hour, &t.tm_min, &t.tm_sec);
    if (fields != 6)
        throw Error("The procedure's acquisition time \"" + iso_utc + "\" is not a date and time.",
                    "acquired_at not ISO 8601");
    t.tm_year -= 1900;
    t.tm_mon -= 1;
    const std::time_t when = timegm(&t);
    std::tm local{};
    localtime_r(&when, &local);
    char date[16], time[16], offset[16];
    std::strftime(date, sizeof date, "%Y%m%d", &local);
    std::strftime(time, sizeof time, "%H%M%S", &local);
    const long minutes = local.tm_gmtoff / 60;
    // Offsets are within ±14 h; the clamp tells the compiler the text is 5 characters.
    const int hours = int(std::min(std::labs(minutes) / 60, 99L)), rest = int(std::labs(minutes) % 60);
    std::snprintf(offset, sizeof offset, "%c%02d%02d", minutes < 0 ? '-' : '+', hours, rest);
    return {date, time, offset};
}

std::string decimal_string(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

// Every put goes through here: DCMTK reports a bad value as a condition,
// which must stop the object rather than leave the attribute out.
void put(DcmItem& item, const DcmTagKey& tag, const std::string& value) {
    const OFCondition c = item.putAndInsertOFStringArray(tag, value.c_str());
    if (c.bad())
        throw Error("The DICOM object could not be made.", std::string("put ") + DcmTag(tag).getTagName() + ": " + c.text());
}

DcmItem& put_code(DcmItem& parent, const DcmTagKey& sequence, const char* value, const char* scheme,
                  const char* meaning) {
    DcmItem* item = nullptr;
    if (parent.findOrCreateSequenceItem(sequence, item, -2).bad() || !item)
        throw Error("The DICOM object could not be made.", "sequence item");
    put(*item, DCM_CodeValue, value);
    put(*item, DCM_CodingSchemeDesignator, scheme);
    put(*item, DCM_CodeMeaning, meaning);
    return *item;
}

void check(const OFCondition& c, const std::string& what) {
    if (c.bad()) throw Error("The DICOM object could not be made.", what + ": " + c.text());
}

// Binary attributes (US, SS) take numbers, not text.
void put_us(DcmItem& item, const DcmTagKey& tag, int value) {
    check(item.putAndInsertUint16(tag, static_cast<Uint16>(value)), DcmTag(tag).getTagName());
}

}  // namespace

Instance write_instance(const InstanceInput& in, const fs::path& out_dir) {
    const auto klass = class_for_code(in.procedure.code);
    if (!klass)
        throw Error("The procedure code " + in.procedure.code +
                        " has no DICOM class yet, so its images cannot go to the image archive. "
                        "Ask your IT person to add it to ChairSync's table (docs/dicom.md).",
                    "no DICOM class for " + in.procedure.code);
    if (in.patient.id.empty() || utf8_chars(in.patient.id) > 64 || in.patient.id.find('\\') != std::string::npos)
        throw Error("The online patient's id \"" + in.patient.id +
                        "\" cannot be written into a DICOM object (it must be 1 to 64 characters, without \\).",
                    "patient id not LO");

    Instance out;
    out.sop_class_uid = klass->sop_class_uid;
    out.modality = klass->modality;
    out.sop_instance_uid = uid_from_uuid(in.image.uuid);
    out.study_instance_uid = uid_from_uuid(in.procedure.uuid);
    out.series_instance_uid = derived_uid(in.procedure.uuid, std::string("series ") + klass->modality);

    const std::vector<uint8_t> bytes = fsx::read_file(in.image_file, kMaxImageFileBytes);
    const std::string name = in.image_file.filename().string();
    const Pixels px = prepare_pixels(bytes, name, klass->xray());
    const LocalTime when = local_time_of(in.procedure.acquired_at);

    DcmFileFormat file;
    DcmDataset& ds = *file.getDataset();
    put(ds, DCM_SpecificCharacterSet, "ISO_IR 192");  // UTF-8: names as the practice has them
    put(ds, DCM_ImageType, px.derivation.empty() ? "ORIGINAL\\PRIMARY" : "DERIVED\\PRIMARY");
    put(ds, DCM_SOPClassUID, out.sop_class_uid);
    put(ds, DCM_SOPInstanceUID, out.sop_instance_uid);
    for (const DcmTagKey& tag : {DCM_StudyDate, DCM_SeriesDate, DCM_AcquisitionDate, DCM_ContentDate})
        put(ds, tag, when.date);
    for (const DcmTagKey& tag : {DCM_StudyTime, DCM_SeriesTime, DCM_AcquisitionTime, DCM_ContentTime})
        put(ds, tag, when.time);
    put(ds, DCM_AcquisitionDateTime, when.date + when.time + when.offset);
    put(ds, DCM_TimezoneOffsetFromUTC, when.offset);
    put(ds, DCM_AccessionNumber, "");
    put(ds, DCM_Modality, out.modality);
    put(ds, DCM_Manufacturer, "ChairSync");
    put(ds, DCM_InstitutionName, value_text(in.institution, 64));
    put(ds, DCM_ReferringPhysicianName, in.provider.name.empty() ? "" : person_name(in.provider.name));
    put(ds, DCM_StationName, value_text(in.station, 16));
    put(ds, DCM_StudyDescription, value_text(in.procedure.name, 64));
    put_code(ds, DCM_ProcedureCodeSequence, in.procedure.code.c_str(), "CDT",
             value_text(in.procedure.name.empty() ? in.procedure.code : in.procedure.name, 64).c_str());
    put(ds, DCM_SeriesDescription, value_text(in.procedure.name, 64));
    if (!in.provider.name.empty()) put(ds, DCM_PerformingPhysicianName, person_name(in.provider.name));

    put(ds, DCM_PatientName, person_name(in.patient.last_name, in.patient.first_name));
    put(ds, DCM_PatientID, in.patient.id);
    const auto birth = parse_iso_date(in.patient.birth_date);
    put(ds, DCM_PatientBirthDate, birth ? birth->substr(0, 4) + birth->substr(5, 2) + birth->substr(8, 2) : "");
    put(ds, DCM_PatientSex, dicom_sex(in.patient_sex));

    put(ds, DCM_StudyInstanceUID, out.study_instance_uid);
    put(ds, DCM_SeriesInstanceUID, out.series_instance_uid);
    put(ds, DCM_StudyID, "");
    put(ds, DCM_SeriesNumber, "1");
    put(ds, DCM_InstanceNumber, std::to_string(in.image.seq));
    check(ds.insertEmptyElement(DCM_AcquisitionContextSequence), "acquisition context");
    put(ds, DCM_BurnedInAnnotation, "NO");
    if (!px.derivation.empty()) put(ds, DCM_DerivationDescription, px.derivation);

    if (klass->xray()) {
        const FamilyFacts f = facts_of(klass->family);
        put(ds, DCM_PresentationIntentType, "FOR PRESENTATION");
        put(ds, DCM_PixelIntensityRelationship, "LIN");
        check(ds.putAndInsertSint16(DCM_PixelIntensityRelationshipSign, 1), "PixelIntensityRelationshipSign");
        put(ds, DCM_RescaleIntercept, "0");
        put(ds, DCM_RescaleSlope, "1");
        put(ds, DCM_RescaleType, "US");
        put(ds, DCM_PresentationLUTShape, "IDENTITY");
        put(ds, DCM_WindowCenter, decimal_string((px.window.low + px.window.high + 1) / 2.0));
        put(ds, DCM_WindowWidth, decimal_string(px.window.high - px.window.low + 1.0));
        put(ds, DCM_PatientOrientation, f.orientation);
        put(ds, DCM_ImageLaterality, f.laterality);
        DcmItem& region = put_code(ds, DCM_AnatomicRegionSequence, f.region_code, "SRT", f.region_meaning);
        if (f.region_both_sides) put_code(region, DCM_AnatomicRegionModifierSequence, "51440002", "SCT", "Right and left");
        put(ds, DCM_DetectorType, "");
        const bool stated = px.spacing_row_mm > 0 && px.spacing_column_mm > 0;
        put(ds, DCM_ImagerPixelSpacing,
            stated ? decimal_string(px.spacing_row_mm) + "\\" + decimal_string(px.spacing_column_mm)
                   : decimal_string(f.nominal_spacing_mm) + "\\" + decimal_string(f.nominal_spacing_mm));
        if (*f.positioner) put(ds, DCM_PositionerType, f.positioner);
    } else {
        // Photographs: which side is not known (empty, not absent: PS3.3 General Series),
        // nor which way the camera was held.
        put(ds, DCM_Laterality, "");
        put(ds, DCM_PatientOrientation, "");
    }

    // A sensor's DICOM file: its equipment, exposure and detector attributes
    // replace ours (docs/dicom.md, "From a DICOM file"); never its patient or UIDs.
    if (is_dicom(bytes))
        with_dicom_dataset(bytes, name, [&](DcmDataset& source) { pass_through(source, ds, *klass); });

    put_us(ds, DCM_SamplesPerPixel, px.samples);
    put(ds, DCM_PhotometricInterpretation, px.photometric);
    if (px.samples == 3) put_us(ds, DCM_PlanarConfiguration, 0);
    put_us(ds, DCM_Rows, px.rows);
    put_us(ds, DCM_Columns, px.columns);
    put_us(ds, DCM_BitsAllocated, px.bits_allocated);
    put_us(ds, DCM_BitsStored, px.bits_stored);
    put_us(ds, DCM_HighBit, px.bits_stored - 1);
    put_us(ds, DCM_PixelRepresentation, 0);
    put(ds, DCM_LossyImageCompression, px.lossy ? "01" : "00");
    if (px.lossy) {
        put(ds, DCM_LossyImageCompressionRatio, decimal_string(px.lossy_ratio));
        put(ds, DCM_LossyImageCompressionMethod, "ISO_10918_1");
    }

    E_TransferSyntax xfer = EXS_LittleEndianExplicit;
    if (px.encapsulation != Encapsulation::none) {
        xfer = px.encapsulation == Encapsulation::jpeg_baseline ? EXS_JPEGProcess1 : EXS_JPEGProcess2_4;
        auto* sequence = new DcmPixelSequence(DCM_PixelSequenceTag);
        sequence->insert(new DcmPixelItem(DCM_PixelItemTag));  // an empty basic offset table: one frame
        DcmOffsetList offsets;
        check(sequence->storeCompressedFrame(offsets, const_cast<Uint8*>(px.jpeg.data()),
                                             static_cast<Uint32>(px.jpeg.size()), 0),
              "JPEG fragment");
        auto* pixel_data = new DcmPixelData(DCM_PixelData);
        pixel_data->putOriginalRepresentation(xfer, nullptr, sequence);
        check(ds.insert(pixel_data, true), "insert pixel data");
    } else if (px.bits_allocated == 16) {
        check(ds.putAndInsertUint16Array(DCM_PixelData, px.data16.data(), static_cast<unsigned long>(px.data16.size())),
              "pixel data");
    } else {
        check(ds.putAndInsertUint8Array(DCM_PixelData, px.data8.data(), static_cast<unsigned long>(px.data8.size())),
              "pixel data");
    }
    out.transfer_syntax = DcmXfer(xfer).getXferID();

    fsx::create_dirs_durable(out_dir);
    out.file = out_dir / (in.image.uuid + ".dcm");
    fsx::write_file_durable(out.file, [&](const fs::path& tmp) {
        errno = 0;
        const OFCondition c = file.saveFile(tmp.c_str(), xfer, EET_ExplicitLength, EGL_recalcGL, EPD_noChange, 0, 0,
                                            EWM_createNewMeta);
        if (c.bad()) {
            // DCMTK says only that writing failed; the errno it left says why.
            const int err = errno;
            if (err != 0) throw_io_error("write", tmp.string(), err);
            throw Error("The DICOM file " + out.file.string() + " could not be written.", c.text());
        }
    });
    std::error_code ec;
    out.bytes = fs::file_size(out.file, ec);
    return out;
}

}  // namespace cs::dicom
