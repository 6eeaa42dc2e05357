// dvfo: the headless DVFO Studio. Every GUI workflow has a command here.
#include "app/cli/boardcommand.h"
#include "app/cli/attentioncommand.h"
#include "app/cli/profilecommand.h"
#include "app/cli/sessionscommand.h"

#include <CLI/CLI.hpp>

int main(int argc, char** argv) {
    CLI::App app{"dvfo: energy-efficient edge-cloud DNN inference workstation (headless)"};
    app.set_version_flag("--version", std::string("dvfo ") + DVFO_VERSION);
    app.require_subcommand(1);
    dvfo::cli::addBoardCommand(app);
    dvfo::cli::addProfileCommand(app);
    dvfo::cli::addSessionsCommand(app);
    dvfo::cli::addAttentionCommand(app);
    CLI11_PARSE(app, argc, argv);
    return 0;
}
