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
                  p.provider_id, {}, {}};
    for (const auto& i : p.images) d.images.push_back(i.image);
    return d;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string body(fuzz::as_text(data, size));
    const CallContext call{"GET", "/api/v1/fuzz"};
    fuzz::refused_cleanly("SignInAnswer", [&] { read_answer<SignInAnswer>(call, body); });
    fuzz::refused_cleanly("Session", [&] { read_answer<Session>(call, body); });
    fuzz::refused_cleanly("Health", [&] { read_answer<Health>(call, body); });
    fuzz::refused_cleanly("PatientList", [&] {
        const std::vector<Patient> got = read_answer<PatientList>(call, body).patients;
        if (!got.empty())
            check_exact_candidates(call, got, got[0].first_name, got[0].last_name, got[0].birth_date);
    });
    fuzz::refused_cleanly("Patient", [&] { read_answer<Patient>(call, body); });
    fuzz::refused_cleanly("SearchResult", [&] { read_answer<SearchResult>(call, body); });
    fuzz::refused_cleanly("Location", [&] {
        check_location(call, read_answer<Location>(call, body).id, "loc-1");
    });
    fuzz::refused_cleanly("LocationProviders", [&] {
        check_location(call, read_answer<LocationProviders>(call, body).location_id, "loc-1");
    });
    fuzz::refused_cleanly("LocationProcedureTypes", [&] { read_answer<LocationProcedureTypes>(call, body); });
    fuzz::refused_cleanly("ProcedureStatus", [&] {
        const ProcedureStatus p = read_answer<ProcedureStatus>(call, body);
        check_procedure_uuid(call, p, p.uuid);
        check_procedure_matches(call, p, p.uuid, declaration_of(p));
    });
    fuzz::refused_cleanly("UploadResult", [&] {
        const UploadResult u = read_answer<UploadResult>(call, body);
        check_upload(call, u, u.uuid, u.sha256, u.size);
    });
    // One status per input (each parses the body again; the input picks which).
    constexpr int kStatuses[] = {400, 401, 403, 404, 408, 409, 413, 422, 429, 500, 503, 302};
    const int status = kStatuses[size % std::size(kStatuses)];
    const ApiError e = error_from_http({"PUT", "/api/v1/imaging-procedures/x/images/y"}, status, body);
    if (std::string_view(e.what()).empty()) fuzz::fail("error_from_http gave an empty sentence");
    return 0;
}
