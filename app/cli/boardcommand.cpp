#include "app/cli/boardcommand.h"

#include "app/cli/tableprinter.h"
#include "core/boardregistry.h"
#include "core/boardspec.h"
#include "remote/client/boardconnector.h"
#include "remote/ssh/ssherror.h"

#include <CLI/CLI.hpp>

#include <cstring>
#include <iostream>
#include <termios.h>
#include <unistd.h>

namespace dvfo::cli {

namespace {

// Reads a secret from the terminal with echo off; nothing is stored.
std::optional<std::string> promptSecret(const std::string& prompt) {
    FILE* tty = fopen("/dev/tty", "r+");
    if (!tty)
        return std::nullopt; // no terminal (CI, pipes): give up instead of hanging
    fprintf(tty, "%s ", prompt.c_str());
    fflush(tty);
    termios old{};
    const bool isTty = tcgetattr(fileno(tty), &old) == 0;
    if (isTty) {
        termios quiet = old;
        quiet.c_lflag &= ~tcflag_t(ECHO);
        tcsetattr(fileno(tty), TCSANOW, &quiet);
    }
    char buf[1024] = {};
    const bool got = fgets(buf, sizeof buf, tty) != nullptr;
    if (isTty)
        tcsetattr(fileno(tty), TCSANOW, &old);
    fprintf(tty, "\n");
    fclose(tty);
    if (!got)
        return std::nullopt;
    std::string s(buf);
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r'))
        s.pop_back();
    std::memset(buf, 0, sizeof buf);
    return s;
}

int probeBoard(const std::string& name, bool acceptNew) {
    BoardRegistry registry;
    try {
        auto agent = connectBoard(name, terminalConnectOptions(acceptNew), &registry);
        const auto p = agent->call("probe");
        const BoardSpec spec = BoardSpec::fromJson(p.at("spec"));
        std::cout << "Board " << name << ": " << spec.name << (p.value("emulated", false) ? " (emulated)" : "")
                  << ", " << p.value("arch", "?") << ", host " << p.value("hostname", "?") << "\n"
                  << "Agent: dvfo-edge " << p.value("version", "?") << ", protocol " << p.value("protocol", 0)
                  << " via " << agent->describe() << "\n"
                  << "Current tuple (kHz): " << p.value("current", "?") << "; governors: " << p["governors"].dump()
                  << "\n\n";
        TablePrinter t({"domain", "entries", "min MHz", "max MHz", "note"});
        auto row = [&](const char* d, const ClockTableSpec& c) {
            t.addRow({d, std::to_string(c.frequenciesKhz.size()), TablePrinter::num(c.frequenciesKhz.front() / 1000.0, 1),
                      TablePrinter::num(c.frequenciesKhz.back() / 1000.0, 1), c.partial ? "partial list" : ""});
        };
        row("CPU", spec.cpu);
        row("GPU", spec.gpu);
        row("EMC", spec.emc);
        t.print(std::cout);
        std::cout << "\n";
        TablePrinter r({"rail", "mW", "mV", "mA"});
        for (const auto& rail : p["power"]["rails"])
            r.addRow({rail["name"].get<std::string>(), TablePrinter::num(rail["mw"].get<double>(), 0),
                      TablePrinter::num(rail["mv"].get<double>(), 0), TablePrinter::num(rail["ma"].get<double>(), 0)});
        r.print(std::cout);
        return 0;
    } catch (const SshError& e) {
        std::cerr << "dvfo: " << name << ": " << e.what() << "\n";
        if (e.kind() == SshError::Kind::HostKeyUnknown)
            std::cerr << "dvfo: check the fingerprint, then run again with --accept-new to trust it\n";
        return 4;
    } catch (const std::exception& e) {
        std::cerr << "dvfo: " << name << ": " << e.what() << "\n";
        return 3;
    }
}

} // namespace

ConnectOptions terminalConnectOptions(bool acceptNew) {
    ConnectOptions o = ConnectOptions::defaults();
    o.acceptNewHostKey = acceptNew;
    o.passphrase = promptSecret;
    o.password = promptSecret;
    o.status = [](const std::string& s) { std::cerr << s << "\n"; };
    return o;
}

void addBoardCommand(CLI::App& app) {
    auto* board = app.add_subcommand("board", "Manage boards (kept in boards.json, never with secrets)");
    board->require_subcommand(1);

    auto entry = std::make_shared<BoardEntry>();
    auto* add = board->add_subcommand("add", "Add or update a board reached over SSH");
    add->add_option("name", entry->name, "Your name for the board")->required();
    add->add_option("--host", entry->host, "Host name, address or ~/.ssh/config alias")->required();
    add->add_option("--port", entry->port, "SSH port (default: ssh config or 22)");
    add->add_option("--user", entry->user, "User (default: ssh config or local user)");
    add->add_option("--identity", entry->identityFile, "Private key file (default: ssh-agent, ~/.ssh keys)");
    add->add_option("--group", entry->group, "Fleet group, e.g. lab");
    add->add_option("--agent-path", entry->agentPath, "Path of dvfo-edge on the board")->capture_default_str();
    add->add_option("--emulate", entry->emulate, "Run the agent emulated on that host (test rigs)");
    add->add_option("--sysfs-root", entry->sysfsRoot, "Agent sysfs root (test rigs)");
    add->callback([entry] {
        BoardRegistry registry;
        try {
            if (!entry->emulate.empty())
                BoardSpec::builtin(entry->emulate);
            const bool existed = registry.find(entry->name).has_value();
            registry.upsert(*entry);
            registry.save();
            std::cout << (existed ? "Updated" : "Added") << " board " << entry->name << " in " << registry.path() << "\n";
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
            t.addRow({b.name, b.host, b.port ? std::to_string(b.port) : "", b.user, b.group, b.agentPath,
                      b.emulate.empty() ? "hardware" : "emulated " + b.emulate});
        t.print(std::cout);
    });

    auto removeName = std::make_shared<std::string>();
    auto* remove = board->add_subcommand("remove", "Remove a board");
    remove->add_option("name", *removeName)->required();
    remove->callback([removeName] {
        BoardRegistry registry;
        if (!registry.remove(*removeName)) {
            std::cerr << "dvfo: no board named " << *removeName << "\n";
            throw CLI::RuntimeError(2);
        }
        registry.save();
        std::cout << "Removed board " << *removeName << "\n";
    });

    auto probeName = std::make_shared<std::string>();
    auto acceptNew = std::make_shared<bool>(false);
    auto* probe = board->add_subcommand("probe", "Connect, check/upload the agent, show tables and rails");
    probe->add_option("name", *probeName, "Board name or emulated:<id>")->required();
    probe->add_flag("--accept-new", *acceptNew, "Trust an unknown host key (it is saved)");
    probe->callback([probeName, acceptNew] {
        const int rc = probeBoard(*probeName, *acceptNew);
        if (rc)
            throw CLI::RuntimeError(rc);
    });
}

} // namespace dvfo::cli
