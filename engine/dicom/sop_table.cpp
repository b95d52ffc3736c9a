// Which DICOM class each procedure code makes: the table of docs/dicom.md
// ("Which class"), here as data. tests/dicom checks that the two agree.
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcuid.h>

#include "engine/dicom/dicom_object.h"

namespace cs::dicom {

namespace {

struct CodeRow {
    const char* code;
    Family family;
};

// CDT codes of the imaging procedures: intraoral series, periapicals,
// occlusals and bitewings (with their "image capture only" twins), panoramic,
// cephalometric, photographs.
constexpr CodeRow kCodes[] = {
    {"D0210", Family::intraoral},     {"D0220", Family::intraoral},     {"D0230", Family::intraoral},
    {"D0240", Family::intraoral},     {"D0270", Family::intraoral},     {"D0272", Family::intraoral},
    {"D0273", Family::intraoral},     {"D0274", Family::intraoral},     {"D0277", Family::intraoral},
    {"D0706", Family::intraoral},     {"D0707", Family::intraoral},     {"D0708", Family::intraoral},
    {"D0709", Family::intraoral},     {"D0330", Family::panoramic},     {"D0701", Family::panoramic},
    {"D0340", Family::cephalometric}, {"D0702", Family::cephalometric}, {"D0350", Family::photo},
    {"D0703", Family::photo},
};

}  // namespace

const char* to_string(Family f) {
    switch (f) {
        case Family::intraoral: return "intraoral";
        case Family::panoramic: return "panoramic";
        case Family::cephalometric: return "cephalometric";
        case Family::photo: return "photo";
    }
    return "?";
}

std::vector<CodeFamily> code_table() {
    std::vector<CodeFamily> rows;
    for (const CodeRow& row : kCodes) rows.push_back({row.code, row.family});
    return rows;
}

std::optional<ImageClass> class_for_code(std::string_view code) {
    for (const CodeRow& row : kCodes) {
        if (code != row.code) continue;
        switch (row.family) {
            case Family::intraoral:
                return ImageClass{row.family, UID_DigitalIntraOralXRayImageStorageForPresentation,
                                  "Digital Intra-Oral X-Ray Image Storage - For Presentation", "IO"};
            case Family::panoramic:
                return ImageClass{row.family, UID_DigitalXRayImageStorageForPresentation,
                                  "Digital X-Ray Image Storage - For Presentation", "PX"};
            case Family::cephalometric:
                return ImageClass{row.family, UID_DigitalXRayImageStorageForPresentation,
                                  "Digital X-Ray Image Storage - For Presentation", "DX"};
            case Family::photo:
                return ImageClass{row.family, UID_VLPhotographicImageStorage, "VL Photographic Image Storage", "XC"};
        }
    }
    return std::nullopt;
}

}  // namespace cs::dicom
