#include "app/cli/bundlecommand.h"

#include "app/cli/tableprinter.h"
#include "core/bundle/bundleerror.h"
#include "core/workspace/bundlestore.h"
#include "core/bundle/policybundle.h"
#include "core/workspace/profilestore.h"

#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>
#include <unistd.h>

namespace dvfo::cli {

namespace {
struct Args {
    std::string db, target, board, model;
    BundleCreateOptions create;
};

std::string dbPath(const Args& a) {
    return a.db.empty() ? ProfileStore::defaultPath() : a.db;
}

template <typename F> void guarded(F&& f) {
    try {
        f();
    } catch (const std::exception& e) {
        std::cerr << "dvfo: " << e.what() << "\n";
        throw CLI::RuntimeError(2);
    }
}

bool isNumber(const std::string& s) {
    return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

std::string stripEmulated(const std::string& board) {
    return board.rfind("emulated:", 0) == 0 ? board.substr(9) : board;
}

// A bundle named by database id or version.
StoredBundle findStored(BundleStore& store, const std::string& idOrVersion) {
    auto b = isNumber(idOrVersion) ? store.findBundle(std::stoll(idOrVersion))
                                   : store.findBundleByVersion(idOrVersion);
    if (!b)
        throw std::runtime_error("no bundle '" + idOrVersion +
                                 "' in the workspace (see 'dvfo bundle list')");
    return *b;
}
} // namespace

void addBundleCommand(CLI::App& app) {
    auto a = std::make_shared<Args>();
    auto* cmd = app.add_subcommand(
        "bundle", "Policy bundles: policy + attention checkpoint + cloud endpoint");
    cmd->add_option("--db", a->db, "Workspace database (default ~/.local/share/dvfo/workspace.db)");
    cmd->require_subcommand(1);

    auto* create =
        cmd->add_subcommand("create", "Make a bundle directory and register it in the workspace");
    auto& c = a->create;
    create->add_option("--policy", c.policyDir, "Exported policy dir (policy.json [+ policy.pt])")
        ->required();
    create->add_option(
        "--attention", c.attentionDir,
        "Attention checkpoint dir (dvfo attention train --out); zoo models (--model resnet18, ...) "
        "may go without: their maps are ranked data-free");
    create->add_option("--board", a->board, "Board spec it is for, e.g. xavier-nx")->required();
    create->add_option("--model", c.model, "Model (default: the checkpoint's)");
    create->add_option("--name", c.name, "Name");
    create->add_option("--version", c.version, "Version (default: UTC time + content hash)");
    create->add_option("--cloud-url", c.endpoint.url,
                       "Cloud endpoint http://host:port (default: edge-only)");
    create->add_option("--cloud-model", c.endpoint.model, "Model name on the cloud server")
        ->capture_default_str();
    create->add_option("--cloud-timeout-ms", c.endpoint.timeoutMs, "Cloud request timeout")
        ->capture_default_str();
    create->add_flag("--tls", c.endpoint.tls, "Use TLS to the cloud (not supported by this build)");
    create->add_option("--fallback", c.endpoint.fallback, "When the cloud fails")
        ->check(CLI::IsMember({"edge-only", "fail"}))
        ->capture_default_str();
    create->add_option("--eta", c.eta, "Energy/latency weight the policy was trained with")
        ->capture_default_str();
    create->add_option("--slo-ms", c.sloMs, "Latency objective per inference (0 = none)");
    create->add_option("--session", c.sessionId, "Provenance: profile session id");
    create->add_option("--run", c.runId, "Provenance: training run id");
    create->add_option("-o,--out", c.outDir,
                       "Bundle directory (default: <workspace dir>/bundles/<version>)");
    create->callback([a] {
        guarded([&] {
            BundleCreateOptions o = a->create;
            o.boardSpecId = stripEmulated(a->board);
            BundleStore store(dbPath(*a));
            const bool defaultOut = o.outDir.empty();
            const auto bundlesDir = std::filesystem::path(dbPath(*a)).parent_path() / "bundles";
            if (defaultOut) {
                std::filesystem::create_directories(bundlesDir);
                o.outDir = (bundlesDir / (".new-" + std::to_string(::getpid()))).string();
            }
            BundleManifest m = PolicyBundle::create(o);
            std::string dir = std::filesystem::absolute(o.outDir).string();
            if (defaultOut) {
                const auto final = bundlesDir / m.bundleVersion;
                if (std::filesystem::exists(final)) {
                    std::filesystem::remove_all(o.outDir);
                    throw BundleError("bundle " + m.bundleVersion + " already exists in " +
                                      bundlesDir.string());
                }
                std::filesystem::rename(o.outDir, final);
                // Absolute: deploy may run from another directory.
                dir = std::filesystem::absolute(final).string();
            }
            StoredBundle b;
            b.name = m.name;
            b.version = m.bundleVersion;
            b.boardSpecId = m.boardSpecId;
            b.model = m.model;
            b.sessionId = m.sessionId;
            b.runId = m.runId;
            b.path = dir;
            b.manifestJson = m.toJson().dump();
            b.createdAt = m.createdAt;
            const int64_t id = store.addBundle(b);
            std::cout << "bundle " << id << ": " << m.bundleVersion << " (" << m.files.size()
                      << " files, board " << m.boardSpecId << ", model " << m.model << ") in "
                      << dir << "\n";
        });
    });

    cmd->add_subcommand("list", "List bundles")->callback([a] {
        guarded([&] {
            BundleStore store(dbPath(*a));
            TablePrinter t(
                {"id", "version", "name", "board", "model", "session", "run", "created"});
            for (const auto& b : store.bundles())
                t.addRow({std::to_string(b.id), b.version, b.name, b.boardSpecId, b.model,
                          b.sessionId ? std::to_string(b.sessionId) : "-",
                          b.runId ? std::to_string(b.runId) : "-", b.createdAt});
            t.print(std::cout);
        });
    });

    auto* show = cmd->add_subcommand("show", "Print a bundle's manifest");
    show->add_option("bundle", a->target, "Id or version")->required();
    show->callback([a] {
        guarded([&] {
            BundleStore store(dbPath(*a));
            const auto b = findStored(store, a->target);
            std::cout << "# " << b.path << "\n"
                      << nlohmann::json::parse(b.manifestJson).dump(2) << "\n";
        });
    });

    auto* validate = cmd->add_subcommand(
        "validate", "Check files, checksums, board and model; exit 1 when refused");
    validate->add_option("bundle", a->target, "Id, version or directory")->required();
    validate->add_option("--board", a->board, "Expected board spec");
    validate->add_option("--model", a->model, "Expected model");
    validate->callback([a] {
        std::string dir = a->target;
        guarded([&] {
            if (!std::filesystem::is_directory(dir)) {
                BundleStore store(dbPath(*a));
                dir = findStored(store, a->target).path;
            }
        });
        BundleExpectations e;
        e.boardSpecId = stripEmulated(a->board);
        e.model = a->model;
        const auto problems = PolicyBundle::problems(dir, e);
        if (problems.empty()) {
            std::cout << "bundle " << dir << ": valid\n";
            return;
        }
        for (const auto& p : problems)
            std::cerr << "dvfo: " << p << "\n";
        throw CLI::RuntimeError(1);
    });
}

} // namespace dvfo::cli
