#include "engine/api/answer_checks.h"

#include <map>

#include "engine/api/person_compare.h"

namespace cs::api {

namespace {

void expect_equal(const CallContext& call, const std::string& what, const std::string& got, const std::string& sent) {
    if (got != sent) throw bad_answer_error(call, what + " is \"" + got + "\", expected \"" + sent + "\"");
}

}  // namespace

void check_exact_candidates(const CallContext& call, const std::vector<Patient>& got, const std::string& first,
                            const std::string& last, const std::string& birth_date) {
    for (const auto& p : got) {
        if (compare_person(p, first, last, birth_date).any())
            throw bad_answer_error(call, "candidate " + p.id + " does not have the name and birth date asked for");
    }
}

void check_location(const CallContext& call, const std::string& got, const std::string& asked) {
    expect_equal(call, "location_id", got, asked);
}

void check_procedure_uuid(const CallContext& call, const ProcedureStatus& got, const std::string& uuid) {
    expect_equal(call, "procedure uuid", got.uuid, uuid);
}

void check_procedure_matches(const CallContext& call, const ProcedureStatus& got, const std::string& uuid,
                             const Declaration& sent) {
    check_procedure_uuid(call, got, uuid);
    expect_equal(call, "patient_id", got.patient_id, sent.patient_id);
    expect_equal(call, "location_id", got.location_id, sent.location_id);
    expect_equal(call, "code", got.code, sent.code);
    expect_equal(call, "provider_id", got.provider_id, sent.provider_id);
    if (got.apply_charges != sent.apply_charges || got.bill_insurance != sent.bill_insurance)
        throw bad_answer_error(call, "options differ from the declaration");
    if (got.images.size() != sent.images.size())
        throw bad_answer_error(call, "holds " + std::to_string(got.images.size()) + " images, declared " +
                                         std::to_string(sent.images.size()));
    std::map<std::string, const DeclaredImage*> by_uuid;
    for (const auto& i : sent.images) by_uuid[i.uuid] = &i;
    for (const auto& g : got.images) {
        auto it = by_uuid.find(g.image.uuid);
        if (it == by_uuid.end()) throw bad_answer_error(call, "names image " + g.image.uuid + " that was not declared");
        const DeclaredImage& s = *it->second;
        if (g.image.sha256 != s.sha256 || g.image.size != s.size || g.image.kind != s.kind || g.image.seq != s.seq)
            throw bad_answer_error(call, "image " + s.uuid + " differs from the declaration");
        by_uuid.erase(it);  // a uuid named twice is caught by the size check above plus this
    }
    if (got.charge) {
        const Charge& c = *got.charge;
        expect_equal(call, "charge provider_id", c.provider_id, sent.provider_id);
        if (c.bill_insurance != sent.bill_insurance) throw bad_answer_error(call, "charge insurance differs");
        if (!sent.apply_charges && c.amount_cents != 0)
            throw bad_answer_error(call, "charge is not zero although charges were not applied");
        if (c.amount_cents < 0) throw bad_answer_error(call, "charge is negative");
    }
    if (got.state == RemoteState::committed && !got.charge)
        throw bad_answer_error(call, "committed without a charge");
}

void check_upload(const CallContext& call, const UploadResult& got, const std::string& image_uuid,
                  const std::string& sha256, uint64_t size) {
    expect_equal(call, "image uuid", got.uuid, image_uuid);
    expect_equal(call, "image sha256", got.sha256, sha256);
    if (got.size != size)
        throw bad_answer_error(call, "image size is " + std::to_string(got.size) + ", sent " + std::to_string(size));
}

}  // namespace cs::api
