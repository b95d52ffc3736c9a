#pragma once
// What the DICOM tests share: an input made from a test file, reading an
// object back with DCMTK, and dciodvfy's verdict.
#include <filesystem>
#include <string>
#include <vector>

#include "engine/dicom/dicom_object.h"
#include "engine/store/offline_store.h"
#include "tests/support/test_support.h"

class DcmDataset;

namespace cs::test {

// Runs the rest of a test only with ../shared/testdata present.
#define NEED_TESTDATA(var)                                                \
    const auto var##_opt = ::cs::test::shared_testdata();                 \
    if (!var##_opt) {                                                     \
        WARN("../shared/testdata is absent (set CHAIRSYNC_SHARED_DIR)"); \
        return;                                                           \
    }                                                                     \
    const std::filesystem::path var = *var##_opt

inline std::filesystem::path dental(const std::filesystem::path& testdata, const char* name) {
    return testdata / "dental" / name;
}

// An input for `file` under a procedure with `code`: the online patient is
// "Ana Reyes-Online" (id pat-online-7), deliberately unlike any offline name.
dicom::InstanceInput dicom_input(const std::filesystem::path& file, const std::string& code);

// Capturing one radiograph `file` (a D0220 for the offline patient Maria Lopez).
CaptureRequest capture_request(const std::filesystem::path& file);

// A string attribute of a written object, read back with DCMTK ("" when absent).
struct DicomFile {
    explicit DicomFile(const std::filesystem::path& file);
    ~DicomFile();
    std::string get(const char* keyword) const;  // by keyword, e.g. "PatientID"
    std::string transfer_syntax() const;
    std::vector<uint8_t> pixels8() const;    // native 8-bit pixel data
    std::vector<uint16_t> pixels16() const;  // native 16-bit pixel data
    std::vector<uint8_t> jpeg_fragment() const;  // the one fragment of encapsulated pixel data
    DcmDataset& dataset() const;

private:
    struct Impl;
    Impl* impl_;
};

// The "Error" lines dciodvfy prints for `file` (empty: valid), or one line
// saying dciodvfy is missing (./dev installs dicom3tools).
std::vector<std::string> dciodvfy_errors(const std::filesystem::path& file, std::string* all_output = nullptr);

}  // namespace cs::test
