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

// A box that opens the on-screen keyboard (docs/touch.md), showing
// what is typed; the Patient list filters with it, PatientSearch searches.
class SearchBox {
public:
    // The box, `width` wide (-1: the rest of the line): `placeholder` while
    // empty. A tap opens the keyboard.
    void draw(const char* placeholder, float width = -1);
    // The keyboard while it is open: call last in content() so it lies on
    // top. True on the frame Done is tapped (Cancel only closes it).
    bool keyboard(const char* prompt);
    void open();  // an empty draft and the keyboard up
    void clear() { draft_.clear(); }
    const std::string& text() const { return draft_; }
    bool typing() const { return keyboard_; }

private:
    std::string draft_;
    bool keyboard_ = false;
};

class PatientSearch {
public:
    // The box, `note` and the rows found for `searched`. Returns the tapped patient's id, or "".
    std::string draw(Frame& f, const std::vector<SearchRow>& rows, const std::string& searched,
                     const std::string& selected_id, const std::string& note);
    // The keyboard while it is open: call last in content() so it lies on top.
    // Returns the query to search when Done is tapped with one, else "".
    std::string keyboard();
    void open() { box_.open(); }  // an empty draft and the keyboard up

private:
    SearchBox box_;
};

}  // namespace cs::kiosk
