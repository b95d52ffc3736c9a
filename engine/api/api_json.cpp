// JSON of the practice API: strict readers that name the field at fault.
#include <nlohmann/json.hpp>

#include "engine/api/api_types.h"
#include "engine/util/json_text.h"
#include "engine/util/text.h"

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

bool ProcedureStatus::all_images_received() const {
    for (const auto& i : images)
        if (!i.received) return false;
    return true;
}

namespace {

// Reads fields of one JSON object; every failure is a bad_answer naming the field.
class Reader {
public:
    Reader(const CallContext& call, const json& j, std::string where) : call_(call), j_(j), where_(std::move(where)) {
        if (!j_.is_object()) fail("is not an object");
    }
    [[noreturn]] void fail(const std::string& why) const { throw bad_answer_error(call_, where_ + " " + why); }

    const json& field(const char* key) const {
        auto it = j_.find(key);
        if (it == j_.end()) fail(std::string("has no \"") + key + "\"");
        return *it;
    }
    bool has_non_null(const char* key) const {
        auto it = j_.find(key);
        return it != j_.end() && !it->is_null();
    }
    std::string str(const char* key) const {
        const json& v = field(key);
        if (!v.is_string()) fail(std::string("\"") + key + "\" is not a string");
        return v.get<std::string>();
    }
    std::optional<std::string> opt_str(const char* key) const {
        if (!has_non_null(key)) return std::nullopt;
        return str(key);
    }
    bool boolean(const char* key) const {
        const json& v = field(key);
        if (!v.is_boolean()) fail(std::string("\"") + key + "\" is not true/false");
        return v.get<bool>();
    }
    int64_t integer(const char* key) const {
        const json& v = field(key);
        if (!v.is_number_integer()) fail(std::string("\"") + key + "\" is not an integer");
        return v.get<int64_t>();
    }
    uint64_t unsigned_int(const char* key) const {
        int64_t v = integer(key);
        if (v < 0) fail(std::string("\"") + key + "\" is negative");
        return static_cast<uint64_t>(v);
    }
    const json& array(const char* key) const {
        const json& v = field(key);
        if (!v.is_array()) fail(std::string("\"") + key + "\" is not a list");
        return v;
    }
    const json& object(const char* key) const {
        const json& v = field(key);
        if (!v.is_object()) fail(std::string("\"") + key + "\" is not an object");
        return v;
    }
    const CallContext& call() const { return call_; }
    const std::string& where() const { return where_; }

private:
    const CallContext& call_;
    const json& j_;
    std::string where_;
};

json parse_body(const CallContext& call, const std::string& body) {
    if (body.empty()) throw bad_answer_error(call, "empty body");
    json j = json::parse(body, nullptr, false);
    if (j.is_discarded()) throw bad_answer_error(call, "body is not JSON (" + std::to_string(body.size()) + " bytes)");
    return j;
}

Patient read_patient(const CallContext& call, const json& j, const std::string& where) {
    Reader r(call, j, where);
    Patient p{r.str("id"), r.str("first_name"), r.str("last_name"), r.str("birth_date"), std::nullopt};
    if (r.has_non_null("household")) {
        Reader h(call, r.object("household"), where + ".household");
        p.household = Household{h.str("id"), h.str("name")};
    }
    return p;
}

std::vector<Patient> read_patient_list(const Reader& r, const char* key) {
    std::vector<Patient> out;
    const json& list = r.array(key);
    for (size_t i = 0; i < list.size(); ++i)
        out.push_back(read_patient(r.call(), list[i], r.where() + "." + key + "[" + std::to_string(i) + "]"));
    return out;
}

DeclaredImage read_image(const Reader& r) {
    DeclaredImage d;
    d.uuid = r.str("uuid");
    d.sha256 = r.str("sha256");
    d.size = r.unsigned_int("size");
    auto kind = image_kind_from_string(r.str("kind"));
    if (!kind) r.fail("\"kind\" is neither radiograph nor photo");
    d.kind = *kind;
    d.seq = static_cast<int>(r.integer("seq"));
    return d;
}

}  // namespace

std::string to_json(const Declaration& d) {
    json images = json::array();
    for (const auto& i : d.images)
        images.push_back({{"uuid", i.uuid}, {"sha256", i.sha256}, {"size", i.size}, {"kind", to_string(i.kind)}, {"seq", i.seq}});
    json j = {{"patient_id", d.patient_id},       {"location_id", d.location_id},
              {"code", d.code},                   {"acquired_at", d.acquired_at},
              {"apply_charges", d.apply_charges}, {"bill_insurance", d.bill_insurance},
              {"provider_id", d.provider_id},     {"images", images},
              {"expected_patient",
               {{"first_name", d.expected_patient.first_name},
                {"last_name", d.expected_patient.last_name},
                {"birth_date", parse_iso_date(d.expected_patient.birth_date).value_or(d.expected_patient.birth_date)}}}};
    return dump_json(j);
}

namespace {
Session read_session(const CallContext& call, const Reader& r) {
    Reader u(call, r.object("user"), "session.user");
    Session s{r.str("expires_at"), u.str("id"), u.str("name")};
    if (s.user_id.empty()) u.fail("\"id\" is empty");
    return s;
}
}  // namespace

Session parse_session(const CallContext& call, const std::string& body, std::string& token_out) {
    json j = parse_body(call, body);
    Reader r(call, j, "session");
    token_out = r.str("token");
    if (token_out.empty()) r.fail("\"token\" is empty");
    return read_session(call, r);
}

Session parse_current_session(const CallContext& call, const std::string& body) {
    json j = parse_body(call, body);
    return read_session(call, Reader(call, j, "session"));
}

Health parse_health(const CallContext& call, const std::string& body) {
    json j = parse_body(call, body);
    Reader r(call, j, "health");
    return Health{r.str("status"), r.str("server_time"), static_cast<int>(r.integer("api_version"))};
}

std::vector<Patient> parse_patients(const CallContext& call, const std::string& body) {
    json j = parse_body(call, body);
    return read_patient_list(Reader(call, j, "answer"), "patients");
}

Patient parse_patient(const CallContext& call, const std::string& body) {
    return read_patient(call, parse_body(call, body), "patient");
}

SearchResult parse_search(const CallContext& call, const std::string& body) {
    json j = parse_body(call, body);
    Reader r(call, j, "answer");
    SearchResult out;
    out.patients = read_patient_list(r, "patients");
    const json& list = r.array("households");
    for (size_t i = 0; i < list.size(); ++i) {
        Reader h(call, list[i], "households[" + std::to_string(i) + "]");
        out.households.push_back({h.str("id"), h.str("name"), read_patient_list(h, "members")});
    }
    return out;
}

Location parse_location(const CallContext& call, const std::string& body) {
    json j = parse_body(call, body);
    Reader r(call, j, "answer");
    return {r.str("id"), r.str("name")};
}

std::vector<Provider> parse_providers(const CallContext& call, const std::string& body, std::string& location_out) {
    json j = parse_body(call, body);
    Reader r(call, j, "answer");
    location_out = r.str("location_id");
    std::vector<Provider> out;
    const json& list = r.array("providers");
    for (size_t i = 0; i < list.size(); ++i) {
        Reader p(call, list[i], "providers[" + std::to_string(i) + "]");
        out.push_back({p.str("id"), p.str("name"), p.boolean("charting")});
    }
    return out;
}

std::vector<ProcedureType> parse_procedure_types(const CallContext& call, const std::string& body,
                                                 std::string& location_out) {
    json j = parse_body(call, body);
    Reader r(call, j, "answer");
    location_out = r.str("location_id");
    std::vector<ProcedureType> out;
    const json& list = r.array("procedure_types");
    for (size_t i = 0; i < list.size(); ++i) {
        Reader t(call, list[i], "procedure_types[" + std::to_string(i) + "]");
        out.push_back({t.str("code"), t.str("name"), t.integer("fee_cents"), t.boolean("default_apply_charges"),
                       t.boolean("default_bill_insurance"), t.opt_str("default_provider_id")});
    }
    return out;
}

ProcedureStatus parse_procedure(const CallContext& call, const std::string& body) {
    json j = parse_body(call, body);
    Reader r(call, j, "procedure");
    ProcedureStatus p;
    p.uuid = r.str("uuid");
    std::string state = r.str("state");
    if (state == "declared") p.state = RemoteState::declared;
    else if (state == "committed") p.state = RemoteState::committed;
    else if (state == "withdrawn") p.state = RemoteState::withdrawn;
    else r.fail("has an unknown state");
    // docs/practice-api.md: a uuid withdrawn before it was ever declared has
    // null for every declaration field, and `provider_id` may be null (no
    // provider) in any state; both read as empty.
    const bool undeclared_ok = p.state == RemoteState::withdrawn;
    auto text = [&](const char* key, bool nullable) { return nullable ? r.opt_str(key).value_or("") : r.str(key); };
    auto flag = [&](const char* key) { return undeclared_ok && !r.has_non_null(key) ? false : r.boolean(key); };
    p.patient_id = text("patient_id", undeclared_ok);
    p.location_id = text("location_id", undeclared_ok);
    p.code = text("code", undeclared_ok);
    p.acquired_at = text("acquired_at", undeclared_ok);
    p.apply_charges = flag("apply_charges");
    p.bill_insurance = flag("bill_insurance");
    p.provider_id = text("provider_id", true);
    const json& list = r.array("images");
    for (size_t i = 0; i < list.size(); ++i) {
        Reader im(call, list[i], "procedure.images[" + std::to_string(i) + "]");
        p.images.push_back({read_image(im), im.boolean("received")});
    }
    if (r.has_non_null("charge")) {
        Reader c(call, r.object("charge"), "procedure.charge");
        p.charge = Charge{c.integer("amount_cents"), c.boolean("bill_insurance"), c.opt_str("provider_id").value_or(""),
                          c.str("posted_at")};
    }
    return p;
}

UploadResult parse_upload(const CallContext& call, const std::string& body) {
    json j = parse_body(call, body);
    Reader r(call, j, "upload answer");
    if (!r.boolean("received")) r.fail("says the image was not received");
    return UploadResult{r.str("uuid"), r.str("sha256"), r.unsigned_int("size"), false};
}

}  // namespace cs::api
