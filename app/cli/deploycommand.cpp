#include "app/cli/deploycommand.h"

#include "app/cli/boardcommand.h"
#include "app/cli/tableprinter.h"
#include "core/board/boardregistry.h"
#include "core/workspace/bundlestore.h"
#include "core/workspace/profilestore.h"
#include "remote/client/boardconnector.h"
#include "remote/client/deploymenthistory.h"
#include "remote/client/fleetdeployer.h"

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <iostream>
#include <mutex>
#include <optional>
#include <unistd.h>

namespace dvfo::cli {

namespace {
struct Args {
    std::string db, bundle, board, group;
    bool all = false, rollback = false, history = false, acceptNew = false;
    std::string acceptFingerprint;
    int parallel = 4;
    DeployOptions options;
};

// --all and --group are the boards of the registry only: a bundle is built for one board spec, so
// the built-in emulated boards (one per spec) would mostly be refused; name one with --board.
std::vector<BoardEntry> targets(const Args& a, const BoardRegistry& registry) {
    std::vector<BoardEntry> out;
    if (!a.board.empty()) {
        auto e = findBoard(a.board, registry);
        if (!e)
            throw std::runtime_error("unknown board '" + a.board +
                                     "': add it with 'dvfo board add' (" + registry.path() +
                                     ") or use emulated:<id>");
        out.push_back(*e);
    } else if (a.all) {
        out = registry.boards();
    } else {
        out = registry.group(a.group);
        if (out.empty())
            throw std::runtime_error("no board in group '" + a.group + "'");
    }
    if (out.empty())
        throw std::runtime_error("no boards registered: add them with 'dvfo board add', or "
                                 "deploy to an emulated board with --board emulated:<id>");
    return out;
}

void printResults(const std::vector<DeployResult>& results) {
    TablePrinter t({"board", "result", "bundle", "previous", "message"});
    for (const auto& r : results)
        t.addRow({r.board, toString(r.status), r.version.empty() ? "-" : r.version,
                  r.previousVersion.empty() ? "-" : r.previousVersion, r.message});
    t.print(std::cout);
    std::cout << FleetDeployer::summary(results) << "\n";
}

// DVFO_DEPLOY_PAUSE_AT=POINT (one of BundleDeployer::kKillPoints) stops every board's deploy at
// that point and waits to be killed: the crash-consistency tests kill the CLI there.
void pauseAtCheckpointFromEnvironment(DeployOptions& options) {
    const char* point = std::getenv("DVFO_DEPLOY_PAUSE_AT");
    if (!point || !*point)
        return;
    const std::string wanted = point;
    options.checkpoint = [wanted](const std::string& board, const std::string& at) {
        if (at != wanted)
            return;
        std::cerr << "dvfo: " << board << ": deploy paused at " << at << " (DVFO_DEPLOY_PAUSE_AT)"
                  << std::endl;
        while (true)
            ::pause();
    };
}
} // namespace

void addDeployCommand(CLI::App& app) {
    auto a = std::make_shared<Args>();
    auto* cmd = app.add_subcommand(
        "deploy", "Deploy a bundle to boards (upload, verify, switch, restart, health, "
                  "automatic rollback), roll back, or show the history");
    cmd->add_option("--bundle", a->bundle, "Bundle id or version (dvfo bundle list)");
    auto* board = cmd->add_option("--board", a->board,
                                  "One board: a registered board or emulated:<id> (runs on this "
                                  "machine, no SSH)");
    auto* all = cmd->add_flag("--all", a->all, "Every registered board (not the emulated ones)");
    auto* group = cmd->add_option("--group", a->group, "The boards of a fleet group");
    board->excludes(all)->excludes(group);
    all->excludes(group);
    cmd->add_flag("--rollback", a->rollback,
                  "Switch back to the bundle that ran before the last deploy");
    cmd->add_flag("--history", a->history, "Deployments of --board, newest first");
    cmd->add_option("--parallel", a->parallel, "Boards deployed at once")
        ->capture_default_str()
        ->check(CLI::Range(1, 64));
    cmd->add_option("--runtime-root", a->options.runtimeRoot,
                    "Runtime root on the boards (default ~/.local/share/dvfo-edge; an emulated "
                    "board's: ~/.local/share/dvfo-edge/emulated-<id>)");
    cmd->add_option("--input", a->options.input,
                    "Runtime input: synthetic | dir:PATH | socket:PATH (on the board)")
        ->capture_default_str();
    cmd->add_option("--cloud", a->options.cloudUrl,
                    "Override the bundle's cloud URL on the boards (none = edge-only)");
    cmd->add_option("--health-wait-ms", a->options.healthWaitMs, "Health check patience")
        ->capture_default_str();
    cmd->add_flag("--accept-new", a->acceptNew,
                  "Trust unknown host keys, whichever key the board shows (they are saved)");
    cmd->add_option("--accept-fingerprint", a->acceptFingerprint,
                    "Trust an unknown host key only if it has this fingerprint (SHA256:...; it is "
                    "saved)");
    cmd->add_option("--db", a->db, "Workspace database (default ~/.local/share/dvfo/workspace.db)");
    cmd->callback([a] {
        int rc = 0;
        try {
            BundleStore store(a->db.empty() ? ProfileStore::defaultPath() : a->db);
            if (a->history) {
                if (a->board.empty())
                    throw std::runtime_error("--history needs --board NAME");
                TablePrinter t(
                    {"id", "kind", "bundle", "previous", "status", "started", "message"});
                for (const auto& d : store.history(a->board))
                    t.addRow({std::to_string(d.id), toString(d.kind), d.bundleVersion,
                              d.previousVersion, toString(d.status), d.startedAt, d.message});
                t.print(std::cout);
                return;
            }
            BoardRegistry registry;
            if (!a->rollback && a->bundle.empty())
                throw std::runtime_error("--bundle ID is required (or --rollback / --history)");
            if (a->board.empty() && !a->all && a->group.empty())
                throw std::runtime_error("name the boards: --board NAME, --all or --group G");
            const auto boards = targets(*a, registry);
            ConnectOptions connect = terminalConnectOptions(a->acceptNew, a->acceptFingerprint);
            connect.status = {};
            std::mutex out;
            a->options.progress = [&out](const std::string& b, const std::string& step,
                                         const std::string& msg) {
                std::lock_guard<std::mutex> lock(out);
                std::cerr << b << ": " << step << ": " << msg << "\n";
            };
            pauseAtCheckpointFromEnvironment(a->options);
            std::optional<StoredBundle> bundle;
            if (!a->rollback) {
                const bool numeric = a->bundle.find_first_not_of("0123456789") == std::string::npos;
                bundle = numeric ? store.findBundle(std::stoll(a->bundle))
                                 : store.findBundleByVersion(a->bundle);
                if (!bundle)
                    throw std::runtime_error("no bundle '" + a->bundle +
                                             "' in the workspace (see 'dvfo bundle list')");
            }
            // Each board's history row is written before its first step and completed after it.
            DeploymentHistory::attach(std::make_shared<DeploymentHistory>(
                                          a->db.empty() ? ProfileStore::defaultPath() : a->db),
                                      a->options, bundle ? bundle->id : 0);
            FleetDeployer fleet(boards, connect, a->options, a->parallel);
            const std::vector<DeployResult> results =
                a->rollback ? fleet.rollback() : fleet.deploy(bundle->path);
            for (const auto& r : results)
                if (!r.ok())
                    rc = 1;
            printResults(results);
        } catch (const std::exception& e) {
            std::cerr << "dvfo: " << e.what() << "\n";
            throw CLI::RuntimeError(2);
        }
        if (rc)
            throw CLI::RuntimeError(rc);
    });
}

} // namespace dvfo::cli
