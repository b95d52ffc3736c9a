#pragma once
// The ApiError a call throws, for tests of the practice-API and DICOMweb clients.
#include <catch2/catch.hpp>

#include "engine/api/api_error.h"

namespace cs::test {

// The ApiError that f throws; a test failure when it throws none.
template <typename F>
api::ApiError error_of(F&& f) {
    try {
        f();
    } catch (const api::ApiError& e) {
        return e;
    }
    FAIL("no ApiError thrown");
    throw 0;
}

}  // namespace cs::test
