// The practice API's one codec (engine/api/codec.h), used by the client and
// the reference server: every documented state survives the round trip,
// every null docs/practice-api.md allows is accepted (and written as null),
// and what the contract forbids is refused with a sentence naming the field.
#include <catch2/catch.hpp>

#include "engine/api/api_types.h"
#include "engine/api/setup_codec.h"
#include "engine/util/uuid.h"
#include "tests/api/practice_fixture.h"

using namespace cs;
using namespace cs::api;
using json = nlohmann::json;

namespace {

// Both ways: the JSON value and the body text read back to what was written.
template <typename T>
void round_trip(const T& v) {
    CHECK(from_json<T>(to_json(v)) == v);
    CHECK(decode<T>(encode(v)) == v);
}

// The sentence a refused body gets; a test failure when it is accepted.
template <typename T>
WireError refusal(const json& j) {
    try {
        from_json<T>(j);
    } catch (const WireError& e) {
        return e;
    }
    FAIL("accepted: " << j.dump());
    throw 0;
}

const Patient kMaria{"p-1001", "María", "Lopez", "1984-03-09", Household{"h-1", "Lopez household"}};
const Patient kNoah{"p-1002", "Noah", "Patel", "1979-08-14", std::nullopt};
const std::string kSha(64, 'a');
const std::string kImg = "aaaaaaaa-2222-4333-8444-555555555555";
const std::string kImg2 = "bbbbbbbb-2222-4333-8444-555555555555";

Declaration declaration() {
    Declaration d;
    d.patient_id = "p-1001";
    d.location_id = "loc-1";
    d.code = "D0274";
    d.acquired_at = "2026-11-30T14:02:00Z";
    d.apply_charges = true;
    d.bill_insurance = false;
    d.provider_id = "prov-1";
    d.images = {{kImg, kSha, 123456, "radiograph", 0}, {kImg2, std::string(64, 'b'), 99, "photo", 1}};
    d.expected_patient = {"María", "Lopez", "1984-03-09"};
    return d;
}

ProcedureStatus procedure(RemoteState state) {
    const Declaration d = declaration();
    ProcedureStatus p = procedure_status("11111111-2222-4333-8444-555555555556", state, d,
                                         std::vector<bool>(d.images.size(), state == RemoteState::committed));
    if (state == RemoteState::committed) p.charge = Charge{6500, false, "prov-1", "2026-12-01T20:12:18Z"};
    return p;
}

}  // namespace

TEST_CASE("patients, households, providers and procedure types survive the round trip") {
    round_trip(kMaria);
    round_trip(kNoah);  // no household
    CHECK(to_json(kNoah)["household"].is_null());
    round_trip(PatientList{});
    round_trip(PatientList{{kMaria, kNoah}});
    round_trip(SearchResult{});
    round_trip(SearchResult{{kMaria, kNoah}, {{"h-1", "Lopez household", {kMaria}}, {"h-2", "Empty", {}}}});
    round_trip(Location{"loc-1", "Main Street"});
    round_trip(LocationProviders{"loc-1", {{"prov-1", "Dr. Ana Ruiz", true}, {"prov-3", "Carla Nguyen, RDH", false}}});
    const ProcedureType bitewings{"D0274", "Bitewings - four radiographic images", 6500, true, true, "prov-1"};
    const ProcedureType no_default{"D0330", "Panoramic", 9000, false, false, std::nullopt};
    round_trip(LocationProcedureTypes{"loc-1", {bitewings, no_default}});
    CHECK(to_json(LocationProcedureTypes{"loc-1", {no_default}})["procedure_types"][0]["default_provider_id"].is_null());
    // The bytes the server sends are the examples of docs/practice-api.md.
    CHECK(encode(kMaria) ==
          R"({"birth_date":"1984-03-09","first_name":"María","household":{"id":"h-1","name":"Lopez household"},)"
          R"("id":"p-1001","last_name":"Lopez"})");
}

TEST_CASE("sign-in, sessions and health survive the round trip") {
    round_trip(SignInRequest{"demo", "1234", false, "OP-1"});
    round_trip(SignInRequest{"demo", "secret words", true, ""});  // a password, no workstation
    CHECK(to_json(SignInRequest{"demo", "1234", false, ""}) == json{{"user", "demo"}, {"pin", "1234"}});
    CHECK(from_json<SignInRequest>({{"user", "demo"}, {"pin", "1234"}, {"workstation", nullptr}}).workstation.empty());
    const Session s{"2026-12-02T08:00:00Z", "u-1", "Demo User"};
    round_trip(s);
    round_trip(SignInAnswer{std::string(64, 'f'), s});
    round_trip(Health{"ok", "2026-12-01T20:00:00Z", 1});
    round_trip(AdminPinCheck{"5678"});
    round_trip(LocationList{});
    round_trip(LocationList{{{"loc-1", "Main Street Dental"}, {"loc-2", "Oak Street Dental"}}});
    CHECK_THROWS_AS(decode<AdminPinCheck>(R"({"pin": 5678})"), WireError);
    CHECK(encode(Health{"ok", "2026-12-01T20:10:36Z", 1}) ==
          R"({"api_version":1,"server_time":"2026-12-01T20:10:36Z","status":"ok"})");
}

TEST_CASE("a declaration survives the round trip, with or without a provider") {
    const Declaration d = declaration();
    round_trip(d);
    Declaration none = d;
    none.provider_id.clear();
    round_trip(none);
    CHECK(to_json(none)["provider_id"].is_null());  // no provider is null, never ""
    json absent = to_json(none);
    absent.erase("provider_id");
    CHECK(from_json<Declaration>(absent) == none);
    // A birth date with spaces around it is allowed, and kept as the user saw it.
    Declaration spaced = d;
    spaced.expected_patient.birth_date = " 1984-03-09 ";
    round_trip(spaced);
}

TEST_CASE("a procedure survives the round trip in each of its states") {
    round_trip(procedure(RemoteState::declared));  // no image received yet, no charge
    ProcedureStatus part = procedure(RemoteState::declared);
    part.images[0].received = true;
    round_trip(part);
    round_trip(procedure(RemoteState::committed));
    ProcedureStatus free_no_provider = procedure(RemoteState::committed);
    free_no_provider.provider_id.clear();
    free_no_provider.apply_charges = false;
    free_no_provider.charge = Charge{0, false, "", "2026-12-01T20:12:18Z"};
    round_trip(free_no_provider);
    CHECK(to_json(free_no_provider)["charge"]["provider_id"].is_null());
    ProcedureStatus withdrawn = procedure(RemoteState::withdrawn);
    for (auto& i : withdrawn.images) i.received = false;
    round_trip(withdrawn);
    // Withdrawn before it was ever declared: null for every declaration field, no images.
    ProcedureStatus never;
    never.uuid = "11111111-2222-4333-8444-555555555557";
    never.state = RemoteState::withdrawn;
    never.apply_charges = never.bill_insurance = false;
    round_trip(never);
    const json j = to_json(never);
    for (const char* key : {"patient_id", "location_id", "code", "acquired_at", "apply_charges", "bill_insurance",
                            "provider_id", "charge"}) {
        INFO(key);
        CHECK(j[key].is_null());
    }
    CHECK(j["images"] == json::array());
    round_trip(UploadResult{kImg, kSha, 1000, false});
}

TEST_CASE("every documented error code survives the round trip and reaches the person as a sentence") {
    const std::pair<int, const char*> codes[] = {
        {400, "bad_request"}, {400, "bad_json"}, {400, "digest_mismatch"}, {400, "size_mismatch"}, {400, "bad_uuid"},
        {401, "unauthorized"}, {401, "token_expired"}, {401, "bad_credentials"}, {403, "forbidden"},
        {404, "not_found"}, {409, "conflict"}, {409, "withdrawn"}, {409, "already_committed"},
        {409, "images_missing"}, {409, "in_progress"}, {409, "patient_mismatch"}, {408, "request_timeout"},
        {411, "length_required"}, {413, "too_large"}, {415, "unsupported_encoding"}, {422, "unknown_patient"},
        {422, "unknown_procedure_type"}, {422, "provider_not_at_location"}, {422, "provider_not_charting"},
        {422, "unknown_location"}, {429, "rate_limited"}, {431, "headers_too_large"},
        {507, "insufficient_storage"}, {500, "internal"}, {503, "unavailable"}};
    for (const auto& [status, code] : codes) {
        INFO(code);
        const ErrorBody body{code, "A sentence for people."};
        round_trip(body);
        const ApiError e = error_from_http({"PUT", "/api/v1/imaging-procedures/x"}, status, encode(body));
        CHECK(e.code() == code);
        CHECK(e.detail().find("A sentence for people.") != std::string::npos);
        CHECK_FALSE(std::string(e.what()).empty());
    }
    CHECK(encode(ErrorBody{"images_missing", "Images not yet received."}) ==
          R"({"error":{"code":"images_missing","message":"Images not yet received."}})");
    CHECK_FALSE(decode_error_body("<html>Bad gateway</html>"));
    CHECK_FALSE(decode_error_body(""));
}

TEST_CASE("what the contract forbids is refused with a sentence naming the field") {
    const json good = to_json(declaration());
    auto refused = [&](auto change) {
        json j = good;
        change(j);
        return refusal<Declaration>(j);
    };
    auto says = [](const WireError& e, const std::string& part) {
        INFO(e.what());
        CHECK(std::string(e.what()).find(part) != std::string::npos);
        CHECK(std::string(e.what()).back() == '.');
    };
    says(refused([](json& j) { j["provider_id"] = ""; }), "\"provider_id\" must not be empty");
    says(refused([](json& j) { j["patient_id"] = nullptr; }), "\"patient_id\" must be a string");
    says(refused([](json& j) { j.erase("apply_charges"); }), "\"apply_charges\" is missing");
    says(refused([](json& j) { j["acquired_at"] = "yesterday"; }), "\"acquired_at\" must be a UTC time");
    says(refused([](json& j) { j["images"] = json::array(); }), "\"images\" must list at least one image");
    says(refused([](json& j) { j["images"][0]["size"] = 0; }), "declaration.images[0]: \"size\" must be more than 0");
    says(refused([](json& j) { j["images"][1]["seq"] = -1; }), "declaration.images[1]: \"seq\" must not be negative");
    says(refused([](json& j) { j["images"][0]["sha256"] = "xyz"; }), "\"sha256\" must be 64 hexadecimal digits");
    says(refused([](json& j) { j["images"][0]["kind"] = ""; }), "\"kind\" must not be empty");
    says(refused([](json& j) { j["images"].push_back(j["images"][0]); }), "lists the image " + kImg + " twice");
    says(refused([](json& j) { j.erase("expected_patient"); }), "\"expected_patient\" must say whom the user was shown");
    says(refused([](json& j) { j["expected_patient"]["birth_date"] = "soon"; }),
         "declaration.expected_patient: \"birth_date\" must be a date");
    const WireError upper = refused([](json& j) { j["images"][0]["uuid"] = "AAAAAAAA-2222-4333-8444-555555555555"; });
    CHECK(upper.code() == "bad_uuid");
    CHECK(refused([](json& j) { j["code"] = 7; }).code() == "bad_request");
    CHECK(refusal<SignInRequest>({{"user", "demo"}}).code() == "bad_request");
    CHECK(refusal<SignInRequest>({{"user", ""}, {"pin", "1"}}).code() == "bad_request");
    CHECK_THROWS_AS(decode<Health>("not json"), WireError);
    try {
        decode<Health>("");
    } catch (const WireError& e) {
        CHECK(e.code() == "bad_json");
    }

    // Answers: a null only where the contract has one.
    json declared = to_json(procedure(RemoteState::declared));
    declared["patient_id"] = nullptr;
    says(refusal<ProcedureStatus>(declared), "procedure: \"patient_id\" must be a string");
    json no_household = to_json(kMaria);
    no_household["household"] = 3;
    says(refusal<Patient>(no_household), "patient.household must be an object");
    json no_birth = to_json(kMaria);
    no_birth["birth_date"] = nullptr;
    says(refusal<Patient>(no_birth), "\"birth_date\" must be a string");
    json bad_state = to_json(procedure(RemoteState::declared));
    bad_state["state"] = "posted";
    says(refusal<ProcedureStatus>(bad_state), "\"state\" must be declared, committed or withdrawn");
}

TEST_CASE("the same declaration: images as a set, sha-256 in any case, whoever was expected") {
    const Declaration a = declaration();
    Declaration b = a;
    std::reverse(b.images.begin(), b.images.end());
    for (auto& c : b.images[0].sha256) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    b.expected_patient = {"MARIA", "LOPEZ", " 1984-03-09"};
    CHECK(same_declaration(a, b));
    b.provider_id.clear();
    CHECK_FALSE(same_declaration(a, b));
    b = a;
    b.images[1].seq = 5;
    CHECK_FALSE(same_declaration(a, b));
}

TEST_CASE("a procedure made from its declaration carries every field and each image's received flag") {
    const Declaration d = declaration();
    const ProcedureStatus p = procedure_status("u", RemoteState::declared, d, {true, false});
    CHECK(p.acquired_at == d.acquired_at);
    CHECK(p.provider_id == d.provider_id);
    REQUIRE(p.images.size() == 2);
    CHECK((p.images[0].image == d.images[0] && p.images[0].received && !p.images[1].received));
    CHECK_THROWS_AS(procedure_status("u", RemoteState::declared, d, {true}), Error);
}

// docs/practice-api.md: `provider_id` is "a string or null/absent (no
// provider)". The client once sent "" for it, which the contract forbids and
// the server refused; and it read the Procedure with its own shapes.
TEST_CASE("the client declares and commits a procedure without a provider, and reads the nulls back") {
    test::Practice practice;
    auto c = practice.signed_in_client();
    auto img = practice.make_image(2000);
    Declaration d = practice.declaration({img});
    d.provider_id.clear();
    const std::string uuid = new_uuid();
    const ProcedureStatus declared = c->declare(uuid, d);
    CHECK(declared.provider_id.empty());
    c->upload_image(uuid, img.declared.uuid, img.path, img.declared.sha256, img.declared.size);
    const ProcedureStatus committed = c->commit(uuid);
    REQUIRE(committed.charge);
    CHECK(committed.charge->provider_id.empty());
    CHECK(committed.charge->amount_cents == 6500);
    CHECK(practice.server().charge_count(uuid) == 1);

    // A uuid withdrawn before it was ever declared reads back with its nulls.
    const std::string never = new_uuid();
    c->withdraw(never);
    const ProcedureStatus w = c->get_procedure(never);
    CHECK(w.state == RemoteState::withdrawn);
    CHECK(w.never_declared());
    CHECK(w.images.empty());
}

TEST_CASE("a commit of images in an image archive carries their DICOM UIDs, and the procedure keeps them") {
    const ArchiveRecord record{"2.25.329800735698586629295641978511506172918",
                               {{kImg, "2.25.1234567890"}, {kImg2, "2.25.98765"}}};
    round_trip(CommitRequest{});
    round_trip(CommitRequest{record});
    CHECK(to_json(CommitRequest{})["archive"].is_null());
    CHECK(from_json<CommitRequest>(json::object()) == CommitRequest{});  // {}: the commit of uploaded images
    ProcedureStatus archived = procedure(RemoteState::committed);
    for (auto& i : archived.images) i.received = false;  // the bytes are in the archive
    archived.archive = record;
    round_trip(archived);
    CHECK(to_json(procedure(RemoteState::committed))["archive"].is_null());

    auto refused = [&](auto change) {
        json j = to_json(CommitRequest{record});
        change(j);
        return std::string(refusal<CommitRequest>(j).what());
    };
    CHECK(refused([](json& j) { j["archive"]["study_instance_uid"] = "1.2.abc"; }) ==
          "commit.archive: \"study_instance_uid\" must be a DICOM UID.");
    for (const std::string& bad : std::vector<std::string>{"", "1..2", "1.02", ".1", "1.", std::string(65, '1')}) {
        CHECK_FALSE(is_dicom_uid(bad));
        CHECK(refused([&](json& j) { j["archive"]["instances"][0]["sop_instance_uid"] = bad; }) ==
              "commit.archive.instances[0]: \"sop_instance_uid\" must be a DICOM UID.");
    }
    CHECK(is_dicom_uid("1.2.840.10008.5.1.4.1.1.1.3"));
    CHECK(is_dicom_uid("2.25.0"));
    CHECK(refused([](json& j) { j["archive"]["instances"] = json::array(); }) ==
          "commit.archive: \"instances\" must list at least one image.");
    CHECK(refused([](json& j) { j["archive"]["instances"][1]["sop_instance_uid"] = "2.25.1234567890"; }) ==
          "commit.archive: \"instances\" gives the SOP instance 2.25.1234567890 twice.");
}
