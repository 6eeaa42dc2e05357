// dvfo-edge: the board agent. One-shot subcommands for people and scripts, and `serve`, the
// long-lived JSON-lines session the studio drives (over SSH or a local pipe).
#include "core/board/boardspec.h"
#include "core/dnn/dnnmodel.h"
#include "core/bundle/policybundle.h"
#include "remote/protocol/protocol.h"
#include "core/profile/sweepplanner.h"
#include "remote/edge/agentserver.h"
#include "remote/edge/boarddetector.h"
#include "remote/edge/edgeruntime.h"
#include "remote/edge/emulatedboard.h"
#include "remote/edge/deploylock.h"
#include "remote/edge/runtimepidfile.h"
#include "remote/edge/runtimeservice.h"
#include "remote/edge/sysfsboard.h"

#include <CLI/CLI.hpp>

#include <csignal>
#include <iostream>
#include <memory>
#include <pthread.h>
#include <sstream>
#include <sys/utsname.h>
#include <chrono>
#include <thread>

using namespace dvfo;

namespace {

// Signals are taken by one thread with sigwait, so the clocks can be restored with ordinary
// (non async-signal-safe) code before the process ends.
void startSignalThread(BoardHal& hal, std::mutex& halMutex) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    std::thread([set, &hal, &halMutex]() mutable {
        int sig = 0;
        sigwait(&set, &sig);
        {
            std::lock_guard<std::mutex> lock(halMutex);
            try {
                hal.restore();
                std::cerr << "dvfo-edge: signal " << sig
                          << ": board clocks and governors restored\n";
            } catch (const std::exception& e) {
                std::cerr << "dvfo-edge: signal " << sig
                          << ": restoring the board failed: " << e.what() << "\n";
            }
        }
        std::_Exit(128 + sig);
    }).detach();
}

// The runtime stops gracefully on a signal (its loops end, it restores the clocks and reports
// "stopped"); if that takes too long the board is restored here and the process ends anyway.
void startRuntimeSignalThread(EdgeRuntime& runtime, BoardHal& hal, std::mutex& halMutex) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    std::thread([set, &runtime, &hal, &halMutex]() mutable {
        int sig = 0;
        sigwait(&set, &sig);
        runtime.requestStop();
        std::this_thread::sleep_for(std::chrono::seconds(8));
        std::lock_guard<std::mutex> lock(halMutex);
        try {
            hal.restore();
        } catch (const std::exception&) {
        }
        std::cerr << "dvfo-edge run: signal " << sig
                  << ": did not stop in time; clocks restored, exiting\n";
        std::_Exit(128 + sig);
    }).detach();
}

void blockSignals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::signal(SIGPIPE, SIG_IGN); // a closed pipe shows up as a failed write / EOF instead
}

std::string argv0Name() {
    return "dvfo-edge";
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"dvfo-edge: DVFO board agent (frequencies, power rails, per-layer profiling)"};
    app.require_subcommand(0, 1);
    std::string emulate, sysfsRoot = "/", boardId = "auto";
    int threads = 0;
    bool showVersion = false;
    app.add_flag("--version", showVersion, "Print agent and protocol version, architecture");
    app.add_option("--emulate", emulate, "Emulate a board instead of using sysfs")
        ->check(CLI::IsMember(BoardSpec::builtinIds()));
    app.add_option("--sysfs-root", sysfsRoot,
                   "Root of the sysfs/debugfs tree (tests use a fake tree)");
    app.add_option("--board", boardId,
                   "Board spec for sysfs mode (auto reads the device-tree model)");
    app.add_option("--threads", threads, "LibTorch intra-op threads (0 = LibTorch default)");
    std::string device = "auto";
    app.add_option("--device", device,
                   "Where profiled layers run: auto (CUDA when this LibTorch has it), cpu, cuda")
        ->check(CLI::IsMember({"auto", "cpu", "cuda"}))
        ->capture_default_str();

    auto* probe = app.add_subcommand("probe", "Print the board's capabilities as JSON");
    auto* setFreq = app.add_subcommand("set-freq", "Pin CPU/GPU/EMC clocks (kept after exit)");
    std::string tupleText;
    setFreq->add_option("tuple", tupleText, "cpu/gpu/emc in kHz, e.g. 1907200/1109250/1600000")
        ->required();
    auto* readPower = app.add_subcommand("read-power", "Read the power rails once");
    auto* restore = app.add_subcommand("restore", "Hand the clocks back to the governors");
    auto* measureSwitch = app.add_subcommand(
        "measure-switch", "Time clock changes per domain (median, p90 ms), then restore");
    int transitions = 6, boundMs = 200;
    measureSwitch->add_option("--transitions", transitions, "Timed changes per domain, 1..100")
        ->capture_default_str();
    measureSwitch->add_option("--bound-ms", boundMs, "Longest wait for a clock to read back")
        ->capture_default_str();
    auto* profile = app.add_subcommand(
        "profile", "Profile a model per layer; one JSON line per layer and tuple");
    std::string model, plan = "max";
    int warmup = 1, repeat = 5, batch = 1;
    profile->add_option("--model", model, "Model")
        ->required()
        ->check(CLI::IsMember(DnnModel::available()));
    profile->add_option("--tuples", plan, "all | max | min | grid:NxMxK | list:c/g/e,...")
        ->capture_default_str();
    profile->add_option("--warmup", warmup, "Warm-up runs per layer")->capture_default_str();
    profile->add_option("--repeat", repeat, "Timed runs per layer")->capture_default_str();
    profile->add_option("--batch", batch, "Batch size")->capture_default_str();
    auto* serve =
        app.add_subcommand("serve", "JSON-lines session on stdin/stdout (used by the studio)");

    // Empty until parsed: the default depends on --emulate (one root per emulated board).
    std::string root, input = "synthetic", cloudUrl;
    const std::string rootHelp = "Runtime root (default " + RuntimeLayout::defaultRootInHome() +
                                 ", with --emulate ID " + RuntimeLayout::defaultRootInHome("ID") +
                                 ")";
    int64_t once = 0;
    int periodMs = 100;
    auto* run = app.add_subcommand(
        "run", "The edge runtime: run the deployed bundle (policy, DVFS, split inference)");
    run->add_option("--root", root, rootHelp + ": bundles/, current, runtime/");
    run->add_option("--input", input, "synthetic | dir:PATH (*.raw, label in _N.raw) | socket:PATH")
        ->capture_default_str();
    run->add_option("--once", once, "Stop after N inferences (0: until SIGTERM)");
    run->add_option("--period-ms", periodMs, "Control period of the policy")
        ->capture_default_str()
        ->check(CLI::Range(1, 60000));
    run->add_option("--cloud", cloudUrl,
                    "Override the bundle's cloud endpoint URL (none = edge-only)");
    std::string runTrace;
    uint64_t runTraceSeed = 1;
    bool runStepped = false;
    run->add_option("--trace", runTrace,
                    "Emulated boards: the cloud traffic follows this link trace, one sample per "
                    "inference (constant:BW,RTT | step:... | randomwalk:... | csv:FILE; 0 Mbit/s = "
                    "outage); implies --stepped");
    run->add_option("--trace-seed", runTraceSeed, "Episode seed of the trace's realisation")
        ->capture_default_str();
    run->add_flag("--stepped", runStepped,
                  "One decision between inferences, from the link measured up to the last one (as "
                  "the environment steps), instead of a control thread every period");

    auto* runtimeCmd =
        app.add_subcommand("runtime", "Start/stop/query the runtime as a detached process");
    runtimeCmd->require_subcommand(1);
    int waitMs = 0;
    std::string expectVersion;
    for (auto* sub :
         {runtimeCmd->add_subcommand("start", "Start `run` detached (pid file, runtime.log)"),
          runtimeCmd->add_subcommand("restart", "Stop, then start"),
          runtimeCmd->add_subcommand("stop", "SIGTERM the runtime (SIGKILL after 10 s)"),
          runtimeCmd->add_subcommand("status",
                                     "Health of the runtime as JSON; exit 0 when healthy")}) {
        sub->add_option("--root", root, rootHelp);
        if (sub->get_name() == "start" || sub->get_name() == "restart") {
            sub->add_option("--input", input, "As for run");
            sub->add_option("--period-ms", periodMs, "As for run");
            sub->add_option("--cloud", cloudUrl, "As for run");
        }
        if (sub->get_name() == "status") {
            sub->add_option("--wait-ms", waitMs, "Wait up to this long for a healthy runtime");
            sub->add_option("--expect-version", expectVersion,
                            "Healthy only when running this bundle version");
        }
    }
    auto* deployLock = app.add_subcommand(
        "deploy-lock", "Hold the board's deploy lock until stdin closes (deployments)");
    int lockWaitMs = 30000;
    deployLock->add_option("--root", root, rootHelp);
    deployLock->add_option("--wait-ms", lockWaitMs, "Wait up to this long for the lock")
        ->capture_default_str();
    auto* verify = app.add_subcommand(
        "verify-bundle", "Check a bundle's manifest, checksums and board; exit 0 when valid");
    std::string bundleDir;
    verify->add_option("dir", bundleDir, "Bundle directory")->required();

    CLI11_PARSE(app, argc, argv);

    if (showVersion) {
        utsname u{};
        uname(&u);
        std::cout << "dvfo-edge " << DVFO_VERSION << " protocol " << protocol::kVersion << " arch "
                  << u.machine << "\n";
        return 0;
    }
    if (app.get_subcommands().empty()) {
        std::cerr << app.help();
        return 2;
    }
    if (threads > 0)
        DnnModel::setThreads(threads);
    if (root.empty())
        root = RuntimeLayout::defaultRoot(emulate);

    if (verify->parsed()) {
        try {
            BundleExpectations expected;
            expected.boardSpecId = !emulate.empty()    ? emulate
                                   : boardId == "auto" ? detectBoardId(sysfsRoot)
                                                       : boardId;
            const auto m = PolicyBundle::validate(bundleDir, expected);
            std::cout << "bundle " << m.bundleVersion << " ok: " << m.files.size()
                      << " files verified for " << expected.boardSpecId << "\n";
            return 0;
        } catch (const std::exception& e) {
            std::cerr << "dvfo-edge: " << e.what() << "\n";
            return 1;
        }
    }
    if (deployLock->parsed())
        return DeployLock::holdWhileInputOpen(RuntimeLayout(root), lockWaitMs, std::cout,
                                              std::cerr);
    if (runtimeCmd->parsed()) {
        RuntimeService service{RuntimeLayout(root)};
        const auto* sub = runtimeCmd->get_subcommands().front();
        const std::string what = sub->get_name();
        try {
            if (what == "status") {
                const auto h = service.health(waitMs, expectVersion);
                std::cout << h.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                          << "\n";
                return h["healthy"].get<bool>() ? 0 : 1;
            }
            if (what == "stop") {
                const bool was = service.stop();
                std::cerr << (was ? "dvfo-edge: runtime stopped\n"
                                  : "dvfo-edge: runtime was not running\n");
            }
            if (what == "start" || what == "restart") {
                std::vector<std::string> argv{argv0Name()};
                if (!emulate.empty())
                    argv.insert(argv.end(), {"--emulate", emulate});
                if (sysfsRoot != "/")
                    argv.insert(argv.end(), {"--sysfs-root", sysfsRoot});
                if (boardId != "auto")
                    argv.insert(argv.end(), {"--board", boardId});
                if (threads > 0)
                    argv.insert(argv.end(), {"--threads", std::to_string(threads)});
                argv.insert(argv.end(), {"run", "--root", root, "--input", input, "--period-ms",
                                         std::to_string(periodMs)});
                if (!cloudUrl.empty())
                    argv.insert(argv.end(), {"--cloud", cloudUrl});
                if (what == "restart") { // through systemctl when the unit runs this root
                    const bool was = service.restart(argv);
                    std::cout << "dvfo-edge: runtime " << (was ? "restarted" : "started")
                              << ", pid " << service.runningPid() << "\n";
                } else {
                    std::cout << "dvfo-edge: runtime started, pid " << service.start(argv) << "\n";
                }
            }
            return 0;
        } catch (const std::exception& e) {
            std::cerr << "dvfo-edge: runtime " << what << ": " << e.what() << "\n";
            return 1;
        }
    }

    // One runtime per root, however it was started (runtime start, systemd, by hand).
    std::unique_ptr<RuntimePidFile> runtimePidFile;
    if (run->parsed()) {
        runtimePidFile = std::make_unique<RuntimePidFile>(RuntimeLayout(root).pidPath());
        try {
            runtimePidFile->claim();
        } catch (const std::exception& e) {
            std::cerr << "dvfo-edge run: " << e.what() << "\n";
            return 1;
        }
    }

    blockSignals();
    std::unique_ptr<BoardHal> hal;
    try {
        if (!emulate.empty()) {
            hal = std::make_unique<EmulatedBoard>(BoardSpec::builtin(emulate));
        } else {
            const std::string id = boardId == "auto" ? detectBoardId(sysfsRoot) : boardId;
            hal = std::make_unique<SysfsBoard>(BoardSpec::builtin(id), sysfsRoot);
        }
    } catch (const std::exception& e) {
        std::cerr << "dvfo-edge: " << e.what() << "\n";
        return 3;
    }

    if (run->parsed()) {
        EdgeRuntimeOptions ro;
        ro.root = root;
        ro.input = input;
        ro.once = once;
        ro.periodMs = periodMs;
        ro.cloudUrl = cloudUrl;
        ro.trace = runTrace;
        ro.traceSeed = runTraceSeed;
        ro.stepped = runStepped;
        std::mutex halMutex;
        EdgeRuntime runtime(*hal, halMutex, ro);
        startRuntimeSignalThread(runtime, *hal, halMutex);
        return runtime.run();
    }

    std::istringstream noInput;
    AgentServer server(*hal, serve->parsed() ? std::cin : static_cast<std::istream&>(noInput),
                       std::cout);
    try {
        server.profiler().setDefaultDevice(device);
    } catch (const std::invalid_argument& e) {
        std::cerr << "dvfo-edge: " << e.what() << "\n";
        return 2;
    }
    startSignalThread(*hal, server.halMutex());
    if (serve->parsed())
        return server.serve();

    protocol::Request r;
    r.id = 1;
    if (probe->parsed()) {
        r.op = "probe";
    } else if (setFreq->parsed()) {
        r.op = "set-freq";
        r.params = {{"tuple", tupleText}};
    } else if (readPower->parsed()) {
        r.op = "read-power";
    } else if (restore->parsed()) {
        r.op = "restore";
    } else if (measureSwitch->parsed()) {
        r.op = "measure-switch";
        r.params = {{"transitions", transitions}, {"boundMs", boundMs}};
    } else if (profile->parsed()) {
        r.op = "profile";
        r.params = {{"model", model},
                    {"plan", plan},
                    {"warmup", warmup},
                    {"repeat", repeat},
                    {"batch", batch}};
    }
    const bool ok = server.execute(r);
    if (setFreq->parsed() && ok)
        (void)hal.release(); // set-freq exists to leave the clocks pinned: skip the HAL's
                             // restore-on-destroy
    return ok ? 0 : 1;
}
