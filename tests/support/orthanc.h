#pragma once
// The real Orthanc the DICOMweb tests start lives in loopback/orthanc.h, shared
// with the bench (bench/bench_stow.cpp) and `chairsync --demo --pacs`. Here:
// one per test run for the tests of any area (tests/dicomweb, the kiosk's
// worker), and reading back through Orthanc's own REST API.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "loopback/orthanc.h"

namespace cs::test {
using loopback::free_loopback_port;
using loopback::Orthanc;

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

// Orthanc's own view, through its REST API.
std::optional<std::string> orthanc_id(Orthanc& o, const std::string& dicom_uid);  // /tools/lookup
int instances_in_study(Orthanc& o, const std::string& study_uid);                // 0 when it has no such study
nlohmann::json instance_tags(Orthanc& o, const std::string& sop_instance_uid);  // simplified tags

}  // namespace cs::test
