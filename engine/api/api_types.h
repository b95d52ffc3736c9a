#pragma once
// Value types of the practice API (docs/practice-api.md) and their JSON.
// Parsing validates every field's type; a malformed, empty or wrong-typed
// answer is an ApiError of kind bad_answer, never another exception.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/api/api_error.h"
#include "engine/store/records.h"

namespace cs::api {

struct Household {
    std::string id, name;
};

struct Patient {
    std::string id, first_name, last_name, birth_date;
    std::optional<Household> household;
};

struct HouseholdWithMembers {
    std::string id, name;
    std::vector<Patient> members;
};

struct SearchResult {
    std::vector<Patient> patients;
    std::vector<HouseholdWithMembers> households;
};

// A location of the practice, as GET /locations/{id} names it.
struct Location {
    std::string id, name;
};

struct Provider {
    std::string id, name;
    bool charting = false;
};

struct ProcedureType {
    std::string code, name;
    int64_t fee_cents = 0;
    bool default_apply_charges = false, default_bill_insurance = false;
    std::optional<std::string> default_provider_id;
};

struct Session {
    std::string expires_at;
    std::string user_id, user_name;
};

struct Health {
    std::string status, server_time;
    int api_version = 0;
};

struct DeclaredImage {
    std::string uuid, sha256;
    uint64_t size = 0;
    ImageKind kind = ImageKind::radiograph;
    int seq = 0;
};

// PUT /imaging-procedures/{uuid}: what the client declares before uploading.
struct Declaration {
    std::string patient_id, location_id, code, acquired_at;
    bool apply_charges = true, bill_insurance = true;
    std::string provider_id;
    std::vector<DeclaredImage> images;
    ShownPatient expected_patient;  // name and birth date the user was shown for patient_id
};

struct ImageStatus {
    DeclaredImage image;
    bool received = false;
};

struct Charge {
    int64_t amount_cents = 0;
    bool bill_insurance = false;
    std::string provider_id, posted_at;
};

enum class RemoteState { declared, committed, withdrawn };
const char* to_string(RemoteState s);

// The Procedure object: how the server sees a procedure uuid.
struct ProcedureStatus {
    std::string uuid;
    RemoteState state = RemoteState::declared;
    std::string patient_id, location_id, code, acquired_at, provider_id;
    bool apply_charges = false, bill_insurance = false;
    std::vector<ImageStatus> images;
    std::optional<Charge> charge;
    bool all_images_received() const;
};

struct UploadResult {
    std::string uuid, sha256;
    uint64_t size = 0;
    bool already_held = false;  // 200 instead of 201
};

// ---- JSON. `call` names the request in a bad_answer's detail. ----
std::string to_json(const Declaration& d);

// Each parses a whole answer body (throws ApiError bad_answer).
Session parse_session(const CallContext& call, const std::string& body, std::string& token_out);
Session parse_current_session(const CallContext& call, const std::string& body);  // GET /sessions: no token
Health parse_health(const CallContext& call, const std::string& body);
std::vector<Patient> parse_patients(const CallContext& call, const std::string& body);
Patient parse_patient(const CallContext& call, const std::string& body);
SearchResult parse_search(const CallContext& call, const std::string& body);
// The answer's location_id is returned through `location_out` for checking.
Location parse_location(const CallContext& call, const std::string& body);
std::vector<Provider> parse_providers(const CallContext& call, const std::string& body, std::string& location_out);
std::vector<ProcedureType> parse_procedure_types(const CallContext& call, const std::string& body,
                                                 std::string& location_out);
ProcedureStatus parse_procedure(const CallContext& call, const std::string& body);
UploadResult parse_upload(const CallContext& call, const std::string& body);

}  // namespace cs::api
