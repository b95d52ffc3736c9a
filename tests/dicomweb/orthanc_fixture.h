#pragma once
// What the DICOMweb tests share: one real Orthanc per test run (each test
// uses studies of its own), DICOM files made with DCMTK's command-line tools,
// clients of that Orthanc, and reading back through Orthanc's own REST API.
#include <catch2/catch.hpp>

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/dicomweb/stow_client.h"
#include "tests/support/orthanc.h"
#include "tests/support/test_support.h"

namespace cs::test {

// The running Orthanc, started at first use and stopped when the tests end;
// nullptr when it is not installed (the caller skips, saying why).
Orthanc* shared_orthanc();

// A test returns early with a warning when Orthanc is not installed.
#define CS_NEED_ORTHANC(var)                                                                          \
    ::cs::test::Orthanc* var = ::cs::test::shared_orthanc();                                           \
    if (!var) {                                                                                        \
        WARN("skipped: Orthanc is not installed (" << ::cs::test::Orthanc::missing() << "); ./dev installs it"); \
        return;                                                                                        \
    }

// A fresh DICOM UID under the 2.25 root.
std::string test_uid();

struct TestInstance {
    dicomweb::StowPart part;
    dicomweb::ExpectedInstance expected;
};

// A grey JPEG of width x height wrapped into a DICOM file by img2dcm
// (DCMTK), with this patient and these UIDs (a new SOPInstanceUID).
TestInstance make_instance(const fs::path& dir, const std::string& patient_id, const std::string& study,
                           const std::string& series, int width = 64, int height = 48);
// One study of `n` instances for a new patient id, the first series holding
// the first half, a second series the rest.
std::vector<TestInstance> make_study(const fs::path& dir, int n);
std::vector<dicomweb::StowPart> parts_of(const std::vector<TestInstance>& v);

// A client of `url` (default: the Orthanc's DICOMweb root) with its
// credentials and test-sized timeouts.
dicomweb::ArchiveConfig archive_config(Orthanc& o, const std::string& url = {});

// Orthanc's own view, through its REST API.
std::optional<std::string> orthanc_id(Orthanc& o, const std::string& dicom_uid);  // /tools/lookup
int instances_in_study(Orthanc& o, const std::string& study_uid);                // 0 when it has no such study
nlohmann::json instance_tags(Orthanc& o, const std::string& sop_instance_uid);  // simplified tags

}  // namespace cs::test
