#pragma once
// Catch2 v2 matcher for CHECK_THROWS_MATCHES: the exception's what() contains a substring.

#include <exception>
#include <string>

#include <catch2/catch.hpp>

namespace qcoach::test {

class MessageContains : public Catch::MatcherBase<std::exception> {
public:
    explicit MessageContains(std::string part) : part_(std::move(part)) {}
    bool match(const std::exception& e) const override { return std::string(e.what()).find(part_) != std::string::npos; }
    std::string describe() const override { return "message contains \"" + part_ + "\""; }

private:
    std::string part_;
};

} // namespace qcoach::test
