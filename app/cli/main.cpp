// dvfo: the headless DVFO Studio. Every GUI workflow has a command here.
#include "app/cli/boardcommand.h"
#include "app/cli/bundlecommand.h"
#include "app/cli/deploycommand.h"
#include "app/cli/telemetrycommand.h"
#include "app/cli/attentioncommand.h"
#include "app/cli/evaluatecommand.h"
#include "app/cli/loopcommand.h"
#include "app/cli/profilecommand.h"
#include "app/cli/reportcommand.h"
#include "app/cli/sessionscommand.h"
#include "app/cli/traincommand.h"

#include <CLI/CLI.hpp>

int main(int argc, char** argv) {
    CLI::App app{"dvfo: energy-efficient edge-cloud DNN inference workstation (headless)"};
    app.set_version_flag("--version", std::string("dvfo ") + DVFO_VERSION);
    app.require_subcommand(1);
    dvfo::cli::addBoardCommand(app);
    dvfo::cli::addBundleCommand(app);
    dvfo::cli::addDeployCommand(app);
    dvfo::cli::addTelemetryCommand(app);
    dvfo::cli::addProfileCommand(app);
    dvfo::cli::addSessionsCommand(app);
    dvfo::cli::addAttentionCommand(app);
    dvfo::cli::addEvaluateCommand(app);
    dvfo::cli::addTrainCommand(app);
    dvfo::cli::addLoopCommand(app);
    dvfo::cli::addReportCommand(app);
    CLI11_PARSE(app, argc, argv);
    return 0;
}
