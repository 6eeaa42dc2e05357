#pragma once
#include <string>

namespace CLI {
class App;
}

namespace dvfo::cli {

struct ProfileOptions {
    std::string board = "emulated:xavier-nx";
    std::string model = "resnet18";
    std::string tuples = "grid:3x3x3";
    int warmup = 1;
    int repeat = 5;
    int batch = 1;
    std::string csv;
    bool quiet = false;
    bool acceptNew = false;
    std::string acceptFingerprint; // SHA256:...: trust an unknown key only if it is this one
    std::string db;                // workspace database; empty: ProfileStore::defaultPath()
    bool noStore = false;          // do not record the sweep in the workspace
    int64_t resume = 0;            // session id whose missing tuples to measure
    bool noShares = false; // skip the share sweep: the environment then uses the roofline ratio
};

void addProfileCommand(CLI::App& app);
int runProfile(const ProfileOptions& o);

} // namespace dvfo::cli
