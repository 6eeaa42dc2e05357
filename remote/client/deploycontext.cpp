#include "remote/client/deploycontext.h"

#include "remote/client/boardconnector.h"
#include "remote/client/linetransport.h"
#include "remote/edge/runtimelayout.h"

namespace dvfo {

DeployContext::DeployContext(BoardShell& s, BoardEntry b, DeployOptions o)
    : shell(s), board(std::move(b)), options(std::move(o)) {}

DeployContext::~DeployContext() = default;

std::string DeployContext::agentCommand(const std::string& args) const {
    return agentCommandLine(board, args);
}

std::string DeployContext::run(const std::string& command, const std::string& what,
                               std::chrono::milliseconds timeout) const {
    const ShellResult r = shell.run(command, timeout);
    if (!r.ok()) {
        std::string detail = r.stderrText.empty() ? r.stdoutText : r.stderrText;
        while (!detail.empty() && (detail.back() == '\n' || detail.back() == ' '))
            detail.pop_back();
        throw DeployError(
            what +
            (r.timedOut ? " timed out" : " failed (exit " + std::to_string(r.exitStatus) + ")") +
            (detail.empty() ? "" : ": " + detail));
    }
    return r.stdoutText;
}

std::string DeployContext::syncCommand(const std::vector<std::string>& paths) {
    std::string command = "sync --";
    for (const auto& p : paths)
        command += " " + BoardShell::quote(p);
    return command;
}

void DeployContext::switchLink(const std::string& link, const std::string& dir) const {
    const std::string q = BoardShell::quote(root);
    const std::string tmp = link + ".tmp";
    run("cd " + q + " && ln -sfn " + BoardShell::quote("bundles/" + dir) + " " + tmp +
            " && mv -T " + tmp + " " + link + " && sync -- .",
        "switching " + link + " to " + dir);
}

std::string DeployContext::linkTarget(const std::string& link) const {
    const auto target = shell.readLink(root + "/" + link);
    if (!target)
        return {};
    const auto slash = target->find_last_of('/');
    return slash == std::string::npos ? *target : target->substr(slash + 1);
}

std::string DeployContext::linkVersion(const std::string& link) const {
    const std::string dir = linkTarget(link);
    return dir.empty() ? dir : RuntimeLayout::versionOfBundleDir(dir);
}

std::string DeployContext::markerCommand(bool armed) const {
    const nlohmann::json head = {{"bundle", bundleDir}, {"fallback", previousDir}};
    std::string prefix = head.dump(); // {"bundle":...,"fallback":...}
    prefix.pop_back();
    prefix += ",\"armed\":";
    const std::string armedValue =
        armed ? "printf '\"%s\"}\\n' \"$(cat /proc/sys/kernel/random/boot_id 2>/dev/null)\""
              : "printf 'false}\\n'";
    return "cd " + BoardShell::quote(root) + " && { printf '%s' " + BoardShell::quote(prefix) +
           " && " + armedValue + "; } > pending.tmp && sync -- pending.tmp && mv -f pending.tmp " +
           "pending && sync -- .";
}

void DeployContext::removeMarker() const {
    run("cd " + BoardShell::quote(root) + " && rm -f pending && sync -- .",
        "removing the pending marker");
}

void DeployContext::checkpoint(const std::string& point) const {
    if (options.checkpoint)
        options.checkpoint(board.name, point);
}

} // namespace dvfo
