#include "remote/edge/systemdruntimeunit.h"

#include <array>
#include <cerrno>
#include <fcntl.h>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;

namespace dvfo {

namespace {
std::string canonical(const std::string& path) {
    std::error_code ec;
    std::string c = fs::weakly_canonical(path, ec).string();
    while (c.size() > 1 && c.back() == '/')
        c.pop_back();
    return c.empty() ? path : c;
}

// Runs argv without a shell; returns its stdout, or std::nullopt-like empty + false on failure.
bool capture(const std::vector<std::string>& argv, std::string* out) {
    int pipeFd[2];
    if (::pipe2(pipeFd, O_CLOEXEC) != 0)
        return false;
    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(pipeFd[0]);
        ::close(pipeFd[1]);
        return false;
    }
    if (pid == 0) {
        ::dup2(pipeFd[1], 1);
        std::vector<char*> args;
        for (const auto& a : argv)
            args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        ::execvp(args[0], args.data());
        ::_exit(127);
    }
    ::close(pipeFd[1]);
    std::array<char, 4096> buf;
    ssize_t n;
    while ((n = ::read(pipeFd[0], buf.data(), buf.size())) > 0)
        if (out)
            out->append(buf.data(), size_t(n));
    ::close(pipeFd[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}
} // namespace

SystemdRuntimeUnit::SystemdRuntimeUnit() {
    const char* unit = std::getenv("DVFO_EDGE_UNIT");
    unit_ = unit && *unit ? unit : "dvfo-edge.service";
}

std::string SystemdRuntimeUnit::rootOfCommandLine(const std::string& cmdline,
                                                  const std::string& cwd) {
    std::vector<std::string> args;
    std::istringstream in(cmdline);
    for (std::string a; std::getline(in, a, '\0');)
        args.push_back(a);
    for (size_t i = 0; i < args.size(); ++i) {
        std::string root;
        if (args[i] == "--root" && i + 1 < args.size())
            root = args[i + 1];
        else if (args[i].rfind("--root=", 0) == 0)
            root = args[i].substr(7);
        if (!root.empty())
            return canonical(root.front() == '/' ? root : cwd + "/" + root);
    }
    return {};
}

bool SystemdRuntimeUnit::managesRoot(const std::string& root) const {
    if (!fs::exists("/run/systemd/system"))
        return false; // systemd is not the init system here (containers, boards without it)
    std::string out;
    if (!capture({"systemctl", "show", unit_, "-p", "ActiveState", "-p", "MainPID"}, &out))
        return false;
    std::string state;
    int mainPid = 0;
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind("ActiveState=", 0) == 0)
            state = line.substr(12);
        else if (line.rfind("MainPID=", 0) == 0)
            mainPid = std::atoi(line.c_str() + 8);
    }
    if ((state != "active" && state != "activating" && state != "reloading") || mainPid <= 0)
        return false;
    const std::string proc = "/proc/" + std::to_string(mainPid);
    std::ifstream cmd(proc + "/cmdline", std::ios::binary);
    std::stringstream ss;
    ss << cmd.rdbuf();
    std::error_code ec;
    const std::string cwd = fs::read_symlink(proc + "/cwd", ec).string();
    return rootOfCommandLine(ss.str(), cwd) == canonical(root);
}

void SystemdRuntimeUnit::control(const std::string& verb) const {
    if (!capture({"systemctl", verb, unit_}, nullptr))
        throw std::runtime_error("systemctl " + verb + " " + unit_ + " failed");
}

} // namespace dvfo
