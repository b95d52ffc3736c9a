// The sign-in limiter on its own, with a clock the test moves
// (docs/server-limits.md): bounded state, throttling per address and per
// user, nobody locked out.
#include <catch2/catch.hpp>

#include "server/core.h"

using cs::server::SignInLimiter;
using namespace std::chrono_literals;

TEST_CASE("limiter: an address that keeps failing waits longer and longer, up to a cap") {
    SignInLimiter l;
    auto t = SignInLimiter::Clock::now();
    for (int i = 0; i < SignInLimiter::kFreePerAddress; ++i) {
        CHECK(l.retry_after_seconds("demo", "10.0.0.9", t) == 0);
        l.record_failure("demo", "10.0.0.9", t);
    }
    int previous = 0;
    for (int i = 0; i < 12; ++i) {
        int wait = l.retry_after_seconds("demo", "10.0.0.9", t);
        CHECK(wait >= previous);
        CHECK(wait <= 300);
        previous = wait;
        t += std::chrono::seconds(wait);
        CHECK(l.retry_after_seconds("demo", "10.0.0.9", t) == 0);
        l.record_failure("demo", "10.0.0.9", t);
    }
    CHECK(previous == 300);
    // Other users from that address wait too (spraying one PIN over many names).
    CHECK(l.retry_after_seconds("hygienist", "10.0.0.9", t) > 0);
    // After a quiet quarter of an hour it is all forgotten.
    CHECK(l.retry_after_seconds("demo", "10.0.0.9", t + 901s) == 0);
}

TEST_CASE("limiter: guesses at one user from many addresses slow each stranger, not the user") {
    SignInLimiter l;
    auto t = SignInLimiter::Clock::now();
    l.record_success("demo", "10.0.0.2", t);  // the user's own workstation
    for (int i = 0; i < 30; ++i) l.record_failure("demo", "10.0.1." + std::to_string(i % 15), t);
    // Each guessing address now waits between its own attempts...
    CHECK(l.retry_after_seconds("demo", "10.0.1.3", t) > 0);
    // ...the user's workstation does not, nor a new address's first attempt.
    CHECK(l.retry_after_seconds("demo", "10.0.0.2", t) == 0);
    CHECK(l.retry_after_seconds("demo", "10.0.0.77", t) == 0);
    // Another user is not affected by guesses at this one.
    CHECK(l.retry_after_seconds("hygienist", "10.0.0.77", t) == 0);
}

TEST_CASE("limiter: its state stays bounded whatever names and addresses come") {
    SignInLimiter l;
    auto t = SignInLimiter::Clock::now();
    std::string long_name(10 * 1024, 'n');
    for (int i = 0; i < 6000; ++i) {
        long_name[static_cast<size_t>(i % 1000)] = static_cast<char>('a' + i % 26);
        l.record_failure(std::to_string(i) + long_name, "10." + std::to_string(i / 256 % 256) + "." + std::to_string(i % 256) + ".1", t);
        t += 1ms;
    }
    CHECK(l.entries() <= 4 * SignInLimiter::kMaxEntries);
    // Names longer than the cap count as their first kMaxKeyBytes.
    SignInLimiter k;
    for (int i = 0; i < SignInLimiter::kFreePerAddress + 1; ++i)
        k.record_failure(std::string(SignInLimiter::kMaxKeyBytes, 'x') + std::to_string(i), "10.0.0.1", t);
    CHECK(k.entries() == 3);  // one per table: the address, the (cut) name, the pair
}
