#pragma once
// The sanitizer build (QCOACH_SANITIZE, scripts/test.sh) runs every test under AddressSanitizer
// and UndefinedBehaviorSanitizer, unoptimized: there a test is about memory and undefined
// behaviour on each code path, and the Release run checks the results in full. A test that
// repeats the same paths over a long range of sizes may take a shorter range there, named at
// the loop.

namespace qcoach::test {

#ifdef QCOACH_TEST_SANITIZED
inline constexpr bool sanitized = true;
#else
inline constexpr bool sanitized = false;
#endif

} // namespace qcoach::test
