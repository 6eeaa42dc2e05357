#include "remote/client/deploycontext.h"

#include "remote/client/boardconnector.h"

namespace dvfo {

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

void DeployContext::switchLink(const std::string& link, const std::string& version) const {
    const std::string q = BoardShell::quote(root);
    const std::string tmp = link + ".tmp";
    run("cd " + q + " && ln -sfn " + BoardShell::quote("bundles/" + version) + " " + tmp +
            " && mv -T " + tmp + " " + link,
        "switching " + link + " to " + version);
}

std::string DeployContext::linkVersion(const std::string& link) const {
    const auto target = shell.readLink(root + "/" + link);
    if (!target)
        return {};
    const auto slash = target->find_last_of('/');
    return slash == std::string::npos ? *target : target->substr(slash + 1);
}

} // namespace dvfo
