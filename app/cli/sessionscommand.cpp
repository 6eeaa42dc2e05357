#include "app/cli/sessionscommand.h"

#include "app/cli/tableprinter.h"
#include "core/profilestore.h"

#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>

namespace dvfo::cli {

namespace {
struct Args {
    std::string db, file, name, format = "csv";
    int64_t id = 0;
};

ProfileStore open(const Args& a) { return ProfileStore(a.db.empty() ? ProfileStore::defaultPath() : a.db); }

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
            TablePrinter t({"id", "name", "board", "model", "status", "tuples", "records", "started"});
            for (const auto& s : open(*a).sessions())
                t.addRow({std::to_string(s.id), s.name, s.boardName + (s.emulated ? " (emulated)" : ""), s.model,
                          toString(s.status), std::to_string(s.completedTupleCount), std::to_string(s.measurementCount),
                          s.startedAt});
            t.print(std::cout);
        });
    });
    auto* exp = cmd->add_subcommand("export", "Write a session as CSV or JSON");
    exp->add_option("id", a->id)->required();
    exp->add_option("--format", a->format)->check(CLI::IsMember({"csv", "json"}))->capture_default_str();
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
