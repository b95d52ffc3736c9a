#pragma once
// The error answer of the practice API (docs/practice-api.md): what a handler
// throws, and what the front refuses a request with.
#include <string>

namespace cs::server {

struct ApiError {
    int status;
    std::string code;
    std::string message;
    int retry_after = -1;
};

}  // namespace cs::server
