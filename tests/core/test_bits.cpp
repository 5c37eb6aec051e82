#include <catch2/catch.hpp>

#include <set>
#include <vector>

#include "qcoach/core/bits.hpp"

using namespace qcoach;

TEST_CASE("insert_zero_bit visits exactly the indices with that bit clear", "[bits]") {
    for (unsigned k = 0; k < 6; ++k) {
        std::vector<index_t> seen;
        for (index_t i = 0; i < 32; ++i) seen.push_back(bits::insert_zero_bit(i, k));
        std::vector<index_t> expected;
        for (index_t z = 0; z < 64; ++z)
            if (!((z >> k) & 1)) expected.push_back(z);
        CHECK(seen == expected);
    }
}

TEST_CASE("insert_zero_bits, gather and scatter", "[bits]") {
    const std::vector<qubit_t> pos{1, 4, 5};
    std::set<index_t> seen;
    for (index_t i = 0; i < 16; ++i) {
        const index_t z = bits::insert_zero_bits(i, pos);
        CHECK((z & bits::mask_of(pos)) == 0);
        seen.insert(z);
    }
    CHECK(seen.size() == 16);
    CHECK(*seen.rbegin() < 128);
    const std::vector<qubit_t> where{3, 0, 6};
    for (index_t v = 0; v < 8; ++v) CHECK(bits::gather_bits(bits::scatter_bits(v, where), where) == v);
    CHECK(bits::scatter_bits(0b011, where) == 0b1001);
    CHECK(bits::parity(0b1011) == 1);
    CHECK(bits::parity(0b1001) == 0);
}
