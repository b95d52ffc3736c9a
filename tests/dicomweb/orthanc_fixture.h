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

// A fresh DICOM UID under the 2.25 root (for instances never sent).
std::string test_uid();

struct TestInstance {
    dicomweb::StowPart part;
    dicomweb::ExpectedInstance expected;
};

// One offline image of width x height (8-bit grey PNG) of procedure
// `procedure_uuid`, written as a DICOM object by the engine's encoder
// (cs::dicom::write_instance, docs/dicom.md) for this online patient; `code`
// picks its class and so its series (D0220: IO, D0350: XC).
TestInstance make_instance(const fs::path& dir, const std::string& patient_id, const std::string& procedure_uuid,
                           const std::string& code, int width = 64, int height = 48);
// One study (a procedure) of `n` instances for a new patient id: the first
// half radiographs, the rest photos (a second series).
std::vector<TestInstance> make_study(const fs::path& dir, int n);
std::vector<dicomweb::StowPart> parts_of(const std::vector<TestInstance>& v);

// A client of `url` (default: the Orthanc's DICOMweb root) with its
// credentials and test-sized timeouts.
dicomweb::ArchiveConfig archive_config(Orthanc& o, const std::string& url = {});

}  // namespace cs::test
