#pragma once
// The practice API's call for first-run setup (docs/setup.md): one attempt,
// no token, no retry (the person at the screen taps again).
#include <string>
#include <vector>

#include "engine/api/practice_client.h"
#include "engine/api/setup_codec.h"

namespace cs::api {

// POST /setup/admin-pin to cfg.base_url (trusting cfg.ca_file): the
// practice's locations, by id, when the administrator PIN is right. Throws
// ApiError with a sentence: a wrong PIN, none set on the server, too many
// guesses, a server that cannot be reached or is not trusted.
std::vector<Location> check_admin_pin(const ClientConfig& cfg, const std::string& pin);

}  // namespace cs::api
