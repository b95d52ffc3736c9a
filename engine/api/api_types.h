#pragma once
// The practice API's value types as the client uses them: the wire types of
// engine/api/codec.h (one codec with the reference server), read from an
// answer's body with the request named in any error.
#include <string>

#include "engine/api/api_error.h"
#include "engine/api/codec.h"
#include "engine/store/records.h"

namespace cs::api {

// Reads an answer body (engine/api/codec.h). A malformed, empty or
// wrong-typed answer is an ApiError of kind bad_answer whose detail names the
// field at fault, never another exception.
template <typename T>
T read_answer(const CallContext& call, const std::string& body) {
    try {
        return decode<T>(body);
    } catch (const WireError& e) {
        throw bad_answer_error(call, e.what());
    }
}

}  // namespace cs::api
