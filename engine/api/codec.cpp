// The practice API's JSON, one reader and one writer per wire type
// (docs/practice-api.md). Every failure names the field at fault.
#include "engine/api/codec.h"
#include "engine/api/setup_codec.h"

#include <algorithm>
#include <cctype>
#include <limits>
#include <set>

#include "engine/util/json_text.h"
#include "engine/util/text.h"
#include "engine/util/uuid.h"

namespace cs::api {

using json = nlohmann::json;

const char* to_string(RemoteState s) {
    switch (s) {
        case RemoteState::declared: return "declared";
        case RemoteState::committed: return "committed";
        case RemoteState::withdrawn: return "withdrawn";
    }
    return "?";
}

bool is_dicom_uid(const std::string& s) {
    if (s.empty() || s.size() > 64) return false;
    size_t start = 0;
    while (start <= s.size()) {
        size_t dot = s.find('.', start);
        if (dot == std::string::npos) dot = s.size();
        const std::string_view part(s.data() + start, dot - start);
        if (part.empty() || (part.size() > 1 && part[0] == '0')) return false;
        for (char c : part)
            if (c < '0' || c > '9') return false;
        start = dot + 1;
    }
    return true;
}

bool ProcedureStatus::all_images_received() const {
    return std::all_of(images.begin(), images.end(), [](const ImageStatus& i) { return i.received; });
}

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

bool is_hex64(const std::string& s) {
    return s.size() == 64 &&
           std::all_of(s.begin(), s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

// YYYY-MM-DDTHH:MM:SSZ, a real calendar date (docs/practice-api.md, Conventions).
bool is_utc_time(const std::string& s) {
    if (s.size() != 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z') return false;
    for (int i : {11, 12, 14, 15, 17, 18})
        if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    return parse_iso_date(s.substr(0, 10)).has_value();
}

// Reads the fields of one JSON object; `where` names it in every sentence.
class Reader {
public:
    Reader(const json& j, std::string where) : j_(j), where_(std::move(where)) {
        if (!j_.is_object()) fail("must be an object");
    }
    [[noreturn]] void fail(const std::string& why, const char* code = "bad_request") const {
        throw WireError(code, where_ + " " + why + ".");
    }
    [[noreturn]] void fail_field(const char* key, const std::string& why, const char* code = "bad_request") const {
        throw WireError(code, where_ + ": \"" + key + "\" " + why + ".");
    }
    bool has(const char* key) const {
        auto it = j_.find(key);
        return it != j_.end() && !it->is_null();
    }
    const json& field(const char* key) const {
        auto it = j_.find(key);
        if (it == j_.end()) fail_field(key, "is missing");
        return *it;
    }
    std::string str(const char* key) const {
        const json& v = field(key);
        if (!v.is_string()) fail_field(key, "must be a string");
        return v.get<std::string>();
    }
    // docs/practice-api.md: "strings are non-empty" in a request.
    std::string text(const char* key) const {
        std::string s = str(key);
        if (s.empty()) fail_field(key, "must not be empty");
        return s;
    }
    // A string, or null/absent where the contract allows it: empty.
    std::string nullable_str(const char* key) const { return has(key) ? str(key) : std::string(); }
    bool boolean(const char* key) const {
        const json& v = field(key);
        if (!v.is_boolean()) fail_field(key, "must be true or false");
        return v.get<bool>();
    }
    int64_t integer(const char* key) const {
        const json& v = field(key);
        if (!v.is_number_integer()) fail_field(key, "must be an integer");
        return v.get<int64_t>();
    }
    uint64_t count(const char* key) const {
        int64_t v = integer(key);
        if (v < 0) fail_field(key, "must not be negative");
        return static_cast<uint64_t>(v);
    }
    int small_count(const char* key) const {
        uint64_t v = count(key);
        if (v > static_cast<uint64_t>(std::numeric_limits<int>::max())) fail_field(key, "is too large");
        return static_cast<int>(v);
    }
    const json& list(const char* key) const {
        const json& v = field(key);
        if (!v.is_array()) fail_field(key, "must be a list");
        return v;
    }
    Reader object(const char* key) const { return Reader(field(key), where_ + "." + key); }
    // Each element of the list `key`, read by f(element, where).
    template <typename T, typename F>
    std::vector<T> each(const char* key, F f) const {
        const json& l = list(key);
        std::vector<T> out;
        out.reserve(l.size());
        for (size_t i = 0; i < l.size(); ++i) out.push_back(f(l[i], where_ + "." + key + "[" + std::to_string(i) + "]"));
        return out;
    }

private:
    const json& j_;
    std::string where_;
};

json nullable(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

json archive_json(const std::optional<ArchiveRecord>& a) {
    if (!a) return nullptr;
    json instances = json::array();
    for (const auto& i : a->instances)
        instances.push_back({{"image_uuid", i.image_uuid}, {"sop_instance_uid", i.sop_instance_uid}});
    return {{"study_instance_uid", a->study_instance_uid}, {"instances", instances}};
}

// Every UID a DICOM UID, and no SOP instance twice; which images it must
// name is the server's rule (it knows the declaration).
std::optional<ArchiveRecord> read_archive(const Reader& r) {
    if (!r.has("archive")) return std::nullopt;
    Reader a = r.object("archive");
    ArchiveRecord out{a.str("study_instance_uid"), {}};
    if (!is_dicom_uid(out.study_instance_uid)) a.fail_field("study_instance_uid", "must be a DICOM UID");
    out.instances = a.each<ArchivedInstance>("instances", [](const json& j, const std::string& where) {
        Reader i(j, where);
        ArchivedInstance v{i.str("image_uuid"), i.str("sop_instance_uid")};
        if (!is_dicom_uid(v.sop_instance_uid)) i.fail_field("sop_instance_uid", "must be a DICOM UID");
        return v;
    });
    if (out.instances.empty()) a.fail_field("instances", "must list at least one image");
    std::set<std::string> sops;
    for (const auto& i : out.instances)
        if (!sops.insert(i.sop_instance_uid).second)
            a.fail_field("instances", "gives the SOP instance " + i.sop_instance_uid + " twice");
    return out;
}

Patient read_patient(const json& j, const std::string& where) {
    Reader r(j, where);
    Patient p{r.str("id"), r.str("first_name"), r.str("last_name"), r.str("birth_date"), std::nullopt};
    if (r.has("household")) {
        Reader h = r.object("household");
        p.household = Household{h.str("id"), h.str("name")};
    }
    return p;
}

std::vector<Patient> read_patients(const Reader& r, const char* key) { return r.each<Patient>(key, read_patient); }

json patients_json(const std::vector<Patient>& ps) {
    json out = json::array();
    for (const auto& p : ps) out.push_back(to_json(p));
    return out;
}

Session read_session(const Reader& r) {
    Reader u = r.object("user");
    Session s{r.str("expires_at"), u.str("id"), u.str("name")};
    if (s.user_id.empty()) u.fail_field("id", "must not be empty");
    return s;
}

json session_json(const Session& s) {
    return {{"expires_at", s.expires_at}, {"user", {{"id", s.user_id}, {"name", s.user_name}}}};
}

json image_json(const DeclaredImage& i) {
    return {{"uuid", i.uuid}, {"sha256", i.sha256}, {"size", i.size}, {"kind", i.kind}, {"seq", i.seq}};
}

// A declared image in a request: every rule of docs/practice-api.md (declare).
DeclaredImage read_declared_image(const json& j, const std::string& where) {
    Reader r(j, where);
    DeclaredImage d;
    d.uuid = r.str("uuid");
    if (!is_uuid(d.uuid)) r.fail_field("uuid", "must be a lowercase UUID", "bad_uuid");
    d.sha256 = r.str("sha256");
    if (!is_hex64(d.sha256)) r.fail_field("sha256", "must be 64 hexadecimal digits");
    d.size = r.count("size");
    if (d.size == 0) r.fail_field("size", "must be more than 0 bytes");
    d.kind = r.text("kind");
    d.seq = r.small_count("seq");
    return d;
}

// An image in an answer: its shape only (answer_checks.h compares it with what was sent).
ImageStatus read_image_status(const json& j, const std::string& where) {
    Reader r(j, where);
    return ImageStatus{{r.str("uuid"), r.str("sha256"), r.count("size"), r.text("kind"), r.small_count("seq")},
                       r.boolean("received")};
}

}  // namespace

bool same_declaration(const Declaration& a, const Declaration& b) {
    auto image_set = [](const Declaration& d) {
        std::vector<DeclaredImage> v = d.images;
        for (auto& i : v) i.sha256 = lower(i.sha256);
        std::sort(v.begin(), v.end(), [](const auto& x, const auto& y) { return x.uuid < y.uuid; });
        return v;
    };
    return a.patient_id == b.patient_id && a.location_id == b.location_id && a.code == b.code &&
           a.acquired_at == b.acquired_at && a.apply_charges == b.apply_charges &&
           a.bill_insurance == b.bill_insurance && a.provider_id == b.provider_id && image_set(a) == image_set(b);
}

ProcedureStatus procedure_status(const std::string& uuid, RemoteState state, const Declaration& d,
                                 const std::vector<bool>& received) {
    if (received.size() != d.images.size())
        throw Error("A procedure's received flags (" + std::to_string(received.size()) + ") do not match its " +
                    std::to_string(d.images.size()) + " declared images.");
    ProcedureStatus p;
    p.uuid = uuid;
    p.state = state;
    p.patient_id = d.patient_id;
    p.location_id = d.location_id;
    p.code = d.code;
    p.acquired_at = d.acquired_at;
    p.apply_charges = d.apply_charges;
    p.bill_insurance = d.bill_insurance;
    p.provider_id = d.provider_id;
    for (size_t i = 0; i < d.images.size(); ++i) p.images.push_back({d.images[i], received[i]});
    return p;
}

std::string encode_json(const json& j) { return dump_json(j); }

json parse_json_text(const std::string& text) {
    if (text.empty()) throw WireError("bad_json", "The body is empty.");
    json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) throw WireError("bad_json", "The body is not JSON (" + std::to_string(text.size()) + " bytes).");
    return j;
}

// ---- to_json ----

json to_json(const Patient& v) {
    json household = v.household ? json{{"id", v.household->id}, {"name", v.household->name}} : json(nullptr);
    return {{"id", v.id}, {"first_name", v.first_name}, {"last_name", v.last_name}, {"birth_date", v.birth_date},
            {"household", household}};
}

json to_json(const PatientList& v) { return {{"patients", patients_json(v.patients)}}; }

json to_json(const SearchResult& v) {
    json households = json::array();
    for (const auto& h : v.households)
        households.push_back({{"id", h.id}, {"name", h.name}, {"members", patients_json(h.members)}});
    return {{"patients", patients_json(v.patients)}, {"households", households}};
}

json to_json(const Location& v) { return {{"id", v.id}, {"name", v.name}}; }

json to_json(const LocationProviders& v) {
    json list = json::array();
    for (const auto& p : v.providers) list.push_back({{"id", p.id}, {"name", p.name}, {"charting", p.charting}});
    return {{"location_id", v.location_id}, {"providers", list}};
}

json to_json(const LocationProcedureTypes& v) {
    json list = json::array();
    for (const auto& t : v.procedure_types)
        list.push_back({{"code", t.code},
                        {"name", t.name},
                        {"fee_cents", t.fee_cents},
                        {"default_apply_charges", t.default_apply_charges},
                        {"default_bill_insurance", t.default_bill_insurance},
                        {"default_provider_id", t.default_provider_id ? json(*t.default_provider_id) : json(nullptr)}});
    return {{"location_id", v.location_id}, {"procedure_types", list}};
}

json to_json(const SignInRequest& v) {
    json j = {{"user", v.user}, {v.password ? "password" : "pin", v.secret}};
    if (!v.workstation.empty()) j["workstation"] = v.workstation;
    return j;
}

json to_json(const Session& v) { return session_json(v); }

json to_json(const SignInAnswer& v) {
    json j = session_json(v.session);
    j["token"] = v.token;
    return j;
}

json to_json(const Health& v) {
    return {{"status", v.status}, {"server_time", v.server_time}, {"api_version", v.api_version}};
}

json to_json(const AdminPinCheck& v) { return {{"pin", v.pin}}; }

json to_json(const LocationList& v) {
    json list = json::array();
    for (const auto& l : v.locations) list.push_back(to_json(l));
    return {{"locations", list}};
}

json to_json(const Declaration& v) {
    json images = json::array();
    for (const auto& i : v.images) images.push_back(image_json(i));
    const ExpectedPatient& e = v.expected_patient;
    return {{"patient_id", v.patient_id},
            {"location_id", v.location_id},
            {"code", v.code},
            {"acquired_at", v.acquired_at},
            {"apply_charges", v.apply_charges},
            {"bill_insurance", v.bill_insurance},
            {"provider_id", nullable(v.provider_id)},
            {"images", images},
            {"expected_patient", {{"first_name", e.first_name}, {"last_name", e.last_name}, {"birth_date", e.birth_date}}}};
}

json to_json(const ProcedureStatus& v) {
    json images = json::array();
    for (const auto& i : v.images) {
        json im = image_json(i.image);
        im["received"] = i.received;
        images.push_back(im);
    }
    json charge = nullptr;
    if (v.charge)
        charge = {{"amount_cents", v.charge->amount_cents},
                  {"bill_insurance", v.charge->bill_insurance},
                  {"provider_id", nullable(v.charge->provider_id)},
                  {"posted_at", v.charge->posted_at}};
    // A uuid withdrawn before it was ever declared: null for every declaration field.
    const bool none = v.never_declared();
    auto flag = [&](bool b) { return none ? json(nullptr) : json(b); };
    return {{"uuid", v.uuid},
            {"state", to_string(v.state)},
            {"patient_id", nullable(v.patient_id)},
            {"location_id", nullable(v.location_id)},
            {"code", nullable(v.code)},
            {"acquired_at", nullable(v.acquired_at)},
            {"apply_charges", flag(v.apply_charges)},
            {"bill_insurance", flag(v.bill_insurance)},
            {"provider_id", nullable(v.provider_id)},
            {"images", images},
            {"charge", charge},
            {"archive", archive_json(v.archive)}};
}

json to_json(const CommitRequest& v) { return {{"archive", archive_json(v.archive)}}; }

json to_json(const UploadResult& v) {
    return {{"uuid", v.uuid}, {"sha256", v.sha256}, {"size", v.size}, {"received", true}};
}

json to_json(const ErrorBody& v) { return {{"error", {{"code", v.code}, {"message", v.message}}}}; }

// ---- from_json ----

template <>
Patient from_json<Patient>(const json& j) {
    return read_patient(j, "patient");
}

template <>
PatientList from_json<PatientList>(const json& j) {
    return PatientList{read_patients(Reader(j, "answer"), "patients")};
}

template <>
SearchResult from_json<SearchResult>(const json& j) {
    Reader r(j, "answer");
    SearchResult out;
    out.patients = read_patients(r, "patients");
    out.households = r.each<HouseholdWithMembers>("households", [](const json& e, const std::string& where) {
        Reader h(e, where);
        return HouseholdWithMembers{h.str("id"), h.str("name"), read_patients(h, "members")};
    });
    return out;
}

template <>
Location from_json<Location>(const json& j) {
    Reader r(j, "location");
    return Location{r.str("id"), r.str("name")};
}

template <>
LocationProviders from_json<LocationProviders>(const json& j) {
    Reader r(j, "answer");
    LocationProviders out{r.str("location_id"), {}};
    out.providers = r.each<Provider>("providers", [](const json& e, const std::string& where) {
        Reader p(e, where);
        return Provider{p.str("id"), p.str("name"), p.boolean("charting")};
    });
    return out;
}

template <>
LocationProcedureTypes from_json<LocationProcedureTypes>(const json& j) {
    Reader r(j, "answer");
    LocationProcedureTypes out{r.str("location_id"), {}};
    out.procedure_types = r.each<ProcedureType>("procedure_types", [](const json& e, const std::string& where) {
        Reader t(e, where);
        std::optional<std::string> prov;
        if (t.has("default_provider_id")) prov = t.str("default_provider_id");
        return ProcedureType{t.str("code"),
                             t.str("name"),
                             t.integer("fee_cents"),
                             t.boolean("default_apply_charges"),
                             t.boolean("default_bill_insurance"),
                             prov};
    });
    return out;
}

template <>
SignInRequest from_json<SignInRequest>(const json& j) {
    Reader r(j, "sign-in");
    SignInRequest s;
    s.user = r.text("user");
    s.password = !r.has("pin") && r.has("password");
    if (!r.has("pin") && !r.has("password")) r.fail("needs \"pin\" (or \"password\")");
    s.secret = r.str(s.password ? "password" : "pin");
    s.workstation = r.nullable_str("workstation");
    return s;
}

template <>
AdminPinCheck from_json<AdminPinCheck>(const json& j) {
    return AdminPinCheck{Reader(j, "administrator PIN").str("pin")};
}

template <>
LocationList from_json<LocationList>(const json& j) {
    Reader r(j, "answer");
    return LocationList{r.each<Location>("locations", [](const json& e, const std::string& where) {
        Reader l(e, where);
        return Location{l.str("id"), l.str("name")};
    })};
}

template <>
Session from_json<Session>(const json& j) {
    return read_session(Reader(j, "session"));
}

template <>
SignInAnswer from_json<SignInAnswer>(const json& j) {
    Reader r(j, "session");
    SignInAnswer a{r.text("token"), read_session(r)};
    return a;
}

template <>
Health from_json<Health>(const json& j) {
    Reader r(j, "health");
    int64_t version = r.integer("api_version");
    if (version < 0 || version > 1000) r.fail_field("api_version", "is not a version");
    return Health{r.str("status"), r.str("server_time"), static_cast<int>(version)};
}

// The fields a declaration and a procedure's status share; text and flag
// read one field each, by the rules of the caller's message.
namespace {
template <class Target, class Text, class Flag>
void read_declared_fields(Target& out, Text text, Flag flag) {
    out.patient_id = text("patient_id");
    out.location_id = text("location_id");
    out.code = text("code");
    out.acquired_at = text("acquired_at");
    out.apply_charges = flag("apply_charges");
    out.bill_insurance = flag("bill_insurance");
}
}  // namespace

// The declaration a server receives: every rule of docs/practice-api.md
// (declare, step 1) but the server's own size limit.
template <>
Declaration from_json<Declaration>(const json& j) {
    Reader r(j, "declaration");
    Declaration d;
    read_declared_fields(
        d, [&](const char* key) { return r.text(key); }, [&](const char* key) { return r.boolean(key); });
    if (!is_utc_time(d.acquired_at)) r.fail_field("acquired_at", "must be a UTC time like 2026-11-30T14:02:00Z");
    if (r.has("provider_id")) d.provider_id = r.text("provider_id");
    d.images = r.each<DeclaredImage>("images", read_declared_image);
    if (d.images.empty()) r.fail_field("images", "must list at least one image");
    std::set<std::string> seen;
    for (const auto& i : d.images)
        if (!seen.insert(i.uuid).second) r.fail_field("images", "lists the image " + i.uuid + " twice");
    if (!r.has("expected_patient"))
        r.fail_field("expected_patient", "must say whom the user was shown: first_name, last_name and birth_date");
    Reader e = r.object("expected_patient");
    d.expected_patient = {e.text("first_name"), e.text("last_name"), e.text("birth_date")};
    if (!parse_iso_date(d.expected_patient.birth_date)) e.fail_field("birth_date", "must be a date like 1984-03-09");
    return d;
}

template <>
ProcedureStatus from_json<ProcedureStatus>(const json& j) {
    Reader r(j, "procedure");
    ProcedureStatus p;
    p.uuid = r.str("uuid");
    const std::string state = r.str("state");
    if (state == "declared") p.state = RemoteState::declared;
    else if (state == "committed") p.state = RemoteState::committed;
    else if (state == "withdrawn") p.state = RemoteState::withdrawn;
    else r.fail_field("state", "must be declared, committed or withdrawn");
    // A uuid withdrawn before it was ever declared has null for every
    // declaration field; `provider_id` may be null (no provider) in any state.
    const bool nulls_ok = p.state == RemoteState::withdrawn;
    auto text = [&](const char* key) { return nulls_ok ? r.nullable_str(key) : r.str(key); };
    auto flag = [&](const char* key) { return nulls_ok && !r.has(key) ? false : r.boolean(key); };
    read_declared_fields(p, text, flag);
    p.provider_id = r.nullable_str("provider_id");
    p.images = r.each<ImageStatus>("images", read_image_status);
    if (r.has("charge")) {
        Reader c = r.object("charge");
        p.charge = Charge{c.integer("amount_cents"), c.boolean("bill_insurance"), c.nullable_str("provider_id"),
                          c.str("posted_at")};
    }
    p.archive = read_archive(r);
    return p;
}

template <>
CommitRequest from_json<CommitRequest>(const json& j) {
    return CommitRequest{read_archive(Reader(j, "commit"))};
}

template <>
UploadResult from_json<UploadResult>(const json& j) {
    Reader r(j, "upload answer");
    if (!r.boolean("received")) r.fail_field("received", "must be true: an answer of 200 or 201 holds the image");
    return UploadResult{r.str("uuid"), r.str("sha256"), r.count("size"), false};
}

template <>
ErrorBody from_json<ErrorBody>(const json& j) {
    Reader e = Reader(j, "error answer").object("error");
    return ErrorBody{e.str("code"), e.str("message")};
}

std::optional<ErrorBody> decode_error_body(const std::string& text) {
    try {
        return decode<ErrorBody>(text);
    } catch (const WireError&) {
        return std::nullopt;
    }
}

}  // namespace cs::api
