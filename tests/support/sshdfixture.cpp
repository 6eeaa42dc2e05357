#include "support/sshdfixture.h"

#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <netinet/in.h>
#include <pwd.h>
#include <sstream>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace {

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

bool writeFile(const std::string& path, const std::string& content, mode_t mode = 0600) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
    out.close();
    ::chmod(path.c_str(), mode);
    return bool(out);
}

int freeLoopbackPort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return 0;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    int port = 0;
    socklen_t len = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
        port = ntohs(addr.sin_port);
    }
    ::close(fd);
    return port;
}

bool portAccepts(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(uint16_t(port));
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
}

std::string findTool(const char* name) {
    for (const char* dir : {"/usr/bin", "/bin", "/usr/local/bin", "/usr/sbin"}) {
        const std::string p = std::string(dir) + "/" + name;
        if (::access(p.c_str(), X_OK) == 0)
            return p;
    }
    return name;
}

// Everything fork()ed must be prepared beforehand: between fork and exec only
// async-signal-safe calls are allowed (the test process may have threads).
struct ExecSpec {
    std::vector<std::string> argv;
    std::vector<std::string> env;
    std::vector<char*> argvPtrs;
    std::vector<char*> envPtrs;

    ExecSpec(std::vector<std::string> a, const std::vector<std::string>& extraEnv)
        : argv(std::move(a)) {
        for (char** e = environ; e && *e; ++e) {
            const std::string entry = *e;
            const std::string name = entry.substr(0, entry.find('=') + 1);
            bool overridden = false;
            for (const auto& x : extraEnv)
                overridden = overridden || x.rfind(name, 0) == 0;
            if (!overridden)
                env.push_back(entry);
        }
        for (const auto& e : extraEnv)
            env.push_back(e);
        for (auto& s : argv)
            argvPtrs.push_back(s.data());
        argvPtrs.push_back(nullptr);
        for (auto& s : env)
            envPtrs.push_back(s.data());
        envPtrs.push_back(nullptr);
    }
};

} // namespace

SshdFixture::SshdFixture() {
    char tmpl[] = "/tmp/dvfo-sshd-XXXXXX";
    if (char* d = ::mkdtemp(tmpl))
        m_dir = d;
    else
        m_error = std::string("mkdtemp failed: ") + std::strerror(errno);
}

SshdFixture::~SshdFixture() {
    stop();
    if (m_agentPid > 0) {
        ::kill(m_agentPid, SIGTERM);
        ::waitpid(m_agentPid, nullptr, 0);
        m_agentPid = -1;
    }
    if (!m_dir.empty() && !std::getenv("DVFO_KEEP_SSHD_DIR")) {
        std::error_code ec;
        std::filesystem::remove_all(m_dir, ec);
    }
}

std::string SshdFixture::sshdExecutable() {
    if (const char* e = std::getenv("SSHD_EXECUTABLE");
        e && *e && std::string(e).find("NOTFOUND") == std::string::npos)
        return e;
    return "/usr/sbin/sshd";
}

std::string SshdFixture::user() const {
    if (const passwd* pw = ::getpwuid(::getuid()); pw && pw->pw_name)
        return pw->pw_name;
    return "root";
}

bool SshdFixture::runTool(const std::vector<std::string>& argv, std::string* output,
                          const std::vector<std::string>& extraEnv) {
    ExecSpec spec(argv, extraEnv);
    int pipeFds[2];
    if (::pipe2(pipeFds, O_CLOEXEC) != 0) {
        m_error = "pipe failed";
        return false;
    }
    const int devNull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(devNull, 0);
        ::dup2(pipeFds[1], 1);
        ::dup2(pipeFds[1], 2);
        ::execve(spec.argvPtrs[0], spec.argvPtrs.data(), spec.envPtrs.data());
        ::_exit(127);
    }
    ::close(pipeFds[1]);
    ::close(devNull);
    std::string out;
    char buf[4096];
    for (;;) {
        const ssize_t n = ::read(pipeFds[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        out.append(buf, std::size_t(n));
    }
    ::close(pipeFds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (output)
        *output = out;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        m_error = argv[0] + " failed: " + out;
        return false;
    }
    return true;
}

bool SshdFixture::regenerateHostKey() {
    const std::string key = m_dir + "/ssh_host_ed25519_key";
    ::unlink(key.c_str());
    ::unlink((key + ".pub").c_str());
    return runTool({findTool("ssh-keygen"), "-q", "-t", "ed25519", "-N", "", "-C", "dvfo-test-host",
                    "-f", key});
}

bool SshdFixture::prepare() {
    if (m_prepared)
        return true;
    if (m_dir.empty())
        return false;
    if (::access(sshdExecutable().c_str(), X_OK) != 0) {
        m_error = "sshd not found at " + sshdExecutable();
        return false;
    }
    if (!regenerateHostKey())
        return false;
    const std::string keygen = findTool("ssh-keygen");
    if (!runTool(
            {keygen, "-q", "-t", "ed25519", "-N", "", "-C", "dvfo-client", "-f", clientKey()}) ||
        !runTool({keygen, "-q", "-t", "ed25519", "-N", passphrase(), "-C", "dvfo-client-pass", "-f",
                  clientKeyWithPassphrase()}) ||
        !runTool({keygen, "-q", "-t", "ed25519", "-N", "", "-C", "dvfo-agent", "-f", agentKey()})) {
        return false;
    }
    const std::string authorized = readFile(clientKey() + ".pub") +
                                   readFile(clientKeyWithPassphrase() + ".pub") +
                                   readFile(agentKey() + ".pub");
    writeFile(m_dir + "/authorized_keys", authorized, 0600);

    // sshd insists on its privilege separation directory even when it runs as root.
    ::mkdir("/run/sshd", 0755);

    m_port = freeLoopbackPort();
    if (m_port == 0) {
        m_error = "no free port";
        return false;
    }
    std::ostringstream cfg;
    cfg << "Port " << m_port << "\n"
        << "ListenAddress 127.0.0.1\n"
        << "HostKey " << m_dir << "/ssh_host_ed25519_key\n"
        << "PidFile " << m_dir << "/sshd.pid\n"
        << "AuthorizedKeysFile " << m_dir << "/authorized_keys\n"
        << "StrictModes no\n"
        << "UsePAM no\n"
        << "PermitRootLogin yes\n"
        << "PubkeyAuthentication yes\n"
        << "PasswordAuthentication no\n"
        << "KbdInteractiveAuthentication no\n"
        << "MaxAuthTries 20\n"
        << "MaxSessions 50\n"
        << "MaxStartups 100\n"
        << "UseDNS no\n"
        << "PrintMotd no\n"
        << "LogLevel VERBOSE\n"
        << "Subsystem sftp internal-sftp\n"
        // Debian's bash sources ~/.bashrc for commands run by sshd when SHLVL < 2;
        // a heavy developer .bashrc (pyenv init...) then costs seconds per command.
        << "SetEnv SHLVL=1\n";
    writeFile(m_dir + "/sshd_config", cfg.str(), 0644);
    m_prepared = true;
    return true;
}

bool SshdFixture::spawnSshd() {
    ExecSpec spec({sshdExecutable(), "-D", "-e", "-f", m_dir + "/sshd_config"}, {});
    const std::string logPath = m_dir + "/sshd.log";
    const int logFd = ::open(logPath.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    const int devNull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid == 0) {
        // If the test binary crashes, do not leave a stray sshd behind.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent)
            ::_exit(1);
        ::dup2(devNull, 0);
        ::dup2(logFd, 1);
        ::dup2(logFd, 2);
        ::execve(spec.argvPtrs[0], spec.argvPtrs.data(), spec.envPtrs.data());
        ::_exit(127);
    }
    ::close(logFd);
    ::close(devNull);
    if (pid < 0) {
        m_error = "fork failed";
        return false;
    }
    m_sshdPid = pid;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        if (::waitpid(pid, &status, WNOHANG) == pid) {
            m_sshdPid = -1;
            m_error = "sshd exited at startup: " + log();
            return false;
        }
        if (portAccepts(m_port))
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    m_error = "sshd did not accept connections within 10 s: " + log();
    stop();
    return false;
}

bool SshdFixture::start() {
    if (isRunning())
        return true;
    m_error.clear();
    if (!prepare())
        return false;
    return spawnSshd();
}

bool SshdFixture::isRunning() const {
    return m_sshdPid > 0;
}

std::vector<pid_t> SshdFixture::processTree(pid_t root) const {
    // Parent links from /proc: sshd's per-connection processes call setsid(), so a
    // process group kill would miss them; the parent chain does not.
    std::multimap<pid_t, pid_t> children;
    if (DIR* d = ::opendir("/proc")) {
        while (dirent* e = ::readdir(d)) {
            const pid_t pid = pid_t(std::atoi(e->d_name));
            if (pid <= 0)
                continue;
            const std::string stat = readFile(std::string("/proc/") + e->d_name + "/stat");
            const auto close = stat.rfind(')');
            if (close == std::string::npos)
                continue;
            std::istringstream rest(stat.substr(close + 1));
            std::string state;
            pid_t ppid = 0;
            rest >> state >> ppid;
            children.emplace(ppid, pid);
        }
        ::closedir(d);
    }
    std::vector<pid_t> tree{root};
    for (std::size_t i = 0; i < tree.size(); ++i) {
        auto range = children.equal_range(tree[i]);
        for (auto it = range.first; it != range.second; ++it)
            tree.push_back(it->second);
    }
    return tree;
}

void SshdFixture::signalTree(int sig) {
    if (m_sshdPid <= 0)
        return;
    for (pid_t pid : processTree(m_sshdPid))
        ::kill(pid, sig);
}

void SshdFixture::reapSshd(int timeoutMs) {
    if (m_sshdPid <= 0)
        return;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    while (std::chrono::steady_clock::now() < deadline) {
        if (::waitpid(m_sshdPid, nullptr, WNOHANG) == m_sshdPid) {
            m_sshdPid = -1;
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ::kill(m_sshdPid, SIGKILL);
    ::waitpid(m_sshdPid, nullptr, 0);
    m_sshdPid = -1;
}

void SshdFixture::stop() {
    if (m_sshdPid <= 0)
        return;
    const std::vector<pid_t> tree = processTree(m_sshdPid);
    for (pid_t pid : tree)
        ::kill(pid, SIGTERM);
    reapSshd(2000);
    // Session processes that ignored SIGTERM (e.g. a shell blocked in a pipe).
    for (std::size_t i = 1; i < tree.size(); ++i)
        ::kill(tree[i], SIGKILL);
}

void SshdFixture::dropConnections() {
    if (m_sshdPid <= 0)
        return;
    const std::vector<pid_t> tree = processTree(m_sshdPid);
    for (std::size_t i = 1; i < tree.size(); ++i) // everything but the listener
        ::kill(tree[i], SIGKILL);
}

void SshdFixture::killAll() {
    signalTree(SIGKILL);
    reapSshd(2000);
}

bool SshdFixture::restart() {
    stop();
    return start();
}

std::string SshdFixture::hostKeyFingerprint() const {
    // Same computation as `ssh-keygen -lf`: SHA-256 of the key blob, base64 without padding.
    std::string out;
    const_cast<SshdFixture*>(this)->runTool(
        {findTool("ssh-keygen"), "-l", "-E", "sha256", "-f", m_dir + "/ssh_host_ed25519_key.pub"},
        &out);
    std::istringstream in(out);
    std::string bits, fp;
    in >> bits >> fp;
    return fp;
}

std::string SshdFixture::knownHostsLine() const {
    std::istringstream in(readFile(m_dir + "/ssh_host_ed25519_key.pub"));
    std::string type, blob;
    in >> type >> blob;
    return "[127.0.0.1]:" + std::to_string(m_port) + " " + type + " " + blob;
}

std::string SshdFixture::writeKnownHosts(const std::string& path) const {
    writeFile(path, knownHostsLine() + "\n", 0600);
    return path;
}

std::string SshdFixture::startAgent() {
    if (m_agentPid > 0)
        return m_agentSocket;
    if (!prepare())
        return {};
    const std::string socket = m_dir + "/agent.sock";
    ::unlink(socket.c_str());
    ExecSpec spec({findTool("ssh-agent"), "-D", "-a", socket}, {});
    const int devNull = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent)
            ::_exit(1);
        ::dup2(devNull, 0);
        ::dup2(devNull, 1);
        ::dup2(devNull, 2);
        ::execve(spec.argvPtrs[0], spec.argvPtrs.data(), spec.envPtrs.data());
        ::_exit(127);
    }
    ::close(devNull);
    if (pid < 0)
        return {};
    m_agentPid = pid;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    struct stat st {};
    while (::stat(socket.c_str(), &st) != 0) {
        if (std::chrono::steady_clock::now() > deadline) {
            m_error = "ssh-agent did not create its socket";
            return {};
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (!runTool({findTool("ssh-add"), agentKey()}, nullptr, {"SSH_AUTH_SOCK=" + socket}))
        return {};
    m_agentSocket = socket;
    return m_agentSocket;
}

std::string SshdFixture::log() const {
    return readFile(m_dir + "/sshd.log");
}
