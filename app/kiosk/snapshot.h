#pragma once
// What the engine worker publishes for the screens: an immutable value,
// swapped whole under a mutex and read once per frame. A screen never sees a
// half-updated state and never waits for the engine.
#include <cstdint>
#include <string>
#include <vector>

#include "engine/store/records.h"

namespace cs::kiosk {

enum class ServerStatus { not_configured, checking, online, offline };
const char* to_string(ServerStatus s);

struct Snapshot {
    uint64_t version = 0;  // +1 on every publish

    // The offline store.
    bool store_loaded = false;     // the first read finished (successfully or not)
    std::string store_dir;
    std::string workstation;
    std::vector<PatientSummary> patients;  // with pending or failed procedures

    // The practice server.
    ServerStatus server = ServerStatus::not_configured;
    std::string server_url;

    // Something the worker is doing that takes a while ("Preparing the demo…"), or empty.
    std::string busy;
    // The last problem, a sentence for the person at the chair (cs::Error::what()), or empty.
    std::string error;
};

}  // namespace cs::kiosk
