// The kiosk's workflow screens drawn headless from made-up snapshots (no
// window, no server): what lies under the finger after each screen change
// (docs/touch.md), Patient Match's side-by-side comparison after a search,
// long names that wrap, and why no match was suggested.
#include <catch2/catch.hpp>
#include <imgui.h>

#include <imgui_internal.h>
#include <spdlog/spdlog.h>

#include <functional>
#include <set>

#include "app/kiosk/screens/chrome.h"
#include "app/kiosk/screens/screen.h"
#include "tests/widgets/harness.h"
#include "widgets/image_viewer.h"
#include "widgets/registry.h"
#include "widgets/theme.h"

using namespace cs;
using namespace cs::kiosk;
using cs::ui::WidgetKind;
using cs::ui::WidgetRecord;
using cs::ui::test::Harness;

namespace {

// What a screen needs to draw, with an engine worker that has no store (the
// commands a tap sends are answered with an error nobody reads here).
struct Rig {
    Harness h;
    EngineWorker worker{EngineOptions{}, [] {}, [](const std::string&, GrayOrRgba8Image, std::string) {}};
    TextureCache textures{1 << 20, 1};
    Fonts fonts;
    Config config;
    Navigator nav;

    explicit Rig(ImVec2 display = ImVec2(1280, 800)) : h(1.0f, display) {
        ImFont* font = ImGui::GetIO().Fonts->Fonts[0];
        fonts = Fonts{font, font, font, 1.0f, false};
        h.OwnWindow(true);
        spdlog::set_level(spdlog::level::off);  // the worker has no store: every tap's command is an error
    }
    ~Rig() { spdlog::set_level(spdlog::level::info); }
    Harness::Ui ui(const Snapshot& s, Screen& screen) {
        return [this, &s, &screen] {
            Frame f{s, worker, textures, fonts, config, nav, s.visit};
            draw_screen(f, screen);
        };
    }
    void draw(const Snapshot& s, Screen& screen, int frames = 2) { h.Frames(frames, ui(s, screen)); }
};

api::Patient online(std::string id, std::string first, std::string last, std::string birth, std::string household) {
    return api::Patient{std::move(id), std::move(first), std::move(last), std::move(birth),
                        api::Household{"h-" + household, household + " household"}};
}

OfflinePatient offline(int64_t id, std::string first, std::string last, std::string birth) {
    return OfflinePatient{id, std::move(first), std::move(last), std::move(birth)};
}

Snapshot signed_in() {
    Snapshot s;
    s.signed_in = true;
    s.store_loaded = true;
    s.server = ServerStatus::online;
    s.workstation = "OP-1";
    s.user_name = "Demo User";
    return s;
}

Snapshot at_step(SyncStep step) {
    Snapshot s = signed_in();
    s.in_session = true;
    SessionView& v = s.session;
    v.step = step;
    v.patients = {PatientSummary{offline(1, "Zoë", "O'Brien", "1988-10-10"), 1, 1, {}}};
    v.can_remind_later = step != SyncStep::sync;
    v.can_back = step == SyncStep::match || step == SyncStep::options;
    v.can_finish = step == SyncStep::patients || step == SyncStep::sync;
    if (step == SyncStep::patients) return s;
    v.offline_patient = v.patients.front().patient;
    v.match.kind = MatchKind::potential;
    v.match.selected = online("p-1050", "Zoe", "O'Brien", "1988-10-10", "O'Brien");
    v.match.candidates = {*v.match.selected};
    v.can_next = true;
    if (step == SyncStep::match) return s;
    ProcedureOptions o;
    o.uuid = "u-1", o.code = "D0220", o.name = "Intraoral - periapical first radiographic image";
    o.image_count = 1, o.fee_cents = 3100, o.provider_id = "prov-1";
    v.options = {o};
    v.providers = {api::Provider{"prov-1", "Dr. Ana Ruiz"}};
    if (step == SyncStep::options) return s;
    SyncItemView it;
    it.uuid = "u-1", it.code = "D0220", it.name = o.name, it.state = ItemState::synced;
    v.items = {it};
    v.can_next = false;
    v.can_sync_another = true;
    return s;
}

// Home with offline procedures waiting: Synchronize Procedures is offered.
Snapshot home_waiting() {
    Snapshot s = signed_in();
    s.patients = {PatientSummary{offline(1, "Zoë", "O'Brien", "1988-10-10"), 1, 1, {}}};
    return s;
}

Snapshot prompt() {
    Snapshot s = signed_in();
    s.should_prompt = true;
    return s;
}

Snapshot refused() {
    Snapshot s = prompt();
    s.lock_refused = true;
    s.error = "Offline imaging is open on this computer.";
    return s;
}

// Actions that send, change the store or start or end a session (docs/touch.md).
const std::set<std::string> kConsequential = {"Synchronize Procedures", "Next",         "Finish & Proceed",
                                              "Remind Me Later",        "Sync Another Patient", "Hide Procedure",
                                              "Sync the Procedure Again"};

std::optional<ImRect> button_rect(const std::string& label) {
    for (const WidgetRecord& r : cs::ui::Registry().Records())
        if (r.kind == WidgetKind::button && r.label == label) return ImRect(r.min, r.max);
    return std::nullopt;
}

struct Move {
    const char* name;
    std::function<Snapshot()> from_snap;
    ScreenId from;
    const char* button;
    std::function<Snapshot()> to_snap;
    ScreenId to;
};

}  // namespace

TEST_CASE("tap rule: after every button that changes the screen, nothing consequential is under the finger") {
    auto patients_empty = [] {
        Snapshot s = at_step(SyncStep::patients);
        s.session.patients.clear();
        return s;
    };
    const std::vector<Move> moves = {
        {"prompt: Synchronize Procedures", prompt, ScreenId::prompt, "Synchronize Procedures",
         [] { return at_step(SyncStep::patients); }, ScreenId::wizard_patient},
        {"home: Synchronize Procedures", home_waiting, ScreenId::home, "Synchronize Procedures",
         [] { return at_step(SyncStep::patients); }, ScreenId::wizard_patient},
        {"patient: Next", [] { return at_step(SyncStep::patients); }, ScreenId::wizard_patient, "Next",
         [] { return at_step(SyncStep::match); }, ScreenId::wizard_match},
        {"match: Next", [] { return at_step(SyncStep::match); }, ScreenId::wizard_match, "Next",
         [] { return at_step(SyncStep::options); }, ScreenId::wizard_options},
        {"options: Next", [] { return at_step(SyncStep::options); }, ScreenId::wizard_options, "Next",
         [] { return at_step(SyncStep::sync); }, ScreenId::wizard_sync},
        {"sync: Finish & Proceed", [] { return at_step(SyncStep::sync); }, ScreenId::wizard_sync, "Finish & Proceed",
         home_waiting, ScreenId::home},
        {"sync: Sync Another Patient", [] { return at_step(SyncStep::sync); }, ScreenId::wizard_sync,
         "Sync Another Patient", [] { return at_step(SyncStep::patients); }, ScreenId::wizard_patient},
        {"patient (nobody left): Finish & Proceed", patients_empty, ScreenId::wizard_patient, "Finish & Proceed",
         signed_in, ScreenId::home},
        {"match: Back", [] { return at_step(SyncStep::match); }, ScreenId::wizard_match, "Back",
         [] { return at_step(SyncStep::patients); }, ScreenId::wizard_patient},
        {"options: Back", [] { return at_step(SyncStep::options); }, ScreenId::wizard_options, "Back",
         [] { return at_step(SyncStep::match); }, ScreenId::wizard_match},
        {"patient: Remind Me Later", [] { return at_step(SyncStep::patients); }, ScreenId::wizard_patient,
         "Remind Me Later", home_waiting, ScreenId::home},
        {"match: Remind Me Later", [] { return at_step(SyncStep::match); }, ScreenId::wizard_match,
         "Remind Me Later", home_waiting, ScreenId::home},
        {"options: Remind Me Later", [] { return at_step(SyncStep::options); }, ScreenId::wizard_options,
         "Remind Me Later", home_waiting, ScreenId::home},
        {"prompt: Remind Me Later", prompt, ScreenId::prompt, "Remind Me Later", home_waiting, ScreenId::home},
        {"patient: Back", [] { return at_step(SyncStep::patients); }, ScreenId::wizard_patient, "Back", home_waiting,
         ScreenId::home},
        {"refused: Back", refused, ScreenId::refused, "Back", prompt, ScreenId::prompt},
    };
    Rig rig;
    for (const Move& m : moves) {
        CAPTURE(m.name);
        Snapshot a = m.from_snap();
        auto from = make_screen(m.from);
        rig.draw(a, *from);
        std::optional<ImRect> finger = button_rect(m.button);
        REQUIRE(finger);
        Snapshot b = m.to_snap();
        auto to = make_screen(m.to);
        rig.draw(b, *to);
        for (const WidgetRecord& r : cs::ui::Registry().Records()) {
            if (r.kind != WidgetKind::button || !r.enabled || !kConsequential.count(r.label)) continue;
            CAPTURE(r.label);
            CHECK_FALSE(finger->Overlaps(ImRect(r.min, r.max)));
        }
    }
}

TEST_CASE("Patient Match: after Edit and a search, the chosen patient stands beside the offline one, "
          "differences in red on both sides") {
    Snapshot s = at_step(SyncStep::match);
    SessionView& v = s.session;
    v.offline_patient = offline(2, "James", "Taylor", "1962-01-30");
    api::Patient senior = online("p-1010", "James", "Taylor", "1962-01-30", "Taylor");
    api::Patient junior = online("p-1011", "James", "Taylor Jr.", "1990-01-30", "Taylor");
    v.match.kind = MatchKind::chosen;
    v.match.editing = true;
    v.match.query = "Taylor";
    v.match.rows = {SearchRow{SearchRow::Kind::patient, senior, "", 0}, SearchRow{SearchRow::Kind::patient, junior, "", 0}};
    v.match.selected = junior;
    Rig rig;
    auto screen = make_screen(ScreenId::wizard_match);
    rig.draw(s, *screen);
    const WidgetRecord* mine = cs::ui::Registry().Find("James Taylor  (differs)");
    const WidgetRecord* theirs = cs::ui::Registry().Find("James Taylor Jr.  (differs)");
    REQUIRE(mine != nullptr);
    REQUIRE(theirs != nullptr);  // the chosen patient's fields, not only the search list
    CHECK(theirs->min.x > mine->max.x);
    CHECK(theirs->min.y == Approx(mine->min.y).margin(1.0));  // the same row
    const WidgetRecord* their_birth = cs::ui::Registry().FindContaining("01/30/1990");
    const WidgetRecord* my_birth = cs::ui::Registry().FindContaining("01/30/1962");
    REQUIRE(their_birth != nullptr);
    REQUIRE(my_birth != nullptr);
    int differs = 0;
    for (const WidgetRecord& r : cs::ui::Registry().Records())
        if (r.kind == WidgetKind::text && r.label.find("(differs)") != std::string::npos) ++differs;
    CHECK(differs == 4);  // name and date of birth, on both sides
    // The search results are still there to choose another.
    CHECK(cs::ui::Registry().Find("James Taylor") != nullptr);
}

namespace {
const std::string kLongFirst = "Maximiliana Alexandrina Konstantina";
const std::string kLongLast = "Wolkenstein-Hohenberg von und zu Liechtenfeld-Schwarzenberg-Rothschild";

// The text record of `text` drawn right of x (the detail or online side), if any.
const WidgetRecord* text_right_of(const std::string& text, float x) {
    for (const WidgetRecord& r : cs::ui::Registry().Records())
        if (r.kind == WidgetKind::text && r.label.find(text) != std::string::npos && r.min.x >= x) return &r;
    return nullptr;
}
const WidgetRecord* text_left_of(const std::string& text, float x) {
    for (const WidgetRecord& r : cs::ui::Registry().Records())
        if (r.kind == WidgetKind::text && r.label.find(text) != std::string::npos && r.max.x <= x) return &r;
    return nullptr;
}
}  // namespace

TEST_CASE("Patient Match: long names wrap in their column on both sides, never clipped") {
    Snapshot s = at_step(SyncStep::match);
    SessionView& v = s.session;
    v.offline_patient = offline(3, kLongFirst, kLongLast, "1970-05-05");
    v.match.selected = online("p-9", kLongFirst, kLongLast + " II", "1970-05-05", "Liechtenfeld");
    Rig rig;
    auto screen = make_screen(ScreenId::wizard_match);
    rig.draw(s, *screen);
    const float middle = 640.0f, line = ImGui::GetFontSize();
    const WidgetRecord* mine = text_left_of(kLongLast, middle);
    const WidgetRecord* theirs = text_right_of(kLongLast + " II", middle);
    REQUIRE(mine != nullptr);
    REQUIRE(theirs != nullptr);
    for (const WidgetRecord* r : {mine, theirs}) {
        CHECK(r->max.y - r->min.y > 1.5f * line);  // wrapped onto more lines
        CHECK(r->max.x <= 1280.0f);
    }
    CHECK(mine->max.x < theirs->min.x);
    CHECK(theirs->min.y == Approx(mine->min.y).margin(1.0));
}

TEST_CASE("Patient: a long name ends its row in an ellipsis; one tap shows it whole in the detail") {
    Snapshot s = at_step(SyncStep::patients);
    s.session.patients = {PatientSummary{offline(4, kLongFirst, kLongLast, "1970-05-05"), 1, 1, {}}};
    Rig rig;
    auto screen = make_screen(ScreenId::wizard_patient);
    auto ui = rig.ui(s, *screen);
    rig.h.Frames(2, ui);
    const std::string full = kLongFirst + " " + kLongLast;
    const WidgetRecord* row = nullptr;
    for (const WidgetRecord& r : cs::ui::Registry().Records())
        if (r.kind == WidgetKind::row && r.label == full) row = &r;  // tappable by the whole name
    REQUIRE(row != nullptr);
    const float row_right = row->max.x;
    const WidgetRecord* shown = text_left_of(kLongLast, row_right + 0.5f);
    REQUIRE(shown != nullptr);  // the line in the row stops at its edge (it ends in "...")
    CHECK(text_right_of(kLongLast, row_right) == nullptr);  // no detail yet
    REQUIRE(rig.h.TapLabel(full, ui));
    rig.h.Frames(2, ui);
    const WidgetRecord* detail = text_right_of(kLongLast, row_right);
    REQUIRE(detail != nullptr);
    CHECK(detail->label == full);
    CHECK(detail->max.y - detail->min.y > 1.5f * ImGui::GetFontSize());  // wrapped, whole
    CHECK(detail->max.x <= 1280.0f);
}

TEST_CASE("Patient Match: when no match is suggested, it says why") {
    struct Case {
        NoMatchReason why;
        MatchKind kind;
        const char* says;
    };
    for (const Case& c : {Case{NoMatchReason::no_birth_date, MatchKind::none, "no date of birth"},
                          Case{NoMatchReason::several, MatchKind::choose, "more than one online patient"},
                          Case{NoMatchReason::nobody, MatchKind::none, "no online patient has this name"}}) {
        CAPTURE(c.says);
        Snapshot s = at_step(SyncStep::match);
        SessionView& v = s.session;
        v.match.kind = c.kind;
        v.match.selected.reset();
        v.match.no_match = c.why;
        v.match.editing = c.kind == MatchKind::none;
        v.match.query = c.kind == MatchKind::none ? "O'Brien" : "";  // a search was made: no keyboard over it
        if (c.kind == MatchKind::choose)
            v.match.candidates = {online("p-1020", "Liam", "Murphy", "2018-04-22", "Murphy"),
                                  online("p-1021", "Liam", "Murphy", "2018-04-22", "Murphy")};
        v.can_next = false;
        Rig rig;
        auto screen = make_screen(ScreenId::wizard_match);
        rig.draw(s, *screen);
        CHECK(cs::ui::Registry().FindContaining(c.says) != nullptr);
        CHECK(cs::ui::Registry().FindContaining("Not chosen yet") != nullptr);
    }
}

TEST_CASE("Patient: the list has a Back (to Home); Back shows only where it can act") {
    Rig rig;
    Snapshot s = at_step(SyncStep::patients);
    REQUIRE_FALSE(s.session.can_back);  // the engine's first step has no step before it
    auto patient = make_screen(ScreenId::wizard_patient);
    rig.draw(s, *patient);
    CHECK(button_rect("Back"));
    Snapshot m = at_step(SyncStep::match);
    m.session.can_back = false;  // e.g. while a step cannot be left
    auto match = make_screen(ScreenId::wizard_match);
    rig.draw(m, *match);
    CHECK_FALSE(button_rect("Back"));
}

TEST_CASE("prompt: in gate mode it names the patient the user came from; Home says what just finished") {
    Rig rig;
    Snapshot p = prompt();
    p.gate_patient = "María Lopez  ·  03/09/1984 · 42 y";
    auto screen = make_screen(ScreenId::prompt);
    rig.draw(p, *screen);
    CHECK(cs::ui::Registry().FindContaining("You came from the chart of María Lopez") != nullptr);
    CHECK(button_rect("Remind Me Later"));
    CHECK(button_rect("Synchronize Procedures"));
    Snapshot h = signed_in();
    h.notice = "Sync finished. Imaging is starting for María Lopez.";
    auto home = make_screen(ScreenId::home);
    rig.draw(h, *home);
    CHECK(cs::ui::Registry().FindContaining("Imaging is starting for María Lopez") != nullptr);
    CHECK(button_rect("Sign Out"));
    CHECK_FALSE(button_rect("Remind Me Later"));
}

namespace {

// Sync with `n` procedures, all synced but those in `failed` (1-based), each
// failed once with the demo server's sentence.
Snapshot sync_of(int n, std::set<int> failed) {
    Snapshot s = at_step(SyncStep::sync);
    SessionView& v = s.session;
    v.items.clear();
    for (int i = 1; i <= n; ++i) {
        SyncItemView it;
        it.uuid = "u-" + std::to_string(i), it.code = "D0220", it.name = "Periapical " + std::to_string(i);
        it.bytes_total = 3'400'000;
        it.state = failed.count(i) ? ItemState::failed : ItemState::synced;
        it.bytes_done = failed.count(i) ? 100'000 : it.bytes_total;
        if (failed.count(i)) {
            it.message = "The practice server did not answer. Check the network, then tap Sync the Procedure Again.";
            it.attempts = 1, it.can_retry = true;
        }
        v.items.push_back(it);
    }
    return s;
}

// The whole of a button is on screen (the registry keeps only what is visible).
bool whole_button_in_sight(const std::string& label) {
    std::optional<ImRect> r = button_rect(label);
    return r && r->GetHeight() >= cs::ui::TargetHeight() - 0.5f;
}

// The images of one offline patient as the engine lists them: four bitewings (an X-ray) and two photos.
PreviewPatient bitewings_and_photos(const OfflinePatient& patient) {
    PreviewPatient p{patient, {}};
    auto add = [&](const std::string& proc, const std::string& code, int n, int bit_depth) {
        for (int i = 1; i <= n; ++i) {
            PreviewImage img;
            img.image.uuid = proc + "-img-" + std::to_string(i);
            img.image.procedure_uuid = proc;
            img.image.bit_depth = bit_depth;
            img.procedure = code + " \xC2\xB7 " + (bit_depth == 16 ? "Bitewings" : "Photo");
            img.caption = image_caption(code, size_t(i));
            p.images.push_back(img);
        }
    };
    add("u-1", "D0274", 4, 16);
    add("u-2", "D0350", 2, 8);
    return p;
}

bool shows(std::string_view text) { return cs::ui::Registry().FindContaining(text) != nullptr; }

// Taps the label, then lets the screen draw what the tap changed.
void tap(Rig& rig, std::string_view label, const Harness::Ui& ui) {
    INFO(std::string(label));
    REQUIRE(rig.h.TapLabel(label, ui));
    rig.h.Frames(2, ui);
}

}  // namespace

TEST_CASE("Sync: 14 procedures, the 14th failed: a fixed summary, and the list brings the failure into sight") {
    Snapshot s = sync_of(14, {14});
    Rig rig;
    auto screen = make_screen(ScreenId::wizard_sync);
    auto ui = rig.ui(s, *screen);
    rig.h.Frames(4, ui);
    CHECK(cs::ui::Registry().FindContaining("13 synced \xC2\xB7 1 failed \xC2\xB7 44.3 of 47.6 MB sent") != nullptr);
    CHECK(cs::ui::Registry().FindContaining("D0220  Periapical 14") != nullptr);
    CHECK(cs::ui::Registry().FindContaining("Attempt 1 failed: The practice server did not answer.") != nullptr);
    CHECK(whole_button_in_sight("Sync the Procedure Again"));
    CHECK(cs::ui::Registry().Find("D0220  Periapical 1") == nullptr);  // scrolled past the first

    // The person drags back to the top: the list stays there (it does not pull back).
    const WidgetRecord* row = cs::ui::Registry().FindContaining("D0220  Periapical 13");
    REQUIRE(row != nullptr);
    const ImVec2 from = row->Center();
    rig.h.Drag(from, ImVec2(from.x, from.y + 1500), ui, 10, 10);
    rig.h.Frames(10, ui);
    CHECK(cs::ui::Registry().Find("D0220  Periapical 1") != nullptr);
    CHECK_FALSE(button_rect("Sync the Procedure Again"));
    CHECK(cs::ui::Registry().FindContaining("13 synced") != nullptr);  // the summary stays

    // It fails again: the message says it is the second attempt, and it is brought into sight again.
    s.session.items.back().attempts = 2;
    s.session.items.back().can_hide = true;
    rig.h.Frames(4, ui);
    CHECK(cs::ui::Registry().FindContaining("Attempt 2 failed: The practice server did not answer.") != nullptr);
    CHECK(whole_button_in_sight("Hide Procedure"));
}

TEST_CASE("Sync: while procedures wait or run, the summary counts them and their bytes") {
    Snapshot s = sync_of(3, {});
    s.session.items[1].state = ItemState::running, s.session.items[1].bytes_done = 1'700'000;
    s.session.items[2].state = ItemState::waiting, s.session.items[2].bytes_done = 0;
    Rig rig;
    auto screen = make_screen(ScreenId::wizard_sync);
    rig.draw(s, *screen);
    CHECK(cs::ui::Registry().FindContaining("1 synced \xC2\xB7 1 syncing \xC2\xB7 1 waiting \xC2\xB7 5.1 of 10.2 MB sent") !=
          nullptr);
    CHECK_FALSE(button_rect("Sync the Procedure Again"));
}

TEST_CASE("Imaging Options: each procedure still without a provider is marked, and every one can be reached") {
    Snapshot s = at_step(SyncStep::options);
    SessionView& v = s.session;
    const ProcedureOptions model = v.options.front();
    v.options.clear();
    for (int i = 1; i <= 14; ++i) {
        ProcedureOptions o = model;
        o.uuid = "u-" + std::to_string(i), o.code = "D0350", o.name = "Photo " + std::to_string(i);
        if (i == 2 || i == 3 || i == 14) o.provider_id.clear();
        v.options.push_back(o);
    }
    v.can_next = false;
    Rig rig;
    auto screen = make_screen(ScreenId::wizard_options);
    auto ui = rig.ui(s, *screen);
    rig.h.Frames(3, ui);
    CHECK(cs::ui::Registry().FindContaining("3 of 14 need a provider") != nullptr);
    CHECK(cs::ui::Registry().FindAll("Needs a provider").size() == 2);  // rows 2 and 3; 14 is out of sight
    const WidgetRecord* first = cs::ui::Registry().Find("D0350  Photo 1");
    REQUIRE(first != nullptr);
    CHECK(cs::ui::Registry().Find("D0350  Photo 14") == nullptr);

    // A finger drags the list up: the 14th is there, marked, and tappable.
    const ImVec2 from = first->Center();
    rig.h.Drag(from, ImVec2(from.x, from.y - 1500), ui, 10, 10);
    rig.h.Frames(3, ui);
    bool last_row = false;  // a tappable row, not only its text
    for (const WidgetRecord* r : cs::ui::Registry().FindAll("D0350  Photo 14")) last_row |= r->kind == WidgetKind::row;
    CHECK(last_row);
    CHECK(cs::ui::Registry().FindAll("Needs a provider").size() == 1);
}

TEST_CASE("Imaging Options: Apply Selected Options to All says what it did") {
    Snapshot s = at_step(SyncStep::options);
    ProcedureOptions second = s.session.options.front();
    second.uuid = "u-2";
    s.session.options.push_back(second);
    Rig rig;
    auto screen = make_screen(ScreenId::wizard_options);
    rig.draw(s, *screen);
    CHECK(cs::ui::Registry().FindContaining("were applied to") == nullptr);
    s.session.options_note = "The options of D0220 were applied to 1 other procedure.";
    rig.draw(s, *screen);
    CHECK(cs::ui::Registry().FindContaining("The options of D0220 were applied to 1 other procedure.") != nullptr);
}

TEST_CASE("Home: Synchronize Procedures is offered only while something waits") {
    Rig rig;
    auto screen = make_screen(ScreenId::home);
    Snapshot nothing = signed_in();
    rig.draw(nothing, *screen);
    CHECK(cs::ui::Registry().FindContaining("Nothing is waiting") != nullptr);
    CHECK_FALSE(button_rect("Synchronize Procedures"));
    Snapshot waiting = home_waiting();
    rig.draw(waiting, *screen);
    CHECK(button_rect("Synchronize Procedures"));
}

TEST_CASE("Patient Match: many online candidates scroll by finger") {
    Snapshot s = at_step(SyncStep::match);
    SessionView& v = s.session;
    v.match.kind = MatchKind::choose;
    v.match.selected.reset();
    v.match.no_match = NoMatchReason::several;
    v.match.candidates.clear();
    for (char c = 'A'; c <= 'J'; ++c)
        v.match.candidates.push_back(
            online(std::string("p-") + c, std::string("Liam ") + c, "Murphy", "2018-04-22", "Murphy"));
    v.can_next = false;
    Rig rig;
    auto screen = make_screen(ScreenId::wizard_match);
    auto ui = rig.ui(s, *screen);
    rig.h.Frames(3, ui);
    const WidgetRecord* first = cs::ui::Registry().Find("Liam A Murphy");
    REQUIRE(first != nullptr);
    REQUIRE(cs::ui::Registry().Find("Liam J Murphy") == nullptr);  // out of sight at first
    const ImVec2 from = first->Center();
    rig.h.Drag(from, ImVec2(from.x, from.y - 1200), ui, 10, 10);
    rig.h.Frames(3, ui);
    CHECK(cs::ui::Registry().Find("Liam J Murphy") != nullptr);
}

TEST_CASE("top bar: at 1024x768 the server status, the location's name and the user stay on the bar") {
    for (ImVec2 display : {ImVec2(1024, 768), ImVec2(1280, 800), ImVec2(1920, 1080)}) {
        for (SyncStep step : {SyncStep::patients, SyncStep::match, SyncStep::options, SyncStep::sync}) {
            CAPTURE(display.x, int(step));
            Rig rig(display);
            Snapshot s = at_step(step);
            s.location_name = "Main Street Dental";
            rig.config.location = "loc-1";
            ScreenId id = step == SyncStep::patients ? ScreenId::wizard_patient
                          : step == SyncStep::match  ? ScreenId::wizard_match
                          : step == SyncStep::options ? ScreenId::wizard_options
                                                      : ScreenId::wizard_sync;
            auto screen = make_screen(id);
            rig.draw(s, *screen);
            const WidgetRecord* server = cs::ui::Registry().Find("Server online");
            const WidgetRecord* tab = cs::ui::Registry().Find("Imaging Options");
            const WidgetRecord* where = cs::ui::Registry().FindContaining("Main Street Dental");
            const WidgetRecord* user = cs::ui::Registry().FindContaining("Demo User");
            REQUIRE(server != nullptr);
            REQUIRE(tab != nullptr);
            REQUIRE(where != nullptr);
            REQUIRE(user != nullptr);
            CHECK(server->max.x <= display.x);
            CHECK(server->min.x > where->max.x);
            CHECK(where->min.x > tab->max.x);  // nothing drawn over the tabs
            CHECK(user->min.x > tab->max.x);
            CHECK(cs::ui::Registry().FindContaining("loc-1") == nullptr);  // the name, not the id
        }
    }
}

TEST_CASE("Patient: a search over 60 patients finds one by name or date of birth; Next never takes a hidden one") {
    Snapshot s = at_step(SyncStep::patients);
    auto& list = s.session.patients;
    list.clear();
    for (int i = 0; i < 59; ++i)
        list.push_back(PatientSummary{offline(100 + i, "Pat" + std::to_string(i), "Sample", "1970-01-01"), 1, 1, {}});
    list.push_back(PatientSummary{offline(7, "Maria", "LÓPEZ", "1984-03-09"), 2, 6, {}});
    Rig rig;
    auto screen = make_screen(ScreenId::wizard_patient);
    auto ui = rig.ui(s, *screen);
    rig.h.Frames(2, ui);
    CHECK(cs::ui::Registry().Find("Maria LÓPEZ") == nullptr);  // far down the list
    REQUIRE(rig.h.TapLabel("Pat0 Sample", ui));  // chosen, then hidden by the search below
    REQUIRE(rig.h.TapLabel("Search by name or date of birth", ui));
    rig.h.Frames(2, ui);
    rig.h.Type("maria lopez");
    rig.h.Frames(2, ui);
    CHECK(cs::ui::Registry().Find("Maria LÓPEZ") != nullptr);  // found while typing, above the keyboard
    REQUIRE(rig.h.TapLabel("Done", ui));
    rig.h.Frames(2, ui);
    CHECK(cs::ui::Registry().FindContaining("1 of 60 patients") != nullptr);
    CHECK(cs::ui::Registry().Find("Pat0 Sample") == nullptr);
    // The patient chosen before the search is hidden now: not chosen, Next is off.
    const WidgetRecord* next = nullptr;
    for (const WidgetRecord& r : cs::ui::Registry().Records())
        if (r.kind == WidgetKind::button && r.label == "Next") next = &r;
    REQUIRE(next != nullptr);
    CHECK_FALSE(next->enabled);
    // A date of birth finds too; Clear shows everyone again.
    REQUIRE(rig.h.TapLabel("Clear", ui));
    rig.h.Frames(2, ui);
    CHECK(cs::ui::Registry().Find("Pat0 Sample") != nullptr);
    REQUIRE(rig.h.TapLabel("Search by name or date of birth", ui));
    rig.h.Frames(2, ui);
    rig.h.Type("1984");
    REQUIRE(rig.h.TapLabel("Done", ui));
    rig.h.Frames(2, ui);
    CHECK(cs::ui::Registry().Find("Maria LÓPEZ") != nullptr);
    CHECK(cs::ui::Registry().FindContaining("1 of 60 patients") != nullptr);
}

TEST_CASE("Viewer: levels belong to one image — a photo after an adjusted X-ray, and the next patient, start at "
          "the default; an Adjusted badge says so while they differ") {
    Snapshot s = signed_in();
    s.preview_loaded = true;
    s.preview = {bitewings_and_photos(offline(1, "Maria", "LÓPEZ", "1984-03-09")),
                 bitewings_and_photos(offline(2, "Noah", "Patel", "1979-08-14"))};
    for (auto& img : s.preview[1].images) img.image.uuid = "noah-" + img.image.uuid;
    Rig rig;
    auto screen = make_screen(ScreenId::preview);
    auto ui = rig.ui(s, *screen);
    rig.h.Frames(2, ui);
    tap(rig, "D0274 #4", ui);
    REQUIRE(shows("Image 4 of 6"));
    CHECK_FALSE(shows(cs::ui::kLevelsAdjusted));
    tap(rig, "Levels", ui);
    tap(rig, "Invert", ui);
    tap(rig, "Hide Levels", ui);
    CHECK(shows(cs::ui::kLevelsAdjusted));  // the strip is hidden, the badge says the picture is not as taken

    tap(rig, "Next", ui);  // the first photo
    rig.h.Frames(2, ui);
    REQUIRE(shows("Image 5 of 6"));
    CHECK_FALSE(shows(cs::ui::kLevelsAdjusted));  // no radiograph levels on a photo
    tap(rig, "Previous", ui);  // back to the X-ray: its own levels are still on it
    rig.h.Frames(2, ui);
    REQUIRE(shows("Image 4 of 6"));
    CHECK(shows(cs::ui::kLevelsAdjusted));
    tap(rig, cs::ui::kLevelsAdjusted, ui);  // Reset
    rig.h.Frames(2, ui);
    CHECK_FALSE(shows(cs::ui::kLevelsAdjusted));
    tap(rig, "Levels", ui);
    tap(rig, "Invert", ui);
    tap(rig, "Close", ui);

    // The next patient's X-ray opens at the default.
    rig.h.Frames(2, ui);
    tap(rig, "Noah Patel \xC2\xB7 6 images", ui);
    tap(rig, "D0274 #1", ui);
    REQUIRE(shows("Noah Patel"));
    REQUIRE(shows("Image 1 of 6"));
    CHECK_FALSE(shows(cs::ui::kLevelsAdjusted));
}

TEST_CASE("Wizard: every image of each procedure shows; a tap opens the viewer on it, Next and Previous stay "
          "within its procedure, Close returns") {
    struct Case {
        SyncStep step;
        ScreenId screen;
    };
    for (const Case& c : {Case{SyncStep::patients, ScreenId::wizard_patient}, Case{SyncStep::match, ScreenId::wizard_match},
                          Case{SyncStep::options, ScreenId::wizard_options}}) {
        CAPTURE(int(c.step));
        Snapshot s = at_step(c.step);
        s.patient_images = bitewings_and_photos(s.session.patients.front().patient);
        Rig rig;
        auto screen = make_screen(c.screen);
        auto ui = rig.ui(s, *screen);
        rig.h.Frames(2, ui);
        if (c.step == SyncStep::patients) {
            tap(rig, "Zo\xC3\xAB O'Brien", ui);
        }
        for (const char* each : {"D0274 #1", "D0274 #2", "D0274 #3", "D0274 #4"}) CHECK(cs::ui::Registry().Find(each));
        // Imaging Options shows the selected procedure's images only.
        CHECK((cs::ui::Registry().Find("D0350 #2") != nullptr) == (c.step != SyncStep::options));
        tap(rig, "D0274 #2", ui);
        CHECK(shows("Image 2 of 4"));
        CHECK(shows("Zo\xC3\xAB O'Brien"));
        CHECK_FALSE(shows("Remind Me Later"));  // the viewer has the bottom bar
        tap(rig, "Next", ui);
        CHECK(shows("Image 3 of 4"));
        tap(rig, "Next", ui);
        tap(rig, "Next", ui);
        CHECK(shows("Image 1 of 4"));  // round within the bitewings, never into the photos
        tap(rig, "Previous", ui);
        CHECK(shows("Image 4 of 4"));
        tap(rig, "Close", ui);
        CHECK(cs::ui::Registry().Find("D0274 #2"));
        CHECK(shows("Remind Me Later"));
    }
}
