// The kiosk's inactivity sign-out and which screen the workflow's state shows.
#include <catch2/catch.hpp>

#include "app/kiosk/shell/inactivity.h"
#include "app/kiosk/screens/wizard.h"

using namespace cs;
using namespace cs::kiosk;

TEST_CASE("inactivity: fires once after the limit without a touch, and a touch restarts it") {
    InactivityTimer t(300);
    t.touch(10);
    CHECK_FALSE(t.expired(309));
    CHECK(t.expired(310));
    CHECK_FALSE(t.expired(400));  // once, not every frame
    t.touch(401);
    CHECK_FALSE(t.expired(700));
    CHECK(t.expired(701));
}

TEST_CASE("inactivity: a limit of zero never signs out") {
    InactivityTimer t(0);
    CHECK_FALSE(t.expired(1e9));
}

TEST_CASE("route: signed out, every screen with patient data goes to Sign-in") {
    Snapshot s;
    for (ScreenId id : {ScreenId::home, ScreenId::wizard_match, ScreenId::wizard_sync, ScreenId::preview,
                        ScreenId::recovery, ScreenId::wizard_patient, ScreenId::wizard_options}) {
        auto r = route(s, id);
        REQUIRE(r);
        CHECK(*r == ScreenId::sign_in);
    }
    CHECK_FALSE(route(s, ScreenId::sign_in));
    CHECK_FALSE(route(s, ScreenId::first_run));  // nothing configured: stays
}

TEST_CASE("route: after sign-in the prompt shows when offline procedures wait, else Home") {
    Snapshot s;
    s.signed_in = true;
    s.should_prompt = true;
    CHECK(route(s, ScreenId::sign_in) == ScreenId::prompt);
    s.should_prompt = false;
    CHECK(route(s, ScreenId::sign_in) == ScreenId::home);
    CHECK(route(s, ScreenId::prompt) == ScreenId::home);
    CHECK_FALSE(route(s, ScreenId::home));
    CHECK_FALSE(route(s, ScreenId::preview));  // Preview and Recovery folder are left alone
}

TEST_CASE("route: the session's step picks the wizard tab; finishing returns Home") {
    Snapshot s;
    s.signed_in = true;
    s.in_session = true;
    s.session.step = SyncStep::patients;
    CHECK(route(s, ScreenId::home) == ScreenId::wizard_patient);
    s.session.step = SyncStep::match;
    CHECK(route(s, ScreenId::wizard_patient) == ScreenId::wizard_match);
    s.session.step = SyncStep::options;
    CHECK(route(s, ScreenId::wizard_match) == ScreenId::wizard_options);
    s.session.step = SyncStep::sync;
    CHECK(route(s, ScreenId::wizard_options) == ScreenId::wizard_sync);
    CHECK_FALSE(route(s, ScreenId::wizard_sync));
    s.in_session = false;
    CHECK(route(s, ScreenId::wizard_sync) == ScreenId::home);
}

TEST_CASE("route: offline imaging open shows the refusal until dismissed") {
    Snapshot s;
    s.signed_in = true;
    s.lock_refused = true;
    CHECK(route(s, ScreenId::home) == ScreenId::refused);
    s.lock_refused = false;
    CHECK(route(s, ScreenId::refused) == ScreenId::home);
}
