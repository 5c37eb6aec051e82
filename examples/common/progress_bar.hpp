#pragma once
// A progress bar on stderr for the example programs: silent for the first second (short runs
// print nothing), then one line redrawn in place on a terminal, or a plain line every few
// seconds when stderr is a file or a pipe.

#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>

#include <unistd.h>

namespace qcoach_example {

class ProgressBar {
public:
    explicit ProgressBar(double quiet_s = 1.0) : quiet_s_(quiet_s), start_(clock::now()), tty_(isatty(2) != 0) {}
    ProgressBar(const ProgressBar&) = delete;
    ProgressBar& operator=(const ProgressBar&) = delete;
    ~ProgressBar() { finish(); }

    /// Report `done` of `total` units (total 0: unknown) of the step `what`, with a free text
    /// such as the best value so far.
    void update(std::string_view what, double done, double total, std::string_view detail = {}) {
        const double t = elapsed();
        if (t < quiet_s_) return;
        if (!tty_ && t < next_plain_) return;
        next_plain_ = t + 5.0;
        std::string line = std::string(what);
        if (total > 0) {
            const double f = done / total > 1 ? 1.0 : done / total;
            const int width = 24, filled = static_cast<int>(f * width);
            line += " [" + std::string(filled, '#') + std::string(width - filled, '.') + "] ";
            char pct[16];
            std::snprintf(pct, sizeof pct, "%3.0f%%", 100 * f);
            line += pct;
        }
        char secs[32];
        std::snprintf(secs, sizeof secs, "  %.1f s", t);
        line += secs;
        if (!detail.empty()) line += "  " + std::string(detail);
        if (tty_) {
            std::fprintf(stderr, "\r%-100s", line.c_str());
        } else {
            std::fprintf(stderr, "%s\n", line.c_str());
        }
        std::fflush(stderr);
        drawn_ = true;
    }

    /// End the line (only if something was drawn on a terminal).
    void finish() {
        if (drawn_ && tty_) std::fprintf(stderr, "\n");
        drawn_ = false;
    }

    double elapsed() const { return std::chrono::duration<double>(clock::now() - start_).count(); }

private:
    using clock = std::chrono::steady_clock;
    double quiet_s_;
    clock::time_point start_;
    bool tty_;
    bool drawn_ = false;
    double next_plain_ = 0.0;
};

} // namespace qcoach_example
