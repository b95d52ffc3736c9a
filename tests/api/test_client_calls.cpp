// Every call of the practice API, client against the real reference server
// over a loopback socket, when nothing goes wrong (and when the server
// refuses for a reason the person must act on).
#include <catch2/catch.hpp>

#include <algorithm>

#include "engine/util/uuid.h"
#include "tests/api/practice_fixture.h"

using namespace cs;
using namespace cs::api;
using cs::test::Practice;
using cs::test::error_of;

namespace {

bool has_id(const std::vector<Patient>& ps, const std::string& id) {
    return std::any_of(ps.begin(), ps.end(), [&](const Patient& p) { return p.id == id; });
}

}  // namespace

TEST_CASE("sign-in, health, patients, providers and procedure types") {
    Practice practice;
    auto c = practice.client();
    CHECK(c->health().api_version == 1);
    CHECK_FALSE(c->signed_in());
    CHECK(error_of([&] { c->providers("loc-1"); }).kind() == ApiErrorKind::auth);  // not signed in: nothing sent

    auto wrong = error_of([&] { c->sign_in("demo", "9999"); });
    CHECK(wrong.kind() == ApiErrorKind::auth);
    CHECK(std::string(wrong.what()) == "The practice server refused the sign-in: user or PIN is wrong.");

    Session s = c->sign_in("demo", "1234");
    CHECK(c->signed_in());
    CHECK(s.user_id == "u-1");
    CHECK(s.user_name == "Demo User");

    // Exact candidates: case, spaces and accents do not matter; the birth date must be there.
    auto maria = c->exact_candidates("  maria ", "LÓPEZ", "1984-03-09");
    REQUIRE(maria.size() == 1);
    CHECK(maria[0].id == "p-1001");
    REQUIRE(maria[0].household);
    CHECK(maria[0].household->id == "h-1");
    CHECK(c->exact_candidates("Liam", "Murphy", "2018-04-22").size() == 2);
    CHECK(c->exact_candidates("Sophia", "Garcia", "").empty());
    CHECK(c->exact_candidates("Olivia", "Chen", "1999-12-05").empty());
    CHECK(c->exact_candidates("Zoë", "O'Brien", "1988-10-10").size() == 1);

    SearchResult taylor = c->search("Taylor");
    CHECK(has_id(taylor.patients, "p-1010"));
    CHECK(has_id(taylor.patients, "p-1011"));
    REQUIRE_FALSE(taylor.households.empty());
    CHECK(taylor.households[0].id == "h-2");
    CHECK(has_id(taylor.households[0].members, "p-1011"));
    CHECK(c->search("").patients.empty());

    CHECK(c->patient("p-1050").last_name == "O'Brien");
    CHECK(error_of([&] { c->patient("p-9999"); }).kind() == ApiErrorKind::not_found);

    Location here = c->location("loc-1");
    CHECK(here.id == "loc-1");
    CHECK(here.name == "Main Street Dental");
    CHECK(error_of([&] { c->location("loc-99"); }).kind() == ApiErrorKind::not_found);

    auto provs = c->providers("loc-1");
    auto find = [&](const std::string& id) {
        return std::find_if(provs.begin(), provs.end(), [&](const Provider& p) { return p.id == id; });
    };
    REQUIRE(find("prov-1") != provs.end());
    CHECK(find("prov-1")->charting);
    REQUIRE(find("prov-3") != provs.end());
    CHECK_FALSE(find("prov-3")->charting);
    CHECK(find("prov-4") == provs.end());  // no access to loc-1
    CHECK(error_of([&] { c->providers("loc-99"); }).kind() == ApiErrorKind::not_found);

    auto types = c->procedure_types("loc-1");
    auto d0274 = std::find_if(types.begin(), types.end(), [](const ProcedureType& t) { return t.code == "D0274"; });
    REQUIRE(d0274 != types.end());
    CHECK(d0274->fee_cents == 6500);
    CHECK(d0274->default_provider_id == "prov-1");
    auto d0350 = std::find_if(types.begin(), types.end(), [](const ProcedureType& t) { return t.code == "D0350"; });
    REQUIRE(d0350 != types.end());
    CHECK_FALSE(d0350->default_provider_id);
    CHECK(c->procedure_types("loc-2").front().fee_cents > 0);

    c->sign_out();
    CHECK_FALSE(c->signed_in());
    CHECK(error_of([&] { c->search("Taylor"); }).kind() == ApiErrorKind::auth);
}

TEST_CASE("declare, upload with progress, commit once, read back, withdraw") {
    Practice practice;
    auto c = practice.signed_in_client();
    auto a = practice.make_image(300 * 1024, ImageKind::radiograph, 0);
    auto b = practice.make_image(70 * 1024 + 3, ImageKind::photo, 1);
    const std::string uuid = new_uuid();

    ProcedureStatus declared = c->declare(uuid, practice.declaration({a, b}));
    CHECK(declared.state == RemoteState::declared);
    CHECK_FALSE(declared.all_images_received());
    CHECK(c->declare(uuid, practice.declaration({a, b})).uuid == uuid);  // same body again: same answer

    auto early = error_of([&] { c->commit(uuid); });
    CHECK(early.kind() == ApiErrorKind::conflict);
    CHECK(early.code() == "images_missing");

    std::vector<std::pair<uint64_t, uint64_t>> progress;
    UploadResult ua = c->upload_image(uuid, a.declared.uuid, a.path, a.declared.sha256, a.declared.size,
                                      [&](uint64_t done, uint64_t total) { progress.emplace_back(done, total); });
    CHECK_FALSE(ua.already_held);
    REQUIRE_FALSE(progress.empty());
    CHECK(progress.back() == std::pair<uint64_t, uint64_t>{a.declared.size, a.declared.size});
    CHECK(std::is_sorted(progress.begin(), progress.end()));
    CHECK(c->upload_image(uuid, a.declared.uuid, a.path, a.declared.sha256, a.declared.size).already_held);
    c->upload_image(uuid, b.declared.uuid, b.path, b.declared.sha256, b.declared.size);
    CHECK(c->get_procedure(uuid).all_images_received());

    ProcedureStatus committed = c->commit(uuid);
    CHECK(committed.state == RemoteState::committed);
    REQUIRE(committed.charge);
    CHECK(committed.charge->amount_cents == 6500);
    CHECK(committed.charge->provider_id == "prov-1");
    ProcedureStatus again = c->commit(uuid);  // repeating posts nothing new
    CHECK(again.charge->amount_cents == 6500);
    CHECK(again.charge->posted_at == committed.charge->posted_at);
    CHECK(practice.server().charge_count(uuid) == 1);
    CHECK(c->get_procedure(uuid).state == RemoteState::committed);
    CHECK(error_of([&] { c->withdraw(uuid); }).code() == "already_committed");

    // A declaration that is withdrawn (the procedure is hidden) stays withdrawn.
    auto d = practice.make_image(1000);
    const std::string hidden = new_uuid();
    c->declare(hidden, practice.declaration({d}));
    c->withdraw(hidden);
    c->withdraw(hidden);  // again: still fine
    CHECK(c->get_procedure(hidden).state == RemoteState::withdrawn);
    CHECK(error_of([&] { c->declare(hidden, practice.declaration({d})); }).code() == "withdrawn");

    // Without charges the posted amount is zero.
    const std::string free_uuid = new_uuid();
    auto decl = practice.declaration({d});
    decl.apply_charges = false;
    decl.images[0].uuid = new_uuid();
    c->declare(free_uuid, decl);
    c->upload_image(free_uuid, decl.images[0].uuid, d.path, d.declared.sha256, d.declared.size);
    CHECK(c->commit(free_uuid).charge->amount_cents == 0);
    CHECK(practice.server().charge_amount_cents(free_uuid) == 0);

    practice.check_invariants({uuid, hidden, free_uuid}, {a, b, d});
}

TEST_CASE("refusals the person must act on come back as sentences") {
    Practice practice;
    auto c = practice.signed_in_client();
    auto img = practice.make_image(2048);
    auto decl = practice.declaration({img});

    decl.provider_id = "prov-3";  // not a charting provider
    auto e = error_of([&] { c->declare(new_uuid(), decl); });
    CHECK(e.kind() == ApiErrorKind::validation);
    CHECK(std::string(e.what()) == "This provider can no longer chart at this location. Choose another provider.");
    decl.provider_id = "prov-4";  // no access to loc-1
    CHECK(std::string(error_of([&] { c->declare(new_uuid(), decl); }).what()) ==
          "This provider can no longer chart at this location. Choose another provider.");

    decl.provider_id = "prov-1";
    decl.patient_id = "p-9999";
    CHECK(error_of([&] { c->declare(new_uuid(), decl); }).code() == "unknown_patient");

    // The same uuid with a different body is a conflict, not a second procedure.
    decl.patient_id = "p-1001";
    const std::string uuid = new_uuid();
    c->declare(uuid, decl);
    auto other = decl;
    other.bill_insurance = !other.bill_insurance;
    auto conflict = error_of([&] { c->declare(uuid, other); });
    CHECK(conflict.kind() == ApiErrorKind::conflict);
    CHECK_FALSE(conflict.transient());
    CHECK(c->get_procedure(uuid).bill_insurance == decl.bill_insurance);  // still checked against what the server holds

    // A uuid that is not one never leaves this computer.
    CHECK(error_of([&] { c->get_procedure("../../etc/passwd"); }).kind() == ApiErrorKind::validation);
    CHECK(error_of([&] { c->get_procedure(new_uuid()); }).kind() == ApiErrorKind::not_found);

    // A local image file that is gone or changed size is reported as such.
    auto missing = error_of([&] {
        c->upload_image(uuid, img.declared.uuid, practice.dir() / "nope.bin", img.declared.sha256, img.declared.size);
    });
    CHECK(missing.kind() == ApiErrorKind::local_file);
    CHECK(error_of([&] {
              c->upload_image(uuid, img.declared.uuid, img.path, img.declared.sha256, img.declared.size + 1);
          }).kind() == ApiErrorKind::local_file);
    practice.check_invariants({uuid}, {img});
}

TEST_CASE("very long names and searches never reach the server as a URL past its limit") {
    Practice practice;
    auto c = practice.signed_in_client();
    const std::string long_name(3000, 'a');  // each a fits; percent-encoded accents would be 6 bytes each
    const std::string long_accented(1500, '\xC3');  // (not UTF-8: still only bytes to encode)

    auto e = error_of([&] { c->search(long_name + " " + long_name + " " + long_name); });
    CHECK(e.kind() == ApiErrorKind::validation);
    CHECK(std::string(e.what()) == "This search is too long for the practice server. Shorten it, then search again.");
    CHECK(e.http_status() == 0);  // nothing was sent

    e = error_of([&] { c->exact_candidates(long_accented, long_accented, "1984-03-09"); });
    CHECK(e.kind() == ApiErrorKind::validation);
    CHECK(std::string(e.what()) ==
          "This name is too long to look up on the practice server. Choose the patient with Edit.");

    // Up to the limit, the server answers (nobody has such a name).
    CHECK(c->search(std::string(7000, 'a')).patients.empty());
    CHECK(c->exact_candidates(long_name, "Lopez", "1984-03-09").empty());

    // Past it, a client told otherwise meets the server's 414, said in a sentence.
    auto unlimited = practice.signed_in_client([](ClientConfig& cfg) { cfg.max_url_bytes = 1u << 20; });
    e = error_of([&] { unlimited->search(std::string(9000, 'a')); });
    CHECK(e.http_status() == 414);
    CHECK(std::string(e.what()) ==
          "The request was too long for the practice server. Shorten the search, then try again.");
}
