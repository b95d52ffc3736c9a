// Declaring, uploading, committing and withdrawing procedures: idempotency,
// validation, digests and charges posted exactly once.
#include <catch2/catch.hpp>
#include <filesystem>
#include <thread>

#include "engine/util/sha256.h"
#include "engine/util/uuid.h"
#include "tests/server/server_fixture.h"

using namespace cs::test;

TEST_CASE("a procedure is declared, uploaded, committed and charged once") {
    DemoPractice p;
    Api api(p.server.base_url());
    api.sign_in();
    std::vector<TestImage> images{make_image(20000, 1), make_image(30000, 2)};
    std::string proc = cs::new_uuid();
    Json decl = declaration(images);

    auto first = api.put_json(procedure_path(proc), decl);
    REQUIRE(first);
    CHECK(first->status == 201);
    Json declared = json_of(first);
    CHECK(declared["uuid"] == proc);
    CHECK(declared["state"] == "declared");
    CHECK(declared["patient_id"] == "p-1001");
    CHECK(declared["charge"].is_null());
    CHECK(declared["images"].size() == 2);
    CHECK(declared["images"][0]["received"] == false);

    SECTION("the same declaration again gets the same answer") {
        auto again = api.put_json(procedure_path(proc), decl);
        CHECK(again->status == 200);
        CHECK(json_of(again) == declared);
    }
    SECTION("a different declaration under the same uuid is a conflict") {
        Json other = decl;
        other["bill_insurance"] = true;
        auto r = api.put_json(procedure_path(proc), other);
        CHECK(r->status == 409);
        CHECK(error_code(r) == "conflict");
        Json fewer = declaration({images[0]});
        CHECK(error_code(api.put_json(procedure_path(proc), fewer)) == "conflict");
    }
    SECTION("committing before every image is held is refused, naming what is missing") {
        CHECK(api.put_image(image_path(proc, images[0].uuid), images[0].bytes, cs::repr_digest_header(images[0].sha256))->status == 201);
        auto r = api.post_json(procedure_path(proc) + "/commit");
        CHECK(r->status == 409);
        CHECK(error_code(r) == "images_missing");
        CHECK(json_of(r)["error"]["message"].get<std::string>().find(images[1].uuid) != std::string::npos);
        CHECK(p.server.charge_count(proc) == 0);
        Json state = json_of(api.get(procedure_path(proc)));
        CHECK(state["images"][0]["received"] == true);
        CHECK(state["images"][1]["received"] == false);
    }
    SECTION("upload, commit, commit again: one charge") {
        for (const auto& i : images) {
            auto u = api.put_image(image_path(proc, i.uuid), i.bytes, cs::repr_digest_header(i.sha256));
            REQUIRE(u);
            CHECK(u->status == 201);
            Json uj = json_of(u);
            CHECK(uj["uuid"] == i.uuid);
            CHECK(uj["sha256"] == i.sha256);
            CHECK(uj["received"] == true);
            CHECK(p.server.stored_image_sha256(proc, i.uuid) == i.sha256);
            // The same bytes again: already held.
            CHECK(api.put_image(image_path(proc, i.uuid), i.bytes, cs::repr_digest_header(i.sha256))->status == 200);
        }
        auto c1 = api.post_json(procedure_path(proc) + "/commit");
        REQUIRE(c1);
        CHECK(c1->status == 200);
        Json committed = json_of(c1);
        CHECK(committed["state"] == "committed");
        CHECK(committed["charge"]["amount_cents"] == 6500);
        CHECK(committed["charge"]["bill_insurance"] == false);
        CHECK(committed["charge"]["provider_id"] == "prov-1");
        auto c2 = api.post_json(procedure_path(proc) + "/commit");
        CHECK(c2->status == 200);
        CHECK(json_of(c2) == committed);
        CHECK(p.server.charge_count(proc) == 1);
        CHECK(p.server.total_charges() == 1);
        CHECK(json_of(api.get(procedure_path(proc))) == committed);
        // The declaration still answers the same, and a committed procedure cannot be withdrawn.
        CHECK(api.put_json(procedure_path(proc), decl)->status == 200);
        auto w = api.del(procedure_path(proc));
        CHECK(w->status == 409);
        CHECK(error_code(w) == "already_committed");
        CHECK(p.server.procedure_state(proc) == "committed");
    }
}

TEST_CASE("charges: the fee at the procedure's location, or zero") {
    DemoPractice p;
    Api api(p.server.base_url());
    api.sign_in();
    auto img = make_image(500, 3);
    Json no_charge = declaration({img});
    no_charge["apply_charges"] = false;
    no_charge["bill_insurance"] = true;
    std::string a = cs::new_uuid();
    Json ca = sync_procedure(api, a, no_charge, {img});
    CHECK(ca["charge"]["amount_cents"] == 0);
    CHECK(ca["charge"]["bill_insurance"] == true);
    CHECK(p.server.charge_amount_cents(a) == 0);

    auto img2 = make_image(600, 4);
    Json riverside = declaration({img2});
    riverside["location_id"] = "loc-2";
    riverside["provider_id"] = "prov-4";
    std::string b = cs::new_uuid();
    CHECK(sync_procedure(api, b, riverside, {img2})["charge"]["amount_cents"] == 7150);

    auto img3 = make_image(700, 5);
    Json nobody = declaration({img3});
    nobody["code"] = "D0350";
    nobody["provider_id"] = nullptr;
    std::string c = cs::new_uuid();
    Json cc = sync_procedure(api, c, nobody, {img3});
    CHECK(cc["provider_id"].is_null());
    CHECK(cc["charge"]["amount_cents"] == 2500);
    CHECK(p.server.total_charges() == 3);
}

TEST_CASE("commits racing each other post one charge") {
    DemoPractice p;
    auto img = make_image(1000, 6);
    std::string proc = cs::new_uuid();
    {
        Api api(p.server.base_url());
        api.sign_in();
        Json decl = declaration({img});
        REQUIRE(api.put_json(procedure_path(proc), decl)->status == 201);
        REQUIRE(api.put_image(image_path(proc, img.uuid), img.bytes, cs::repr_digest_header(img.sha256))->status == 201);
    }
    std::vector<std::thread> threads;
    std::atomic<int> ok{0};
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            Api api(p.server.base_url());
            auto s = api.http().Post("/api/v1/sessions", R"({"user":"demo","pin":"1234"})", "application/json");
            if (!s || s->status != 201) return;
            api.token = Json::parse(s->body)["token"];
            auto r = api.post_json(procedure_path(proc) + "/commit");
            if (r && r->status == 200) ++ok;
        });
    }
    for (auto& t : threads) t.join();
    CHECK(ok == 4);
    CHECK(p.server.charge_count(proc) == 1);
}

TEST_CASE("declarations naming what may not be used are refused") {
    DemoPractice p;
    Api api(p.server.base_url());
    api.sign_in();
    Json good = declaration({make_image(100, 7)});
    auto refused = [&](Json d) {
        std::string proc = cs::new_uuid();
        auto r = api.put_json(procedure_path(proc), d);
        REQUIRE(r);
        INFO(r->body);
        CHECK(p.server.procedure_state(proc).empty());  // nothing kept
        return std::pair{r->status, error_code(r)};
    };
    using R = std::pair<int, std::string>;
    Json d = good;
    d["patient_id"] = "p-9999";
    CHECK(refused(d) == R{422, "unknown_patient"});
    d = good;
    d["location_id"] = "loc-9";
    CHECK(refused(d) == R{422, "unknown_location"});
    d = good;
    d["code"] = "D9999";
    CHECK(refused(d) == R{422, "unknown_procedure_type"});
    d = good;
    d["provider_id"] = "prov-4";  // Riverside only
    CHECK(refused(d) == R{422, "provider_not_at_location"});
    d = good;
    d["provider_id"] = "prov-9";
    CHECK(refused(d) == R{422, "provider_not_at_location"});
    d = good;
    d["provider_id"] = "prov-3";  // no charting flag
    CHECK(refused(d) == R{422, "provider_not_charting"});

    d = good;
    d["images"] = Json::array();
    CHECK(refused(d) == R{400, "bad_request"});
    d = good;
    d["images"][0]["size"] = 0;
    CHECK(refused(d) == R{400, "bad_request"});
    d = good;
    d["images"][0]["sha256"] = "xyz";
    CHECK(refused(d) == R{400, "bad_request"});
    d = good;
    d["images"].push_back(d["images"][0]);
    CHECK(refused(d) == R{400, "bad_request"});
    d = good;
    d["images"][0]["uuid"] = "not-a-uuid";
    CHECK(refused(d) == R{400, "bad_uuid"});
    d = good;
    d["acquired_at"] = "yesterday";
    CHECK(refused(d) == R{400, "bad_request"});
    d = good;
    d.erase("apply_charges");
    CHECK(refused(d) == R{400, "bad_request"});

    auto bad_path = api.put_json(procedure_path("NOT-A-UUID"), good);
    CHECK(bad_path->status == 400);
    CHECK(error_code(bad_path) == "bad_uuid");
    auto bad_json = api.http().Put(procedure_path(cs::new_uuid()).c_str(), {{"Authorization", "Bearer " + api.token}},
                                   "{\"patient_id\": [", "application/json");
    CHECK(bad_json->status == 400);
    CHECK(error_code(bad_json) == "bad_json");
    auto not_object = api.http().Put(procedure_path(cs::new_uuid()).c_str(), {{"Authorization", "Bearer " + api.token}},
                                     "[1,2,3]", "application/json");
    CHECK(error_code(not_object) == "bad_json");
    CHECK(p.server.total_charges() == 0);
}

TEST_CASE("a provider who lost access by commit time cannot post") {
    DemoPractice p;
    Api api(p.server.base_url());
    api.sign_in();
    auto img = make_image(100, 8);
    std::string proc = cs::new_uuid();
    REQUIRE(api.put_json(procedure_path(proc), declaration({img}))->status == 201);
    REQUIRE(api.put_image(image_path(proc, img.uuid), img.bytes, cs::repr_digest_header(img.sha256))->status == 201);
    {
        // The practice takes prov-1's charting flag away (straight in its database).
        database_value(p.opt.db, "UPDATE providers SET charting = 0 WHERE id = 'prov-1'");
    }
    auto r = api.post_json(procedure_path(proc) + "/commit");
    CHECK(r->status == 422);
    CHECK(error_code(r) == "provider_not_charting");
    CHECK(p.server.charge_count(proc) == 0);
    CHECK(p.server.procedure_state(proc) == "declared");
}

TEST_CASE("a wrong digest or size stores nothing") {
    DemoPractice p([](cs::server::ServerOptions& o) { o.max_image_bytes = 64 * 1024; });
    Api api(p.server.base_url());
    api.sign_in();
    auto img = make_image(5000, 9);
    std::string proc = cs::new_uuid();
    REQUIRE(api.put_json(procedure_path(proc), declaration({img}))->status == 201);
    std::string path = image_path(proc, img.uuid);

    auto expect_nothing_stored = [&] {
        CHECK_FALSE(std::filesystem::exists(p.server.image_path(proc, img.uuid)));
        CHECK(p.server.stored_image_sha256(proc, img.uuid).empty());
        CHECK(json_of(api.get(procedure_path(proc)))["images"][0]["received"] == false);
    };
    std::string corrupted = img.bytes;
    corrupted[100] ^= 0x01;

    SECTION("header names other bytes") {
        auto r = api.put_image(path, img.bytes, cs::repr_digest_header(cs::sha256_hex(corrupted)));
        CHECK(r->status == 400);
        CHECK(error_code(r) == "digest_mismatch");
        expect_nothing_stored();
    }
    SECTION("bytes damaged on the way, header from the original") {
        auto r = api.put_image(path, corrupted, cs::repr_digest_header(img.sha256));
        CHECK(error_code(r) == "digest_mismatch");
        expect_nothing_stored();
    }
    SECTION("bytes and header agree, but not with the declaration") {
        auto r = api.put_image(path, corrupted, cs::repr_digest_header(cs::sha256_hex(corrupted)));
        CHECK(error_code(r) == "digest_mismatch");
        expect_nothing_stored();
    }
    SECTION("truncated") {
        std::string cut = img.bytes.substr(0, 4000);
        auto r = api.put_image(path, cut, cs::repr_digest_header(cs::sha256_hex(cut)));
        CHECK(r->status == 400);
        CHECK(error_code(r) == "size_mismatch");
        expect_nothing_stored();
    }
    SECTION("no digest header") {
        auto r = api.put_image(path, img.bytes, "");
        CHECK(r->status == 400);
        CHECK(error_code(r) == "bad_request");
        expect_nothing_stored();
    }
    SECTION("over the server's limit") {
        std::string big(100 * 1024, 'x');
        auto r = api.put_image(path, big, cs::repr_digest_header(cs::sha256_hex(big)));
        REQUIRE(r);
        CHECK(r->status == 413);
        CHECK(error_code(r) == "too_large");
        expect_nothing_stored();
    }
    SECTION("an image the declaration does not list, or an undeclared procedure") {
        auto other = make_image(5000, 10);
        CHECK(api.put_image(image_path(proc, other.uuid), other.bytes, cs::repr_digest_header(other.sha256))->status == 404);
        auto r = api.put_image(image_path(cs::new_uuid(), img.uuid), img.bytes, cs::repr_digest_header(img.sha256));
        CHECK(r->status == 404);
        CHECK(error_code(r) == "not_found");
    }
    // And the right bytes are still accepted afterwards.
    CHECK(api.put_image(path, img.bytes, cs::repr_digest_header(img.sha256))->status == 201);
    CHECK(p.server.stored_image_sha256(proc, img.uuid) == img.sha256);
}

TEST_CASE("a JSON body over the limit is refused") {
    DemoPractice p;
    Api api(p.server.base_url());
    api.sign_in();
    Json d = declaration({make_image(100, 11)});
    d["padding"] = std::string(2u << 20, 'x');
    auto r = api.put_json(procedure_path(cs::new_uuid()), d);
    REQUIRE(r);
    CHECK(r->status == 413);
    CHECK(error_code(r) == "too_large");
}

TEST_CASE("withdrawing: images gone, the uuid never reused") {
    DemoPractice p;
    Api api(p.server.base_url());
    api.sign_in();
    auto img = make_image(3000, 12);
    std::string proc = cs::new_uuid();
    Json decl = declaration({img});
    REQUIRE(api.put_json(procedure_path(proc), decl)->status == 201);
    REQUIRE(api.put_image(image_path(proc, img.uuid), img.bytes, cs::repr_digest_header(img.sha256))->status == 201);
    REQUIRE(std::filesystem::exists(p.server.image_path(proc, img.uuid)));

    auto w = api.del(procedure_path(proc));
    REQUIRE(w);
    CHECK(w->status == 204);
    CHECK(api.del(procedure_path(proc))->status == 204);  // again: same
    CHECK_FALSE(std::filesystem::exists(p.server.image_path(proc, img.uuid)));
    Json state = json_of(api.get(procedure_path(proc)));
    CHECK(state["state"] == "withdrawn");
    CHECK(state["charge"].is_null());

    auto again = api.put_json(procedure_path(proc), decl);
    CHECK(again->status == 409);
    CHECK(error_code(again) == "withdrawn");
    CHECK(error_code(api.put_image(image_path(proc, img.uuid), img.bytes, cs::repr_digest_header(img.sha256))) == "withdrawn");
    CHECK(error_code(api.post_json(procedure_path(proc) + "/commit")) == "withdrawn");

    // A uuid withdrawn before it was ever declared is recorded too.
    std::string never = cs::new_uuid();
    CHECK(api.del(procedure_path(never))->status == 204);
    CHECK(p.server.procedure_state(never) == "withdrawn");
    CHECK(error_code(api.put_json(procedure_path(never), decl)) == "withdrawn");

    // The same images under a new procedure uuid (attached from the recovery folder) are fine.
    std::string fresh = cs::new_uuid();
    CHECK(sync_procedure(api, fresh, decl, {img})["state"] == "committed");
    CHECK(p.server.total_charges() == 1);

    auto missing = api.get(procedure_path(cs::new_uuid()));
    CHECK(missing->status == 404);
    CHECK(error_code(missing) == "not_found");
}

TEST_CASE("a declaration whose patient is not the one the user was shown is refused with 409") {
    DemoPractice p;
    Api api(p.server.base_url());
    api.sign_in();
    auto img = make_image(300, 21);
    std::string proc = cs::new_uuid();
    Json decl = declaration({img});
    // The user was shown Noah Patel; the id is another patient's (what the
    // fault mode's wrong_patient answer makes a trusting client send).
    decl["expected_patient"] = {{"first_name", "Noah"}, {"last_name", "Patel"}, {"birth_date", "1979-08-14"}};
    auto r = api.put_json(procedure_path(proc), decl);
    REQUIRE(r);
    CHECK(r->status == 409);
    CHECK(error_code(r) == "patient_mismatch");
    CHECK(json_of(r)["error"]["message"] ==
          "Patient p-1001 does not have the name and date of birth the workstation showed; nothing was declared. "
          "Choose the patient again.");
    CHECK(p.server.procedure_state(proc).empty());

    SECTION("a date of birth alone that differs is refused too") {
        decl["expected_patient"] = {{"first_name", "Maria"}, {"last_name", "LÓPEZ"}, {"birth_date", "1984-03-10"}};
        CHECK(error_code(api.put_json(procedure_path(proc), decl)) == "patient_mismatch");
    }
    SECTION("the same person written another way is the same person") {
        decl["expected_patient"] = {{"first_name", " MARI\u0301A"}, {"last_name", "lopez"}, {"birth_date", " 1984-03-09"}};
        CHECK(api.put_json(procedure_path(proc), decl)->status == 201);
        // and a repeat of the same declaration is checked again
        Json again = decl;
        again["expected_patient"]["first_name"] = "Carlos";
        CHECK(error_code(api.put_json(procedure_path(proc), again)) == "patient_mismatch");
        CHECK(api.put_json(procedure_path(proc), decl)->status == 200);
    }
    SECTION("a declaration that does not say whom the user saw is malformed") {
        decl.erase("expected_patient");
        auto bad = api.put_json(procedure_path(proc), decl);
        CHECK(bad->status == 400);
        CHECK(error_code(bad) == "bad_request");
        decl["expected_patient"] = {{"first_name", "María"}, {"last_name", "Lopez"}, {"birth_date", "soon"}};
        CHECK(api.put_json(procedure_path(proc), decl)->status == 400);
    }
}

TEST_CASE("images in an image archive: the commit carries their UIDs instead of bytes, charged once") {
    DemoPractice p;
    Api api(p.server.base_url());
    api.sign_in();
    std::vector<TestImage> images{make_image(20000, 1), make_image(30000, 2)};
    std::string proc = cs::new_uuid();
    REQUIRE(api.put_json(procedure_path(proc), declaration(images))->status == 201);
    const Json archive = {{"study_instance_uid", "2.25.11"},
                          {"instances", Json::array({{{"image_uuid", images[1].uuid}, {"sop_instance_uid", "2.25.13"}},
                                                     {{"image_uuid", images[0].uuid}, {"sop_instance_uid", "2.25.12"}}})}};
    auto commit = [&](const Json& a) { return api.post_json(procedure_path(proc) + "/commit", {{"archive", a}}); };

    SECTION("it must name every declared image once, with DICOM UIDs; nothing is committed otherwise") {
        Json one = archive;
        one["instances"].erase(1);
        Json twice = archive;
        twice["instances"][1]["image_uuid"] = images[1].uuid;
        Json stranger = archive;
        stranger["instances"][0]["image_uuid"] = cs::new_uuid();
        Json bad_uid = archive;
        bad_uid["instances"][0]["sop_instance_uid"] = "2.25.x";
        for (const Json& a : {one, twice, stranger, bad_uid}) {
            auto r = commit(a);
            CHECK(r->status == 400);
            CHECK(error_code(r) == "bad_request");
        }
        CHECK(p.server.charge_count(proc) == 0);
        CHECK(p.server.procedure_state(proc) == "declared");
        // Without an archive body the bytes are still needed.
        CHECK(error_code(api.post_json(procedure_path(proc) + "/commit")) == "images_missing");
    }
    SECTION("committed with the UIDs, then again: one charge, the UIDs kept, the body not applied twice") {
        auto c1 = commit(archive);
        REQUIRE(c1->status == 200);
        Json committed = json_of(c1);
        CHECK(committed["state"] == "committed");
        CHECK(committed["charge"]["amount_cents"] == 6500);
        CHECK(committed["charge"]["provider_id"] == "prov-1");
        CHECK(committed["images"][0]["received"] == false);
        // In the order of the images (by seq).
        const Json expected = {{"study_instance_uid", "2.25.11"},
                               {"instances", Json::array({{{"image_uuid", images[0].uuid}, {"sop_instance_uid", "2.25.12"}},
                                                          {{"image_uuid", images[1].uuid}, {"sop_instance_uid", "2.25.13"}}})}};
        CHECK(committed["archive"] == expected);
        Json other = archive;
        other["study_instance_uid"] = "2.25.99";
        auto c2 = commit(other);
        CHECK(c2->status == 200);
        CHECK(json_of(c2) == committed);
        CHECK(json_of(api.post_json(procedure_path(proc) + "/commit")) == committed);
        CHECK(json_of(api.get(procedure_path(proc))) == committed);
        CHECK(p.server.charge_count(proc) == 1);
    }
    SECTION("a procedure whose bytes were uploaded shows no archive") {
        Json done = sync_procedure(api, cs::new_uuid(), declaration(images), images);
        CHECK(done["archive"].is_null());
    }
}
