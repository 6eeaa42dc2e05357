#include "remote/edge/runtimeservice.h"

#include "remote/edge/runtimecontrolclient.h"

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
bool alive(int pid) {
    if (pid <= 0 || ::kill(pid, 0) != 0)
        return false;
    // A zombie child of ours (tests) is not running.
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string s;
    std::getline(stat, s);
    const auto close = s.rfind(')');
    return close == std::string::npos || close + 2 >= s.size() || s[close + 2] != 'Z';
}
} // namespace

int RuntimeService::runningPid() const {
    std::ifstream in(layout_.pidPath());
    int pid = 0;
    if (!(in >> pid) || !alive(pid))
        return 0;
    return pid;
}

int RuntimeService::start(const std::vector<std::string>& argv) {
    if (const int pid = runningPid())
        throw std::runtime_error("the runtime is already running (pid " + std::to_string(pid) + ")");
    std::filesystem::create_directories(layout_.runtimeDir());
    ::unlink(layout_.pidPath().c_str());
    const pid_t child = ::fork();
    if (child < 0)
        throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    if (child == 0) {
        // Double fork: the runtime is reparented to init and outlives the SSH session that started it.
        ::setsid();
        if (::fork() != 0)
            ::_exit(0);
        const int devnull = ::open("/dev/null", O_RDONLY);
        const int log = ::open(layout_.logPath().c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        ::dup2(devnull, 0);
        ::dup2(log, 1);
        ::dup2(log, 2);
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        {
            std::ofstream pid(layout_.pidPath() + ".tmp");
            pid << ::getpid() << "\n";
        }
        std::rename((layout_.pidPath() + ".tmp").c_str(), layout_.pidPath().c_str());
        std::vector<char*> args;
        for (const auto& a : argv)
            args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        ::execv("/proc/self/exe", args.data());
        ::_exit(127);
    }
    int st = 0;
    ::waitpid(child, &st, 0);
    for (int i = 0; i < 100; ++i) {
        if (const int pid = runningPid())
            return pid;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw std::runtime_error("the runtime did not start; see " + layout_.logPath());
}

bool RuntimeService::stop(int graceMs) {
    const int pid = runningPid();
    if (!pid)
        return false;
    ::kill(pid, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(graceMs);
    while (alive(pid) && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (alive(pid)) {
        ::kill(pid, SIGKILL);
        while (alive(pid))
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ::unlink(layout_.pidPath().c_str());
    return true;
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
            if (pid && status.value("pid", 0) != pid)
                reason = "the socket belongs to another process than runtime.pid";
            else if (state == "failed")
                reason = "the runtime failed: " + status.value("error", std::string("unknown error"));
            else if (state != "running")
                reason = "the runtime is " + state;
            else if (!status.value("policyLoaded", false))
                reason = "the runtime has no policy loaded";
            else if (!expectVersion.empty() && status.value("bundleVersion", "") != expectVersion)
                reason = "the runtime runs bundle " + status.value("bundleVersion", std::string("?")) + ", not " +
                         expectVersion;
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
                    reason = "the runtime failed: " + j.value("error", std::string("unknown error"));
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
