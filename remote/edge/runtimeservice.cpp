#include "remote/edge/runtimeservice.h"
#include "core/common/jsoninteger.h"

#include "remote/edge/runtimecontrolclient.h"
#include "remote/edge/runtimepidfile.h"
#include "remote/edge/systemdruntimeunit.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace dvfo {

namespace {
void sleepMs(int ms) {
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}
} // namespace

int RuntimeService::runningPid() const {
    return RuntimePidFile(layout_.pidPath()).holder().pid;
}

int RuntimeService::start(const std::vector<std::string>& argv) {
    const SystemdRuntimeUnit unit;
    if (unit.managesRoot(layout_.root))
        throw std::runtime_error("the runtime is already running under " + unit.unit());
    const RuntimePidFile pidFile(layout_.pidPath());
    const auto holder = pidFile.holder();
    if (holder.pid)
        throw std::runtime_error("the runtime is already running (pid " +
                                 std::to_string(holder.pid) + ")");
    if (holder.unverifiedPid)
        throw std::runtime_error("the pid file is held by another process: " + holder.reason);
    std::filesystem::create_directories(layout_.runtimeDir());
    const pid_t child = ::fork();
    if (child < 0)
        throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    if (child == 0) {
        // Double fork: the runtime is reparented to init and outlives the SSH session that started
        // it.
        ::setsid();
        if (::fork() != 0)
            ::_exit(0);
        const int devnull = ::open("/dev/null", O_RDONLY);
        const int log = ::open(layout_.logPath().c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        ::dup2(devnull, 0);
        ::dup2(log, 1);
        ::dup2(log, 2);
        // Nothing of the caller (a deploy lock's pipe, an SSH channel) may live on in the runtime.
        ::close_range(3, ~0U, 0);
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        std::vector<char*> args;
        for (const auto& a : argv)
            args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        // `run` claims the pid file itself (RuntimePidFile::claim), whoever starts it.
        ::execv("/proc/self/exe", args.data());
        ::_exit(127);
    }
    int st = 0;
    ::waitpid(child, &st, 0);
    // Up to 15 s: the runtime claims its pid file after LibTorch has loaded, which takes seconds
    // on a Nano or a busy machine (5 s was seen to be too short with a CI run alongside).
    for (int i = 0; i < 750; ++i) {
        if (const int pid = runningPid())
            return pid;
        sleepMs(20);
    }
    throw std::runtime_error("the runtime did not start; see " + layout_.logPath());
}

bool RuntimeService::stop(int graceMs) {
    const SystemdRuntimeUnit unit;
    if (unit.managesRoot(layout_.root)) {
        unit.control("stop");
        return true;
    }
    const RuntimePidFile pidFile(layout_.pidPath());
    auto holder = pidFile.holder();
    if (holder.unverifiedPid)
        throw std::runtime_error("not signalling pid " + std::to_string(holder.unverifiedPid) +
                                 ": " + holder.reason + " (pid file " + pidFile.path() + ")");
    const int pid = holder.pid;
    if (!pid)
        return false;
    ::kill(pid, SIGTERM);
    // The lock goes when the process is gone: the pid is never probed after it could be reused.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(graceMs);
    while (pidFile.holder().pid == pid && std::chrono::steady_clock::now() < deadline)
        sleepMs(20);
    holder = pidFile.holder();
    if (holder.pid == pid) {
        ::kill(pid, SIGKILL);
        while (pidFile.holder().pid == pid)
            sleepMs(20);
    }
    return true;
}

bool RuntimeService::restart(const std::vector<std::string>& runArgv) {
    const SystemdRuntimeUnit unit;
    if (unit.managesRoot(layout_.root)) {
        unit.control("restart");
        return true;
    }
    const bool was = stop();
    start(runArgv);
    return was;
}

// The last lines of runtime.log, for a runtime that died before it could report anything.
std::string RuntimeService::logTail() const {
    std::ifstream in(layout_.logPath());
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
        if (!line.empty())
            lines.push_back(line);
    std::string out;
    for (size_t i = lines.size() > 3 ? lines.size() - 3 : 0; i < lines.size(); ++i)
        out += (out.empty() ? " (runtime.log: " : " | ") + lines[i];
    return out.empty() ? "" : out + ")";
}

nlohmann::json RuntimeService::health(int waitMs, const std::string& expectVersion) const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(waitMs);
    std::string reason = "no runtime";
    nlohmann::json status = nlohmann::json::object();
    RuntimeControlClient client(layout_.socketPath(), 2000);
    while (true) {
        const int pid = runningPid();
        try {
            status = client.status();
            const std::string state = status.value("state", "");
            if (pid && jsonIntegerOr<int64_t>(status, "pid", 0) != pid)
                reason = "the socket belongs to another process than the pid file's";
            else if (state == "failed")
                reason =
                    "the runtime failed: " + status.value("error", std::string("unknown error"));
            else if (state != "running")
                reason = "the runtime is " + state;
            else if (!status.value("policyLoaded", false))
                reason = "the runtime has no policy loaded";
            else if (!expectVersion.empty() && status.value("bundleVersion", "") != expectVersion)
                reason = "the runtime runs bundle " +
                         status.value("bundleVersion", std::string("?")) + ", not " + expectVersion;
            else
                return {{"healthy", true}, {"reason", ""}, {"status", status}};
            if (state == "failed")
                break;
        } catch (const std::exception& e) {
            reason = e.what();
            if (!pid) {
                // Not running: a failed start leaves its reason in status.json.
                std::ifstream in(layout_.statusPath());
                auto j = nlohmann::json::parse(in, nullptr, false);
                if (!j.is_discarded() && j.value("state", "") == "failed") {
                    status = j;
                    reason =
                        "the runtime failed: " + j.value("error", std::string("unknown error"));
                    break;
                }
                reason = "the runtime is not running" + logTail();
            }
        }
        if (std::chrono::steady_clock::now() >= deadline)
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return {{"healthy", false}, {"reason", reason}, {"status", status}};
}

} // namespace dvfo
