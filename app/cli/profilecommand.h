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
};

void addProfileCommand(CLI::App& app);
int runProfile(const ProfileOptions& o);

} // namespace dvfo::cli
