#pragma once
// DICOM Part-10 objects of the offline images (docs/dicom.md): one file per
// image, written by DCMTK. Every UID comes from our uuids, so a retry days
// later writes the very same instance, and the patient module comes from the
// online patient chosen in Patient Match, never from the offline entry.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/api/codec.h"
#include "engine/store/records.h"

namespace cs::dicom {

// "2.25.<uuid as an unsigned decimal integer>" (at most 44 characters).
// Throws cs::Error when `uuid` is not a uuid.
std::string uid_from_uuid(std::string_view uuid);
// A UID for something named by a uuid and a word (the series of a procedure
// and a modality): a name-based uuid (version 8, from SHA-256 of both), as a
// 2.25 UID. The same inputs always give the same UID.
std::string derived_uid(std::string_view uuid, std::string_view what);

// The kinds of image a procedure code may make (docs/dicom.md, "Which class").
enum class Family { intraoral, panoramic, cephalometric, photo };
const char* to_string(Family f);

struct ImageClass {
    Family family = Family::photo;
    const char* sop_class_uid = "";
    const char* sop_class_name = "";  // for messages and docs
    const char* modality = "";        // IO, PX, DX, XC
    bool xray() const { return family != Family::photo; }
};
// The class the table of docs/dicom.md gives a CDT code; nullopt for a code it does not name.
std::optional<ImageClass> class_for_code(std::string_view code);
struct CodeFamily {
    std::string code;
    Family family;
};
std::vector<CodeFamily> code_table();  // the whole table, in its order

// The attributes a DICOM file from a sensor passes through to the archive
// (docs/dicom.md, "From a DICOM file"), by DICOM keyword; xray_only: only
// into the X-ray classes (IO, PX, DX), not photographs.
struct PassedAttribute {
    const char* keyword;
    bool xray_only;
};
std::vector<PassedAttribute> passed_through_attributes();

struct Instance {
    std::string sop_class_uid, sop_instance_uid, study_instance_uid, series_instance_uid;
    std::filesystem::path file;
    std::uint64_t bytes = 0;
    std::string modality;         // IO, PX, DX or XC
    std::string transfer_syntax;  // its UID: explicit little endian, or JPEG as captured
};

// One offline image of one procedure, and who and where it belongs to online.
struct InstanceInput {
    api::Patient patient;          // the online patient chosen in Patient Match (id, names, birth date)
    std::string patient_sex;       // "M", "F" or "O" (any case, or the words); empty when unknown
    ProcedureRecord procedure;     // uuid, code, name, acquired_at (ISO 8601 UTC)
    ImageRecord image;             // uuid, seq
    std::filesystem::path image_file;  // the offline file: OfflineStore::image_path(image)
    api::Provider provider;        // from Imaging Options: referring and performing (empty name: none)
    std::string institution;       // the practice location's name
    std::string station;           // the workstation, e.g. "OP-1" (StationName keeps 16 characters)
};

// Writes <out_dir>/<image uuid>.dcm durably (temporary file, fsync, rename;
// out_dir is made if missing) and says what it holds. Throws cs::Error with
// a sentence: a code the table does not name, a patient id DICOM cannot
// carry, an image that cannot be read, a disk that is full.
Instance write_instance(const InstanceInput& in, const std::filesystem::path& out_dir);

}  // namespace cs::dicom
