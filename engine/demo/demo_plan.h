#pragma once
// What build_demo_store() captures, decided before any pixel is made: the
// demo practice's offline patients (docs/demo-practice.md) and, for scaled
// stores, generated patients. Internal to engine/demo; tests read it too.
#include <cstdint>
#include <string>
#include <vector>

#include "engine/demo/demo_store.h"
#include "engine/demo/synthetic_images.h"

namespace cs::demo {

struct PlannedProcedure {
    std::string first_name, last_name, birth_date;  // as entered at the chair
    std::string code, name;                         // CDT code and its name
    std::string acquired_at;                        // ISO 8601 UTC
    std::vector<SyntheticKind> kinds;                // one per image, in order
    double scale = 1.0;      // image size, × the synthetic default
    uint64_t first_seed = 0; // image i uses first_seed + i
    bool failing = false;    // Noah Patel's D0230: the demo server fails its upload
};

struct DemoPlan {
    std::vector<PlannedProcedure> procedures;  // in capture order
    int patients = 0;
    int images = 0;
};

// The CDT procedure name of the demo practice's procedure types ("" if unknown).
std::string demo_procedure_name(const std::string& code);

// "YYYY-MM-DD" of the day before today (UTC): the default acquisition day.
std::string yesterday_utc();

// The whole plan for `opt` (see DemoStoreOptions for how totals are met).
// Deterministic: same options, same plan.
DemoPlan plan_demo_store(const DemoStoreOptions& opt);

}  // namespace cs::demo
