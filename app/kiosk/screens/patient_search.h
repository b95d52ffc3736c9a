#pragma once
// Finding an online patient, as Patient Match's Edit and the recovery
// folder's Attach to Patient both do: a box that opens the on-screen
// keyboard, the note that new patients are added online, and the results
// (each person once, households with their members) as touch rows that
// scroll by dragging.
#include <string>

#include "app/kiosk/screens/screen.h"
#include "engine/api/api_types.h"
#include "engine/sync/search_rows.h"

namespace cs::kiosk {

// One online patient as a touch row: name, then date of birth and household.
bool online_patient_row(Frame& f, const api::Patient& p, bool selected, const std::string& today);

class PatientSearch {
public:
    // The box, `note` and the rows found for `searched`. Returns the tapped patient's id, or "".
    std::string draw(Frame& f, const std::vector<SearchRow>& rows, const std::string& searched,
                     const std::string& selected_id, const std::string& note);
    // The keyboard while it is open: call last in content() so it lies on top.
    // Returns the query to search when Done is tapped with one, else "".
    std::string keyboard();
    void open();  // an empty draft and the keyboard up

private:
    std::string draft_;
    bool keyboard_ = false;
};

}  // namespace cs::kiosk
