#include <catch2/catch.hpp>

#include "support/matchers.hpp"

#include "qcoach/core/memory.hpp"
#include "qcoach/core/parallel.hpp"

using namespace qcoach;

TEST_CASE("memory limit", "[memory]") {
    CHECK(available_memory() > 0);
    set_memory_limit(1000);
    CHECK(memory_limit() == 1000);
    CHECK_NOTHROW(check_memory(1000, "a table"));
    CHECK_THROWS_MATCHES(check_memory(1001, "a table"), memory_error,
                         test::MessageContains("a table needs 1001 B but the memory limit is 1000 B"));
    set_memory_limit(0);
    CHECK(memory_limit() > 1000); // default restored: the machine's available memory
    CHECK(format_bytes(3 * 1024 * 1024) == "3.000 MiB");
}

TEST_CASE("execution policy", "[parallel]") {
    exec_policy p;
    p.threads = 3;
    p.serial_cutoff = 100;
    CHECK(p.threads_for(99) == 1);
    CHECK(p.threads_for(100) == 3);
    CHECK_THROWS_AS(set_num_threads(-1), value_error);
    set_num_threads(1);
    CHECK(default_policy().threads == 1);
    set_num_threads(0);
    CHECK(default_policy().resolved_threads() == available_threads());
}
