#pragma once
// spawn() lives in loopback/spawn.h (the bench and the demo start Orthanc with it too).
#include "loopback/spawn.h"

namespace cs::test {
using loopback::spawn;
using loopback::SpawnOptions;
}  // namespace cs::test
