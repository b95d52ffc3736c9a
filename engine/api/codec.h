#pragma once
// The practice API's JSON (docs/practice-api.md), written once for both ends:
// the client (engine/api) and the reference server (server/) encode and
// decode every wire type here, so the two cannot drift apart.
//
// Decoding checks each field's type and documented nullability and fails
// with a WireError naming the field in a sentence; a null is accepted exactly
// where docs/practice-api.md allows one. Answers are checked for shape only:
// whether they name what was asked for is answer_checks.h's job. Encoding
// writes what decoding reads back (the round trip is tested per documented
// state in tests/api/test_codec.cpp).
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/util/error.h"

namespace cs::api {

// A body that does not fit the contract. what() is a sentence naming the
// field ("procedure.images[0]: "size" must be an integer."); code() is the
// contract's error code a server answers with: bad_json, bad_uuid or
// bad_request.
class WireError : public Error {
public:
    WireError(std::string code, std::string sentence) : Error(std::move(sentence)), code_(std::move(code)) {}
    const std::string& code() const noexcept { return code_; }

private:
    std::string code_;
};

// ---- The wire types. An empty string stands for a documented null. ----

struct Household {
    std::string id, name;
    bool operator==(const Household&) const = default;
};

struct Patient {
    std::string id, first_name, last_name, birth_date;
    std::optional<Household> household;  // null: no household
    bool operator==(const Patient&) const = default;
};

struct PatientList {  // GET /patients
    std::vector<Patient> patients;
    bool operator==(const PatientList&) const = default;
};

struct HouseholdWithMembers {
    std::string id, name;
    std::vector<Patient> members;
    bool operator==(const HouseholdWithMembers&) const = default;
};

struct SearchResult {  // GET /patients/search
    std::vector<Patient> patients;
    std::vector<HouseholdWithMembers> households;
    bool operator==(const SearchResult&) const = default;
};

// A location of the practice, as GET /locations/{id} names it.
struct Location {
    std::string id, name;
    bool operator==(const Location&) const = default;
};

struct Provider {
    std::string id, name;
    bool charting = false;
    bool operator==(const Provider&) const = default;
};

struct LocationProviders {  // GET /locations/{id}/providers
    std::string location_id;
    std::vector<Provider> providers;
    bool operator==(const LocationProviders&) const = default;
};

struct ProcedureType {
    std::string code, name;
    int64_t fee_cents = 0;
    bool default_apply_charges = false, default_bill_insurance = false;
    std::optional<std::string> default_provider_id;  // null: none, or not allowed to chart here
    bool operator==(const ProcedureType&) const = default;
};

struct LocationProcedureTypes {  // GET /imaging-procedure-types
    std::string location_id;
    std::vector<ProcedureType> procedure_types;
    bool operator==(const LocationProcedureTypes&) const = default;
};

struct SignInRequest {  // POST /sessions
    std::string user;
    std::string secret;         // the PIN, or the password
    bool password = false;      // sent as "password" instead of "pin"
    std::string workstation;    // optional: empty is not sent
    bool operator==(const SignInRequest&) const = default;
};

// GET /sessions; with a token, the answer of POST /sessions.
struct Session {
    std::string expires_at;
    std::string user_id, user_name;
    bool operator==(const Session&) const = default;
};

struct SignInAnswer {
    std::string token;
    Session session;
    bool operator==(const SignInAnswer&) const = default;
};

struct Health {
    std::string status, server_time;
    int api_version = 0;
    bool operator==(const Health&) const = default;
};

struct DeclaredImage {
    std::string uuid, sha256;
    uint64_t size = 0;
    std::string kind;  // ChairSync sends "radiograph" or "photo"; the contract allows any non-empty word
    int seq = 0;
    bool operator==(const DeclaredImage&) const = default;
};

// Whom the user was shown for patient_id: a precondition of the declaration.
struct ExpectedPatient {
    std::string first_name, last_name, birth_date;
    bool operator==(const ExpectedPatient&) const = default;
};

// PUT /imaging-procedures/{uuid}: what the client declares before uploading.
struct Declaration {
    std::string patient_id, location_id, code, acquired_at;
    bool apply_charges = true, bill_insurance = true;
    std::string provider_id;  // empty: no provider (sent as null)
    std::vector<DeclaredImage> images;
    ExpectedPatient expected_patient;
    bool operator==(const Declaration&) const = default;
};

// "The same declaration" of docs/practice-api.md (Idempotency): its fields
// and its images as a set, sha-256 case-insensitively; expected_patient is
// not part of it.
bool same_declaration(const Declaration& a, const Declaration& b);

struct ImageStatus {
    DeclaredImage image;
    bool received = false;
    bool operator==(const ImageStatus&) const = default;
};

struct Charge {
    int64_t amount_cents = 0;
    bool bill_insurance = false;
    std::string provider_id;  // empty: no provider (null)
    std::string posted_at;
    bool operator==(const Charge&) const = default;
};

// Images kept in a DICOMweb image archive instead of uploaded here
// (docs/practice-api.md, "Images in an image archive"): the study and each
// declared image's instance, by DICOM UID.
struct ArchivedInstance {
    std::string image_uuid, sop_instance_uid;
    bool operator==(const ArchivedInstance&) const = default;
};
struct ArchiveRecord {
    std::string study_instance_uid;
    std::vector<ArchivedInstance> instances;
    bool operator==(const ArchiveRecord&) const = default;
};

// POST .../commit: empty, or the archive's UIDs of every declared image.
struct CommitRequest {
    std::optional<ArchiveRecord> archive;
    bool operator==(const CommitRequest&) const = default;
};

// A DICOM UID (PS3.5 9.1): digits and dots, at most 64 characters, no empty
// component, no leading zero in a component of more than one digit.
bool is_dicom_uid(const std::string& s);

enum class RemoteState { declared, committed, withdrawn };
const char* to_string(RemoteState s);

// The Procedure object: how the server sees a procedure uuid. A uuid
// withdrawn before it was ever declared has empty declaration fields (null
// on the wire) and no images.
struct ProcedureStatus {
    std::string uuid;
    RemoteState state = RemoteState::declared;
    std::string patient_id, location_id, code, acquired_at;
    std::string provider_id;  // empty: no provider (null)
    bool apply_charges = false, bill_insurance = false;
    std::vector<ImageStatus> images;
    std::optional<Charge> charge;
    std::optional<ArchiveRecord> archive;  // null: the images' bytes are (to be) uploaded here
    bool all_images_received() const;
    bool never_declared() const { return state == RemoteState::withdrawn && patient_id.empty(); }
    bool operator==(const ProcedureStatus&) const = default;
};

// The Procedure object for a declaration as the server holds it: its fields
// copied, its images with received[i] for images[i] (one flag per image).
ProcedureStatus procedure_status(const std::string& uuid, RemoteState state, const Declaration& d,
                                 const std::vector<bool>& received);

struct UploadResult {  // the answer of PUT .../images/{image_uuid}
    std::string uuid, sha256;
    uint64_t size = 0;
    bool already_held = false;  // 200 instead of 201: the status, not the body
    bool operator==(const UploadResult&) const = default;
};

struct ErrorBody {  // every non-2xx answer
    std::string code, message;
    bool operator==(const ErrorBody&) const = default;
};

// ---- JSON ----

nlohmann::json to_json(const Patient& v);
nlohmann::json to_json(const PatientList& v);
nlohmann::json to_json(const SearchResult& v);
nlohmann::json to_json(const Location& v);
nlohmann::json to_json(const LocationProviders& v);
nlohmann::json to_json(const LocationProcedureTypes& v);
nlohmann::json to_json(const SignInRequest& v);
nlohmann::json to_json(const Session& v);
nlohmann::json to_json(const SignInAnswer& v);
nlohmann::json to_json(const Health& v);
nlohmann::json to_json(const Declaration& v);
nlohmann::json to_json(const ProcedureStatus& v);
nlohmann::json to_json(const CommitRequest& v);
nlohmann::json to_json(const UploadResult& v);
nlohmann::json to_json(const ErrorBody& v);

// Reads one wire type from a JSON value (throws WireError). Defined for each
// type that has a to_json above.
template <typename T>
T from_json(const nlohmann::json& j);
template <>
Patient from_json<Patient>(const nlohmann::json& j);
template <>
PatientList from_json<PatientList>(const nlohmann::json& j);
template <>
SearchResult from_json<SearchResult>(const nlohmann::json& j);
template <>
Location from_json<Location>(const nlohmann::json& j);
template <>
LocationProviders from_json<LocationProviders>(const nlohmann::json& j);
template <>
LocationProcedureTypes from_json<LocationProcedureTypes>(const nlohmann::json& j);
template <>
SignInRequest from_json<SignInRequest>(const nlohmann::json& j);
template <>
Session from_json<Session>(const nlohmann::json& j);
template <>
SignInAnswer from_json<SignInAnswer>(const nlohmann::json& j);
template <>
Health from_json<Health>(const nlohmann::json& j);
template <>
Declaration from_json<Declaration>(const nlohmann::json& j);
template <>
ProcedureStatus from_json<ProcedureStatus>(const nlohmann::json& j);
template <>
CommitRequest from_json<CommitRequest>(const nlohmann::json& j);
template <>
UploadResult from_json<UploadResult>(const nlohmann::json& j);
template <>
ErrorBody from_json<ErrorBody>(const nlohmann::json& j);

// A body's text from its JSON (dump_json), and back: WireError bad_json when
// the text is empty or not JSON.
std::string encode_json(const nlohmann::json& j);
nlohmann::json parse_json_text(const std::string& text);

template <typename T>
std::string encode(const T& v) {
    return encode_json(to_json(v));
}

template <typename T>
T decode(const std::string& text) {
    return from_json<T>(parse_json_text(text));
}

// The contract's error body, if `text` is one; anything else (a proxy's page,
// an empty body) gives nullopt.
std::optional<ErrorBody> decode_error_body(const std::string& text);

}  // namespace cs::api
