#include "app/cli/sessionscommand.h"

#include "app/cli/tableprinter.h"
#include "core/board/boardconditions.h"
#include "core/workspace/profilestore.h"

#include <CLI/CLI.hpp>

#include <cmath>
#include <fstream>
#include <iostream>

namespace dvfo::cli {

namespace {
struct Args {
    std::string db, file, name, format = "csv";
    int64_t id = 0;
};

// The session's board conditions, or an empty set when none were stored (older sessions).
BoardConditions conditionsOf(const SessionInfo& s, nlohmann::json* raw = nullptr) {
    nlohmann::json j =
        nlohmann::json::parse(s.conditionsJson.empty() ? "{}" : s.conditionsJson, nullptr, false);
    if (!j.is_object())
        j = nlohmann::json::object();
    if (raw)
        *raw = j;
    try {
        return BoardConditions::fromJson(j);
    } catch (const std::exception&) {
        return {};
    }
}

std::string orDash(const std::string& s) {
    return s.empty() ? "-" : s;
}

std::string celsiusCell(double v) {
    return std::isnan(v) ? "-" : TablePrinter::num(v, 1);
}

// "2/30": throttled tuples of those with conditions; "-" when the agent reported none.
std::string throttledCell(const SessionInfo& s) {
    if (s.observedTupleCount == 0)
        return "-";
    return std::to_string(s.throttledTupleCount) + "/" + std::to_string(s.observedTupleCount);
}

void showSession(ProfileStore& store, int64_t id) {
    const SessionInfo s = store.session(id);
    nlohmann::json raw;
    const BoardConditions c = conditionsOf(s, &raw);
    const auto tuples = store.tupleConditions(id);
    std::cout << "Session " << s.id << (s.name.empty() ? "" : " \"" + s.name + "\"") << ": "
              << s.model << " on " << s.boardName << (s.emulated ? " (emulated)" : "") << ", "
              << toString(s.status) << ", " << s.completedTupleCount << " tuples, "
              << s.measurementCount << " records\n"
              << "  board spec:      " << orDash(raw.value("boardName", s.boardId)) << " ("
              << s.boardId << ")\n"
              << "  device-tree:     " << orDash(c.boardModel) << "\n"
              << "  L4T release:     " << orDash(c.l4tRelease) << "\n"
              << "  nvpmodel:        "
              << (c.nvpmodelId >= 0
                      ? orDash(c.nvpmodelName) + " (id " + std::to_string(c.nvpmodelId) +
                            ", from " + c.nvpmodelSource + ")"
                      : std::string("-"))
              << "\n"
              << "  layers ran on:   " << orDash(raw.value("executionDevice", std::string()))
              << "\n";
    if (raw.contains("warning") && raw["warning"].is_string())
        std::cout << "  warning:         " << raw["warning"].get<std::string>() << "\n";
    std::cout << "  at the start:    "
              << (c.thermalZones.empty() ? std::string("no thermal zones") : c.summary()) << "\n";
    if (!c.note.empty())
        std::cout << "  note:            " << c.note << "\n";
    if (tuples.empty()) {
        std::cout << "  per tuple:       no temperatures or throttling recorded (agent before "
                     "issue 15)\n";
        return;
    }
    std::cout << "  per tuple:       hottest zone " << celsiusCell(s.maxTempC)
              << " C, throttled at " << s.throttledTupleCount << " of " << tuples.size()
              << " tuples\n";
    TablePrinter t({"tuple kHz", "in force kHz", "throttled", "max C"});
    for (const auto& [tuple, tc] : tuples) {
        std::string domains;
        for (const auto& d : tc.throttledDomains)
            domains += (domains.empty() ? "" : ",") + d;
        t.addRow({tuple.toString(), tc.inForce.toString(),
                  tc.throttled ? "yes (" + domains + ")" : "no", celsiusCell(tc.maxTempC())});
    }
    t.print(std::cout);
}

ProfileStore open(const Args& a) {
    return ProfileStore(a.db.empty() ? ProfileStore::defaultPath() : a.db);
}

// Runs a store action and turns its errors into a clear message and exit code 2.
template <typename F> void guarded(F&& f) {
    try {
        f();
    } catch (const std::exception& e) {
        std::cerr << "dvfo: " << e.what() << "\n";
        throw CLI::RuntimeError(2);
    }
}
} // namespace

void addSessionsCommand(CLI::App& app) {
    auto a = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("sessions", "Profile sessions in the workspace database");
    cmd->add_option("--db", a->db, "Workspace database (default ~/.local/share/dvfo/workspace.db)");
    cmd->require_subcommand(1);

    cmd->add_subcommand("list", "List sessions")->callback([a] {
        guarded([&] {
            TablePrinter t({"id", "name", "board", "model", "status", "tuples", "records", "L4T",
                            "nvpmodel", "max C", "throttled", "started"});
            for (const auto& s : open(*a).sessions()) {
                const BoardConditions c = conditionsOf(s);
                t.addRow({std::to_string(s.id), s.name,
                          s.boardName + (s.emulated ? " (emulated)" : ""), s.model,
                          toString(s.status), std::to_string(s.completedTupleCount),
                          std::to_string(s.measurementCount), orDash(c.l4tRelease),
                          orDash(c.nvpmodelName), celsiusCell(s.maxTempC), throttledCell(s),
                          s.startedAt});
            }
            t.print(std::cout);
        });
    });
    auto* show =
        cmd->add_subcommand("show", "A session's board identity and conditions (L4T, nvpmodel, "
                                    "temperatures, throttled tuples)");
    show->add_option("id", a->id)->required();
    show->callback([a] {
        guarded([&] {
            ProfileStore store = open(*a);
            showSession(store, a->id);
        });
    });
    auto* exp = cmd->add_subcommand("export", "Write a session as CSV or JSON");
    exp->add_option("id", a->id)->required();
    exp->add_option("--format", a->format)
        ->check(CLI::IsMember({"csv", "json"}))
        ->capture_default_str();
    exp->add_option("-o,--output", a->file, "File (default: standard output)");
    exp->callback([a] {
        guarded([&] {
            ProfileStore store = open(*a);
            std::ofstream f;
            if (!a->file.empty()) {
                f.open(a->file);
                if (!f)
                    throw std::runtime_error("cannot write " + a->file);
            }
            std::ostream& out = a->file.empty() ? std::cout : f;
            if (a->format == "csv")
                store.exportCsv(a->id, out);
            else
                store.exportJson(a->id, out);
        });
    });
    auto* imp = cmd->add_subcommand("import", "Import a session exported as JSON");
    imp->add_option("file", a->file)->required()->check(CLI::ExistingFile);
    imp->callback([a] {
        guarded([&] {
            std::ifstream f(a->file);
            std::cout << "Imported as session " << open(*a).importJson(f) << "\n";
        });
    });
    auto* ren = cmd->add_subcommand("rename", "Rename a session");
    ren->add_option("id", a->id)->required();
    ren->add_option("name", a->name)->required();
    ren->callback([a] { guarded([&] { open(*a).renameSession(a->id, a->name); }); });
    auto* del = cmd->add_subcommand("delete", "Delete a session and its measurements");
    del->add_option("id", a->id)->required();
    del->callback([a] { guarded([&] { open(*a).deleteSession(a->id); }); });
}

} // namespace dvfo::cli
