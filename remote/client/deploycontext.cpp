#include "remote/client/deploycontext.h"

namespace dvfo {

std::string DeployContext::agentCommand(const std::string& args) const {
    const std::string& path = board.agentPath;
    std::string command = path.rfind("~/", 0) == 0 ? "\"$HOME\"/" + SshExec::shellQuote(path.substr(2))
                                                    : SshExec::shellQuote(path);
    if (!board.emulate.empty())
        command += " --emulate " + SshExec::shellQuote(board.emulate);
    if (!board.sysfsRoot.empty())
        command += " --sysfs-root " + SshExec::shellQuote(board.sysfsRoot);
    return command + " " + args;
}

std::string DeployContext::run(const std::string& command, const std::string& what,
                               std::chrono::milliseconds timeout) const {
    SshExec exec(session);
    ExecOptions o;
    o.timeout = timeout;
    const ExecResult r = exec.run(command, o);
    if (!r.ok()) {
        std::string detail = r.stderrText.empty() ? r.stdoutText : r.stderrText;
        while (!detail.empty() && (detail.back() == '\n' || detail.back() == ' '))
            detail.pop_back();
        throw DeployError(what + (r.timedOut ? " timed out" : " failed (exit " + std::to_string(r.exitStatus) + ")") +
                          (detail.empty() ? "" : ": " + detail));
    }
    return r.stdoutText;
}

void DeployContext::switchLink(const std::string& link, const std::string& version) const {
    const std::string q = SshExec::shellQuote(root);
    const std::string tmp = link + ".tmp";
    run("cd " + q + " && ln -sfn " + SshExec::shellQuote("bundles/" + version) + " " + tmp + " && mv -T " + tmp + " " +
            link,
        "switching " + link + " to " + version);
}

std::string DeployContext::linkVersion(const std::string& link) const {
    if (!sftp.lstat(root + "/" + link))
        return {};
    const std::string target = sftp.readLink(root + "/" + link);
    const auto slash = target.find_last_of('/');
    return slash == std::string::npos ? target : target.substr(slash + 1);
}

} // namespace dvfo
