#include "tests/dicom/dicom_test_helpers.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dctk.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>

#include <cstdlib>
#include <sstream>
#include <stdexcept>

#include "tests/support/test_support.h"

namespace cs::test {

dicom::InstanceInput dicom_input(const std::filesystem::path& file, const std::string& code) {
    dicom::InstanceInput in;
    in.patient = {"pat-online-7", "Ana", "Reyes-Online", "1984-03-09", std::nullopt};
    in.patient_sex = "F";
    in.procedure.uuid = "8c1f6a2e-3b4d-4e5f-9a0b-1c2d3e4f5a6b";
    in.procedure.patient_id = 3;
    in.procedure.code = code;
    in.procedure.name = "Imaging procedure " + code;
    in.procedure.acquired_at = "2026-12-06T15:04:05Z";
    in.image.uuid = "0f9e8d7c-6b5a-4948-8776-655443322110";
    in.image.procedure_uuid = in.procedure.uuid;
    in.image.seq = 2;
    in.image_file = file;
    in.provider = {"prov-1", "Dr. Sam Lee", true};
    in.institution = "Main Street Dental";
    in.station = "OP-1";
    return in;
}

CaptureRequest capture_request(const std::filesystem::path& file) {
    CaptureRequest r;
    r.first_name = "Maria";
    r.last_name = "Lopez";
    r.birth_date = "1984-03-09";
    r.code = "D0220";
    r.name = "Intraoral - periapical first radiographic image";
    r.images = {{file, ImageKind::radiograph, {}}};
    return r;
}

struct DicomFile::Impl {
    DcmFileFormat file;
};

DicomFile::DicomFile(const std::filesystem::path& file) : impl_(new Impl) {
    const OFCondition c = impl_->file.loadFile(file.c_str());
    if (c.bad()) {
        delete impl_;
        throw std::runtime_error("DCMTK cannot read " + file.string() + ": " + c.text());
    }
}

DicomFile::~DicomFile() { delete impl_; }

DcmDataset& DicomFile::dataset() const { return *impl_->file.getDataset(); }

std::string DicomFile::get(const char* keyword) const {
    DcmTag tag;
    if (DcmTag::findTagFromName(keyword, tag).bad()) throw std::runtime_error(std::string("no tag ") + keyword);
    OFString value;
    if (dataset().findAndGetOFStringArray(tag, value).bad()) {
        DcmItem* meta = impl_->file.getMetaInfo();
        if (meta->findAndGetOFStringArray(tag, value).bad()) return {};
    }
    return value.c_str();
}

std::string DicomFile::transfer_syntax() const { return get("TransferSyntaxUID"); }

std::vector<uint8_t> DicomFile::pixels8() const {
    const Uint8* p = nullptr;
    unsigned long n = 0;
    if (dataset().findAndGetUint8Array(DCM_PixelData, p, &n).bad() || !p) return {};
    return std::vector<uint8_t>(p, p + n);
}

std::vector<uint16_t> DicomFile::pixels16() const {
    const Uint16* p = nullptr;
    unsigned long n = 0;
    if (dataset().findAndGetUint16Array(DCM_PixelData, p, &n).bad() || !p) return {};
    return std::vector<uint16_t>(p, p + n);
}

std::vector<uint8_t> DicomFile::jpeg_fragment() const {
    DcmElement* element = nullptr;
    if (dataset().findAndGetElement(DCM_PixelData, element).bad()) return {};
    DcmPixelSequence* sequence = nullptr;
    E_TransferSyntax xfer = DcmXfer(transfer_syntax().c_str()).getXfer();
    if (static_cast<DcmPixelData*>(element)->getEncapsulatedRepresentation(xfer, nullptr, sequence).bad() ||
        !sequence || sequence->card() != 2)
        return {};
    DcmPixelItem* item = nullptr;
    Uint8* data = nullptr;
    if (sequence->getItem(item, 1).bad() || item->getUint8Array(data).bad() || !data) return {};
    return std::vector<uint8_t>(data, data + item->getLength());
}

std::vector<std::string> dciodvfy_errors(const std::filesystem::path& file, std::string* all_output) {
    std::string program;
    const char* path = std::getenv("PATH");
    std::istringstream dirs(path ? path : "/usr/bin");
    for (std::string dir; std::getline(dirs, dir, ':');)
        if (!dir.empty() && std::filesystem::exists(std::filesystem::path(dir) / "dciodvfy")) {
            program = (std::filesystem::path(dir) / "dciodvfy").string();
            break;
        }
    if (program.empty()) return {"Error - dciodvfy is not installed (Debian dicom3tools; ./dev installs it)"};
    const ProcessResult r = run_process({program, file.string()});
    const std::string text = r.out + r.err;
    if (all_output) *all_output = text;
    std::vector<std::string> errors;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);)
        if (line.rfind("Error", 0) == 0) errors.push_back(line);
    if (r.exit_code != 0 && errors.empty() && r.exit_code != 1)
        errors.push_back("Error - dciodvfy exited with " + std::to_string(r.exit_code) + ": " + text);
    return errors;
}

}  // namespace cs::test
