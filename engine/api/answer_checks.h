#pragma once
// Every answer that names a patient, procedure or image is compared with the
// request; a mismatch is an ApiError of kind bad_answer, never a success.
#include <string>
#include <vector>

#include "engine/api/api_types.h"

namespace cs::api {

// Every candidate's normalised names and birth date equal the query's.
void check_exact_candidates(const CallContext& call, const std::vector<Patient>& got, const std::string& first,
                            const std::string& last, const std::string& birth_date);

void check_location(const CallContext& call, const std::string& got, const std::string& asked);

// The procedure answer names the uuid asked about.
void check_procedure_uuid(const CallContext& call, const ProcedureStatus& got, const std::string& uuid);

// The procedure answer holds exactly what was declared: patient, location,
// code, options, provider, and the images (uuid, sha-256, size, kind, seq);
// a charge, when present, matches the options.
void check_procedure_matches(const CallContext& call, const ProcedureStatus& got, const std::string& uuid,
                             const Declaration& sent);

void check_upload(const CallContext& call, const UploadResult& got, const std::string& image_uuid,
                  const std::string& sha256, uint64_t size);

}  // namespace cs::api
