#pragma once
// The real Orthanc the DICOMweb tests start lives in loopback/orthanc.h, shared
// with the bench (bench/bench_stow.cpp) and `chairsync --demo --pacs`.
#include "loopback/orthanc.h"

namespace cs::test {
using loopback::free_loopback_port;
using loopback::Orthanc;
}  // namespace cs::test
