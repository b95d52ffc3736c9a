// Every reader of practice-server answers (engine/api): the JSON bodies of
// each call, the error bodies of each status, and the answer checks that
// compare an answer with the request. A hostile or broken server may send
// anything: the client must refuse it with a cs::Error (ApiError), never
// crash or throw something else.
#include "engine/api/answer_checks.h"
#include "engine/api/api_error.h"
#include "engine/api/api_types.h"
#include "tests/fuzz/fuzz_support.h"

using namespace cs;
using namespace cs::api;

namespace {

// The declaration an answer would have been the echo of.
Declaration declaration_of(const ProcedureStatus& p) {
    Declaration d{p.patient_id, p.location_id, p.code, p.acquired_at, p.apply_charges, p.bill_insurance,
                  p.provider_id, {}};
    for (const auto& i : p.images) d.images.push_back(i.image);
    return d;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string body(fuzz::as_text(data, size));
    const CallContext call{"GET", "/api/v1/fuzz"};
    std::string out;
    fuzz::refused_cleanly("parse_session", [&] { parse_session(call, body, out); });
    fuzz::refused_cleanly("parse_health", [&] { parse_health(call, body); });
    fuzz::refused_cleanly("parse_patients", [&] {
        const std::vector<Patient> got = parse_patients(call, body);
        if (!got.empty())
            check_exact_candidates(call, got, got[0].first_name, got[0].last_name, got[0].birth_date);
    });
    fuzz::refused_cleanly("parse_patient", [&] { parse_patient(call, body); });
    fuzz::refused_cleanly("parse_search", [&] { parse_search(call, body); });
    fuzz::refused_cleanly("parse_providers", [&] {
        parse_providers(call, body, out);
        check_location(call, out, "loc-1");
    });
    fuzz::refused_cleanly("parse_procedure_types", [&] { parse_procedure_types(call, body, out); });
    fuzz::refused_cleanly("parse_procedure", [&] {
        const ProcedureStatus p = parse_procedure(call, body);
        check_procedure_uuid(call, p, p.uuid);
        check_procedure_matches(call, p, p.uuid, declaration_of(p));
    });
    fuzz::refused_cleanly("parse_upload", [&] {
        const UploadResult u = parse_upload(call, body);
        check_upload(call, u, u.uuid, u.sha256, u.size);
    });
    // One status per input (each parses the body again; the input picks which).
    constexpr int kStatuses[] = {400, 401, 403, 404, 408, 409, 413, 422, 429, 500, 503, 302};
    const int status = kStatuses[size % std::size(kStatuses)];
    const ApiError e = error_from_http({"PUT", "/api/v1/imaging-procedures/x/images/y"}, status, body);
    if (std::string_view(e.what()).empty()) fuzz::fail("error_from_http gave an empty sentence");
    return 0;
}
