#include "app/cli/boardcommand.h"
#include "core/board/clockswitchtimes.h"
#include "core/common/jsoninteger.h"

#include "app/cli/boardmonitorcommand.h"
#include "app/cli/tableprinter.h"
#include "core/board/boardregistry.h"
#include "core/board/boardspec.h"
#include "remote/client/boardconnector.h"
#include "remote/ssh/ssherror.h"

#include <CLI/CLI.hpp>

#include <csignal>
#include <cstring>
#include <iostream>
#include <mutex>
#include <termios.h>
#include <unistd.h>

namespace dvfo::cli {

namespace {

// One terminal prompt at a time: the boards of a parallel deploy (FleetDeployer's threads) ask in
// turn instead of interleaving on the terminal. While a prompt has echo off, a signal that ends
// the program (Ctrl-C, SIGTERM, hang-up) first turns echo back on.
std::mutex promptMutex;
int promptTty = -1;
termios promptSaved{};
volatile sig_atomic_t promptEchoOff = 0;

void restoreEchoAndReraise(int sig) {
    if (promptEchoOff)
        tcsetattr(promptTty, TCSANOW, &promptSaved);
    std::signal(sig, SIG_DFL);
    std::raise(sig);
}

// Reads a secret from the terminal with echo off; nothing is stored.
std::optional<std::string> promptSecret(const std::string& prompt) {
    std::lock_guard<std::mutex> lock(promptMutex);
    FILE* tty = fopen("/dev/tty", "r+e");
    if (!tty)
        return std::nullopt; // no terminal (CI, pipes): give up instead of hanging
    fprintf(tty, "%s ", prompt.c_str());
    fflush(tty);
    const int fd = fileno(tty);
    const bool isTty = tcgetattr(fd, &promptSaved) == 0;
    constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
    struct sigaction previous[4] = {};
    if (isTty) {
        struct sigaction restore {};
        restore.sa_handler = restoreEchoAndReraise;
        sigemptyset(&restore.sa_mask);
        for (int i = 0; i < 4; ++i)
            sigaction(kSignals[i], &restore, &previous[i]);
        promptTty = fd;
        termios quiet = promptSaved;
        quiet.c_lflag &= ~tcflag_t(ECHO);
        promptEchoOff = 1;
        tcsetattr(fd, TCSANOW, &quiet);
    }
    char buf[1024] = {};
    const bool got = fgets(buf, sizeof buf, tty) != nullptr; // EOF (Ctrl-D) or error: cancelled
    if (isTty) {
        tcsetattr(fd, TCSANOW, &promptSaved);
        promptEchoOff = 0;
        for (int i = 0; i < 4; ++i)
            sigaction(kSignals[i], &previous[i], nullptr);
    }
    fprintf(tty, "\n");
    fclose(tty);
    std::string s(buf);
    explicit_bzero(buf, sizeof buf);
    if (!got)
        return std::nullopt;
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r'))
        s.pop_back();
    return s;
}

// How long each clock change takes on the board (the agent's `measure-switch`): emulated boards
// always (their model, and its realisation timed), real boards when asked, since timing pins the
// clocks for a moment.
void printSwitchTimes(AgentClient& agent, bool emulated, bool measure) {
    if (!emulated && !measure) {
        std::cout << "\nClock switch times: not measured (--measure-switch times them; it pins "
                     "the clocks for about a second, then restores them)\n";
        return;
    }
    nlohmann::json reply;
    try {
        reply = agent.call("measure-switch");
    } catch (const std::exception& e) {
        std::cout << "\nClock switch times: the agent did not measure them (" << e.what() << ")\n";
        return;
    }
    const ClockSwitchTimes charged = ClockSwitchTimes::fromAgentReply(reply);
    std::cout << "\nClock switch times (" << jsonIntegerOr<int>(reply["cpu"], "transitions", 0)
              << " changes per domain, bound " << TablePrinter::num(reply.value("boundMs", 0.0), 0)
              << " ms):\n";
    TablePrinter t({"domain", "median ms", "p90 ms", "timeouts", "charged ms"});
    const double chargedMs[] = {charged.cpuMs, charged.gpuMs, charged.emcMs};
    int i = 0;
    for (const char* d : {"cpu", "gpu", "emc"}) {
        const nlohmann::json& m = reply.at(d);
        t.addRow({d == std::string("cpu")   ? "CPU"
                  : d == std::string("gpu") ? "GPU"
                                            : "EMC",
                  TablePrinter::num(m.value("medianMs", 0.0), 3),
                  TablePrinter::num(m.value("p90Ms", 0.0), 3),
                  std::to_string(jsonIntegerOr<int>(m, "timeouts", 0)),
                  TablePrinter::num(chargedMs[i++], 3)});
    }
    t.print(std::cout);
    std::cout << (charged.source == "model"
                      ? "Charged: the emulated board's switching model, which its set-freq takes.\n"
                      : "Charged: the measured medians.\n");
}

int probeBoard(const std::string& name, bool acceptNew, const std::string& acceptFingerprint,
               bool measureSwitch) {
    BoardRegistry registry;
    try {
        auto agent =
            connectBoard(name, terminalConnectOptions(acceptNew, acceptFingerprint), &registry);
        const auto p = agent->call("probe");
        const BoardSpec spec = BoardSpec::fromJson(p.at("spec"));
        std::cout << "Board " << name << ": " << spec.name
                  << (p.value("emulated", false) ? " (emulated)" : "") << ", "
                  << p.value("arch", "?") << ", host " << p.value("hostname", "?") << "\n"
                  << "Agent: dvfo-edge " << p.value("version", "?") << ", protocol "
                  << jsonIntegerOr<int>(p, "protocol", 0) << " via " << agent->describe() << "\n"
                  << "Current tuple (kHz): " << p.value("current", "?")
                  << "; governors: " << p["governors"].dump() << "\n\n";
        TablePrinter t({"domain", "entries", "min MHz", "max MHz", "note"});
        auto row = [&](const char* d, const ClockTableSpec& c) {
            t.addRow({d, std::to_string(c.frequenciesKhz.size()),
                      TablePrinter::num(c.frequenciesKhz.front() / 1000.0, 1),
                      TablePrinter::num(c.frequenciesKhz.back() / 1000.0, 1),
                      c.partial ? "partial list" : ""});
        };
        row("CPU", spec.cpu);
        row("GPU", spec.gpu);
        row("EMC", spec.emc);
        t.print(std::cout);
        std::cout << "\n";
        TablePrinter r({"rail", "mW", "mV", "mA"});
        for (const auto& rail : p["power"]["rails"])
            r.addRow({rail["name"].get<std::string>(),
                      TablePrinter::num(rail["mw"].get<double>(), 0),
                      TablePrinter::num(rail["mv"].get<double>(), 0),
                      TablePrinter::num(rail["ma"].get<double>(), 0)});
        r.print(std::cout);
        printSwitchTimes(*agent, p.value("emulated", false), measureSwitch);
        return 0;
    } catch (const SshError& e) {
        std::cerr << "dvfo: " << name << ": " << e.what() << "\n";
        if (e.kind() == SshError::Kind::HostKeyUnknown)
            std::cerr << "dvfo: check the fingerprint on the board (ssh-keygen -lf "
                         "/etc/ssh/ssh_host_ed25519_key.pub), then run again with "
                         "--accept-fingerprint SHA256:... to trust exactly that key\n";
        return 4;
    } catch (const std::exception& e) {
        std::cerr << "dvfo: " << name << ": " << e.what() << "\n";
        return 3;
    }
}

} // namespace

ConnectOptions terminalConnectOptions(bool acceptNew, const std::string& acceptFingerprint) {
    ConnectOptions o = ConnectOptions::defaults();
    o.acceptNewHostKey = acceptNew;
    o.acceptFingerprint = acceptFingerprint;
    o.passphrase = promptSecret;
    o.password = promptSecret;
    o.status = [](const std::string& s) { std::cerr << s << "\n"; };
    return o;
}

void addBoardCommand(CLI::App& app) {
    auto* board =
        app.add_subcommand("board", "Manage boards (kept in boards.json, never with secrets)");
    board->require_subcommand(1);

    auto entry = std::make_shared<BoardEntry>();
    auto* add = board->add_subcommand("add", "Add or update a board reached over SSH");
    add->add_option("name", entry->name, "Your name for the board")->required();
    add->add_option("--host", entry->host, "Host name, address or ~/.ssh/config alias")->required();
    add->add_option("--port", entry->port, "SSH port (default: ssh config or 22)");
    add->add_option("--user", entry->user, "User (default: ssh config or local user)");
    add->add_option("--identity", entry->identityFile,
                    "Private key file (default: ssh-agent, ~/.ssh keys)");
    add->add_option("--group", entry->group, "Fleet group, e.g. lab");
    add->add_option("--agent-path", entry->agentPath, "Path of dvfo-edge on the board")
        ->capture_default_str();
    add->add_option("--emulate", entry->emulate, "Run the agent emulated on that host (test rigs)");
    add->add_option("--sysfs-root", entry->sysfsRoot, "Agent sysfs root (test rigs)");
    add->callback([entry] {
        BoardRegistry registry;
        try {
            if (!entry->emulate.empty())
                BoardSpec::builtin(entry->emulate);
            bool existed = false;
            registry.modify([&](BoardRegistry& r) {
                existed = r.find(entry->name).has_value();
                r.upsert(*entry);
            });
            std::cout << (existed ? "Updated" : "Added") << " board " << entry->name << " in "
                      << registry.path() << "\n";
        } catch (const std::exception& e) {
            std::cerr << "dvfo: " << e.what() << "\n";
            throw CLI::RuntimeError(2);
        }
    });

    auto* list = board->add_subcommand("list", "List boards");
    list->callback([] {
        BoardRegistry registry;
        TablePrinter t({"name", "host", "port", "user", "group", "agent", "mode"});
        for (const auto& id : BoardSpec::builtinIds())
            t.addRow({"emulated:" + id, "(local)", "", "", "", "built-in", "emulated"});
        for (const auto& b : registry.boards())
            t.addRow({b.name, b.host, b.port ? std::to_string(b.port) : "", b.user, b.group,
                      b.agentPath, b.emulate.empty() ? "hardware" : "emulated " + b.emulate});
        t.print(std::cout);
    });

    auto removeName = std::make_shared<std::string>();
    auto* remove = board->add_subcommand("remove", "Remove a board");
    remove->add_option("name", *removeName)->required();
    remove->callback([removeName] {
        BoardRegistry registry;
        bool removed = false;
        registry.modify([&](BoardRegistry& r) { removed = r.remove(*removeName); });
        if (!removed) {
            std::cerr << "dvfo: no board named " << *removeName << "\n";
            throw CLI::RuntimeError(2);
        }
        std::cout << "Removed board " << *removeName << "\n";
    });

    auto probeName = std::make_shared<std::string>();
    auto acceptNew = std::make_shared<bool>(false);
    auto acceptFingerprint = std::make_shared<std::string>();
    auto measureSwitch = std::make_shared<bool>(false);
    auto* probe =
        board->add_subcommand("probe", "Connect, check/upload the agent, show tables and rails");
    probe->add_option("name", *probeName, "Board name or emulated:<id>")->required();
    probe->add_flag("--accept-new", *acceptNew,
                    "Trust an unknown host key, whichever key the board shows (it is saved)");
    probe->add_option("--accept-fingerprint", *acceptFingerprint,
                      "Trust an unknown host key only if it has this fingerprint (SHA256:...; it "
                      "is saved)");
    probe->add_flag("--measure-switch", *measureSwitch,
                    "Also time clock changes on a real board (emulated boards always show them)");
    probe->callback([probeName, acceptNew, acceptFingerprint, measureSwitch] {
        const int rc = probeBoard(*probeName, *acceptNew, *acceptFingerprint, *measureSwitch);
        if (rc)
            throw CLI::RuntimeError(rc);
    });

    addBoardMonitorCommand(*board);
}

} // namespace dvfo::cli
