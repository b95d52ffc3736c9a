#pragma once
// Attach to Patient, inside the Recovery folder screen (docs/sync-workflow.md, "Hide, and the recovery folder"):
// find the online patient, check the options, then attach and sync. The
// engine does the work (cmd::AttachSearch/AttachChoose/AttachRun); this
// holds only what the person is choosing.
#include <string>

#include "app/kiosk/screens/patient_search.h"
#include "app/kiosk/screens/screen.h"

namespace cs::kiosk {

class AttachPanel {
public:
    void start(const RecoveredProcedure& r);
    bool active() const { return !hidden_uuid_.empty(); }
    void close() { hidden_uuid_.clear(); }

    void content(Frame& f, const RecoveredProcedure& r);
    void actions(Frame& f);

private:
    enum class Step { search, options };
    void options(Frame& f, const RecoveredProcedure& r);

    std::string hidden_uuid_;
    Step step_ = Step::search;
    PatientSearch search_;
    ProcedureOptions draft_;  // the person's choice, from the type's defaults
    uint64_t options_taken_ = 0;
    uint64_t result_before_ = 0;  // recovery_result.id when Attach and Sync was tapped
    bool sent_ = false;
};

}  // namespace cs::kiosk
