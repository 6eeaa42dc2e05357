// Integration tests of the SSH client layer against a real OpenSSH server.
#include "core/common/sha256.h"
#include "remote/ssh/sftpclient.h"
#include "remote/ssh/sshchannelstream.h"
#include "remote/ssh/sshexec.h"
#include "remote/ssh/sshsession.h"
#include "support/sshdfixture.h"

#include <QtTest/QtTest>

#include <arpa/inet.h>
#include <atomic>
#include <chrono>
#include <csignal>
#include <fstream>
#include <memory>
#include <mutex>
#include <netinet/in.h>
#include <random>
#include <sys/socket.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

// Readable QCOMPARE failures for std::string.
namespace QTest {
template <> inline char* toString(const std::string& s) {
    return qstrdup(s.c_str());
}
} // namespace QTest

using namespace dvfo;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

template <typename F> std::optional<SshError> errorOf(F&& f) {
    try {
        f();
    } catch (const SshError& e) {
        return e;
    }
    return std::nullopt;
}

long long msSince(Clock::time_point t) {
    return std::chrono::duration_cast<milliseconds>(Clock::now() - t).count();
}

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

} // namespace

class TestSshSession : public QObject {
    Q_OBJECT

private:
    SshdFixture m_sshd;
    int m_counter = 0;

    // A fresh private path in the fixture dir for every call.
    std::string scratch(const std::string& name) {
        return m_sshd.dir() + "/t" + std::to_string(++m_counter) + "-" + name;
    }

    // Options that trust the fixture's current host key and touch nothing in $HOME.
    SshOptions baseOptions() {
        SshOptions o;
        o.host = m_sshd.host();
        o.port = m_sshd.port();
        o.user = m_sshd.user();
        o.identityFile = m_sshd.clientKey();
        o.useAgent = false;
        o.useDefaultIdentities = false;
        o.configFile.clear();
        o.knownHostsFile = m_sshd.writeKnownHosts(scratch("known_hosts"));
        o.extraKnownHostsFile.clear();
        o.connectTimeoutSec = 5;
        return o;
    }

    std::unique_ptr<SshSession> connected(SshOptions o = {}) {
        if (o.host.empty())
            o = baseOptions();
        auto s = std::make_unique<SshSession>(o);
        s->connect();
        return s;
    }

private slots:
    void initTestCase() {
        if (!m_sshd.start())
            QFAIL(("cannot start sshd: " + m_sshd.error()).c_str());
    }

    void sha256KnownVectors() {
        QCOMPARE(Sha256::hexOf(""),
                 std::string("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
        QCOMPARE(Sha256::hexOf("abc"),
                 std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        QCOMPARE(Sha256::hexOf("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                 std::string("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
        Sha256 h;
        const std::string chunk(1000, 'a');
        for (int i = 0; i < 1000; ++i)
            h.update(chunk);
        QCOMPARE(h.hexDigest(),
                 std::string("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
    }

    void keyAuthWithIdentityFile() {
        auto s = connected();
        QVERIFY(s->isConnected());
        QCOMPARE(s->authMethod(), std::string("publickey"));
        QCOMPARE(s->serverHostKey().fingerprint, m_sshd.hostKeyFingerprint());
        QCOMPARE(s->serverHostKey().keyType, std::string("ssh-ed25519"));
        QCOMPARE(s->port(), m_sshd.port());
        s->disconnect();
        QVERIFY(!s->isConnected());
    }

    void passphraseKeyThroughCallback() {
        SshOptions o = baseOptions();
        o.identityFile = m_sshd.clientKeyWithPassphrase();
        {
            SshSession s(o);
            int calls = 0;
            std::string promptSeen;
            s.setPassphrasePrompt([&](const std::string& prompt) -> std::optional<std::string> {
                ++calls;
                promptSeen = prompt;
                return SshdFixture::passphrase();
            });
            s.connect();
            QVERIFY(s.isConnected());
            QCOMPARE(calls, 1);
            QVERIFY(promptSeen.find(o.identityFile) != std::string::npos);
        }
        {
            SshSession s(o);
            int calls = 0;
            s.setPassphrasePrompt([&](const std::string&) -> std::optional<std::string> {
                ++calls;
                return std::string("not the passphrase");
            });
            auto err = errorOf([&] { s.connect(); });
            QVERIFY(err);
            QCOMPARE(int(err->kind()), int(SshError::Kind::Auth));
            QVERIFY2(std::string(err->what()).find("wrong passphrase") != std::string::npos,
                     err->what());
            QCOMPARE(calls, 3);
        }
        {
            SshSession s(o); // no prompt at all
            auto err = errorOf([&] { s.connect(); });
            QVERIFY(err);
            QCOMPARE(int(err->kind()), int(SshError::Kind::Auth));
            QVERIFY2(std::string(err->what()).find("no prompt") != std::string::npos, err->what());
        }
    }

    void agentAuth() {
        const std::string sock = m_sshd.startAgent();
        QVERIFY2(!sock.empty(), m_sshd.error().c_str());
        SshOptions o = baseOptions();
        o.identityFile.clear();
        o.useAgent = true;
        o.agentSocket = sock;
        {
            SshSession s(o);
            s.connect();
            QVERIFY(s.isConnected());
        }
        {
            // Same through libssh's automatic method (agent first, then default identities).
            o.useDefaultIdentities = true;
            SshSession s(o);
            s.connect();
            QVERIFY(s.isConnected());
        }
        {
            o.useAgent = false;
            o.useDefaultIdentities = false;
            SshSession s(o);
            auto err = errorOf([&] { s.connect(); });
            QVERIFY(err);
            QCOMPARE(int(err->kind()), int(SshError::Kind::Auth));
            const std::string msg = err->what();
            QVERIFY2(msg.find("Authentication failed") != std::string::npos, msg.c_str());
            QVERIFY2(msg.find("publickey") != std::string::npos, msg.c_str());
        }
    }

    void configFileAlias() {
        const std::string config = scratch("ssh_config");
        std::ofstream(config) << "Host dvfo-board\n"
                              << "    HostName 127.0.0.1\n"
                              << "    Port " << m_sshd.port() << "\n"
                              << "    User " << m_sshd.user() << "\n"
                              << "    IdentityFile " << m_sshd.clientKey() << "\n";
        SshOptions o = baseOptions();
        o.host = "dvfo-board";
        o.port = 0;
        o.user.clear();
        o.identityFile.clear();
        o.useDefaultIdentities = true; // config IdentityFile entries go through this path
        o.configFile = config;
        SshSession s(o);
        s.connect();
        QVERIFY(s.isConnected());
        QCOMPARE(s.host(), std::string("127.0.0.1"));
        QCOMPARE(s.port(), m_sshd.port());
        QCOMPARE(s.user(), m_sshd.user());
    }

    void unknownHostRejectedByDefault() {
        SshOptions o = baseOptions();
        o.knownHostsFile = scratch("empty_known_hosts");
        SshSession s(o);
        auto err = errorOf([&] { s.connect(); });
        QVERIFY(err);
        QCOMPARE(int(err->kind()), int(SshError::Kind::HostKeyUnknown));
        const std::string msg = err->what();
        QVERIFY2(msg.find("--accept-fingerprint " + m_sshd.hostKeyFingerprint()) !=
                     std::string::npos,
                 msg.c_str());
        QVERIFY(!s.isConnected());
    }

    void unknownHostAcceptedByCallback() {
        SshOptions o = baseOptions();
        o.knownHostsFile = scratch("user_known_hosts"); // never written by us
        o.extraKnownHostsFile = scratch("studio") + "/dvfo/known_hosts";
        HostKeyInfo seen;
        int calls = 0;

        // Accept once: connects, records nothing.
        {
            SshSession s(o);
            s.setHostKeyCallback([&](const HostKeyInfo& info) {
                ++calls;
                seen = info;
                return HostKeyDecision::AcceptOnce;
            });
            s.connect();
            QVERIFY(s.isConnected());
            QCOMPARE(calls, 1);
            QCOMPARE(seen.fingerprint, m_sshd.hostKeyFingerprint());
            QCOMPARE(seen.keyType, std::string("ssh-ed25519"));
            QCOMPARE(seen.host, "[127.0.0.1]:" + std::to_string(m_sshd.port()));
            QCOMPARE(seen.saveFile, o.extraKnownHostsFile);
            QVERIFY(::access(o.extraKnownHostsFile.c_str(), F_OK) != 0);
        }
        // Accept and save: the studio file is created (with its directory).
        {
            SshSession s(o);
            s.setHostKeyCallback([&](const HostKeyInfo&) {
                ++calls;
                return HostKeyDecision::AcceptAndSave;
            });
            s.connect();
            QCOMPARE(calls, 2);
            const std::string saved = slurp(o.extraKnownHostsFile);
            QVERIFY2(saved.find("[127.0.0.1]:" + std::to_string(m_sshd.port()) + " ssh-ed25519 ") !=
                         std::string::npos,
                     saved.c_str());
            QVERIFY(::access(o.knownHostsFile.c_str(), F_OK) != 0);
        }
        // Known now: no callback needed.
        {
            SshSession s(o);
            s.connect();
            QVERIFY(s.isConnected());
        }
        // Rejecting through the callback behaves like the default.
        {
            SshOptions o2 = o;
            o2.extraKnownHostsFile = scratch("other_known_hosts");
            SshSession s(o2);
            s.setHostKeyCallback([](const HostKeyInfo&) { return HostKeyDecision::Reject; });
            auto err = errorOf([&] { s.connect(); });
            QVERIFY(err);
            QCOMPARE(int(err->kind()), int(SshError::Kind::HostKeyUnknown));
        }
    }

    void unreachablePortFailsQuickly() {
        SshOptions o = baseOptions();
        // Bound but not listening: nothing can connect to it.
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        QVERIFY(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
        QVERIFY(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
        o.port = ntohs(addr.sin_port);
        SshSession s(o);
        const auto t0 = Clock::now();
        auto err = errorOf([&] { s.connect(); });
        ::close(fd);
        QVERIFY(err);
        QCOMPARE(int(err->kind()), int(SshError::Kind::Connect));
        QVERIFY2(std::string(err->what()).find("refused") != std::string::npos, err->what());
        QVERIFY(msSince(t0) < 2000);
    }

    void connectTimeoutHonoured() {
        // Listening but never accepting/answering: TCP connects, the SSH banner never comes.
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        QVERIFY(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
        QVERIFY(::listen(fd, 8) == 0);
        QVERIFY(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
        SshOptions o = baseOptions();
        o.port = ntohs(addr.sin_port);
        o.connectTimeoutSec = 1;
        SshSession s(o);
        const auto t0 = Clock::now();
        auto err = errorOf([&] { s.connect(); });
        const auto elapsed = msSince(t0);
        ::close(fd);
        QVERIFY(err);
        QCOMPARE(int(err->kind()), int(SshError::Kind::Timeout));
        QVERIFY2(std::string(err->what()).find("Timed out after 1 s") != std::string::npos,
                 err->what());
        QVERIFY2(elapsed >= 900 && elapsed < 4000, std::to_string(elapsed).c_str());
    }

    void execExitStatusAndStderr() {
        auto s = connected();
        SshExec exec(*s);
        ExecResult r = exec.run("echo out; echo err >&2; exit 3");
        QCOMPARE(r.exitStatus, 3);
        QCOMPARE(r.stdoutText, std::string("out\n"));
        QCOMPARE(r.stderrText, std::string("err\n"));
        QVERIFY(!r.ok());

        ExecOptions withInput;
        withInput.stdinData = "hello\nworld\n";
        r = exec.run("tr a-z A-Z", withInput);
        QVERIFY(r.ok());
        QCOMPARE(r.stdoutText, std::string("HELLO\nWORLD\n"));

        QCOMPARE(exec.runChecked("printf '%s' \"$((6*7))\""), std::string("42"));
        auto err = errorOf([&] { exec.runChecked("echo boom >&2; exit 2"); });
        QVERIFY(err);
        QCOMPARE(int(err->kind()), int(SshError::Kind::RemoteExited));
        QVERIFY2(std::string(err->what()).find("exit status 2: boom") != std::string::npos,
                 err->what());

        QCOMPARE(SshExec::shellQuote("it's"), std::string("'it'\\''s'"));
        QCOMPARE(exec.runChecked("printf %s " + SshExec::shellQuote("a 'b' $c")),
                 std::string("a 'b' $c"));
    }

    void execStreamsLines() {
        auto s = connected();
        SshExec exec(*s);
        std::vector<std::pair<std::string, long long>> lines;
        std::vector<std::string> errLines;
        const auto t0 = Clock::now();
        ExecOptions o;
        o.onStdoutLine = [&](const std::string& l) { lines.emplace_back(l, msSince(t0)); };
        o.onStderrLine = [&](const std::string& l) { errLines.push_back(l); };
        ExecResult r = exec.run(
            "for i in 1 2 3; do echo line$i; echo e$i >&2; sleep 0.3; done; printf tail", o);
        const auto total = msSince(t0);
        QVERIFY(r.ok());
        QCOMPARE(lines.size(), size_t(4));
        QCOMPARE(lines[0].first, std::string("line1"));
        QCOMPARE(lines[2].first, std::string("line3"));
        QCOMPARE(lines[3].first, std::string("tail")); // unterminated last line still delivered
        QCOMPARE(errLines, (std::vector<std::string>{"e1", "e2", "e3"}));
        // The first line arrived while the command was still running.
        QVERIFY2(total - lines[0].second > 500,
                 (std::to_string(total) + " " + std::to_string(lines[0].second)).c_str());
    }

    void execCancelAndTimeout() {
        auto s = connected();
        SshExec exec(*s);
        const std::string marker = "sleep 61.25";
        std::thread canceller([&] {
            std::this_thread::sleep_for(milliseconds(300));
            exec.cancel();
        });
        auto t0 = Clock::now();
        ExecResult r = exec.run(marker);
        canceller.join();
        QVERIFY(r.cancelled);
        QVERIFY2(msSince(t0) < 2000, std::to_string(msSince(t0)).c_str());

        // The signal request reached the remote command: it is gone.
        bool gone = false;
        for (int i = 0; i < 20 && !gone; ++i) {
            gone = exec.run("pgrep -f '^" + marker + "$'").exitStatus == 1;
            if (!gone)
                std::this_thread::sleep_for(milliseconds(100));
        }
        QVERIFY(gone);

        ExecOptions o;
        o.timeout = milliseconds(400);
        t0 = Clock::now();
        r = exec.run("sleep 60", o);
        QVERIFY(r.timedOut);
        QVERIFY(!r.cancelled);
        QVERIFY(msSince(t0) < 2000);

        std::atomic<bool> flag{true};
        ExecOptions o2;
        o2.cancelFlag = &flag;
        r = exec.run("sleep 60", o2);
        QVERIFY(r.cancelled);

        // The session is still perfectly usable afterwards.
        QCOMPARE(exec.runChecked("echo ok"), std::string("ok\n"));
    }

    void streamEchoRoundTrip() {
        auto s = connected();
        SshChannelStream stream(*s, "cat");
        for (int i = 0; i < 200; ++i) {
            const std::string msg = "{\"id\":" + std::to_string(i) + ",\"method\":\"ping\"}";
            stream.writeLine(msg);
            auto reply = stream.readLine(milliseconds(5000));
            QVERIFY(reply);
            QCOMPARE(*reply, msg);
        }
        // Several lines in one write come back one by one.
        stream.writeLine("a\nb\nc");
        QCOMPARE(stream.readLine(milliseconds(5000)).value_or("?"), std::string("a"));
        QCOMPARE(stream.readLine(milliseconds(5000)).value_or("?"), std::string("b"));
        QCOMPARE(stream.readLine(milliseconds(5000)).value_or("?"), std::string("c"));

        // Nothing to read: a timeout, not an error.
        auto t0 = Clock::now();
        QVERIFY(!stream.readLine(milliseconds(150)));
        QVERIFY(msSince(t0) >= 140 && msSince(t0) < 1000);

        // End of input: cat exits 0 and readLine reports it.
        stream.closeInput();
        auto err = errorOf([&] { stream.readLine(milliseconds(5000)); });
        QVERIFY(err);
        QCOMPARE(int(err->kind()), int(SshError::Kind::RemoteExited));
        QVERIFY2(std::string(err->what()).find("exit status 0") != std::string::npos, err->what());
        QCOMPARE(stream.exitStatus().value_or(-1), 0);
    }

    void streamReportsStderrAndCancel() {
        auto s = connected();
        {
            SshChannelStream stream(*s, "echo 'fatal: bad config' >&2; exit 5");
            std::vector<std::string> seen;
            stream.setStderrLineCallback([&](const std::string& l) { seen.push_back(l); });
            auto err = errorOf([&] { stream.readLine(milliseconds(5000)); });
            QVERIFY(err);
            const std::string msg = err->what();
            QVERIFY2(msg.find("exit status 5") != std::string::npos, msg.c_str());
            QVERIFY2(msg.find("fatal: bad config") != std::string::npos, msg.c_str());
            QCOMPARE(seen, std::vector<std::string>{"fatal: bad config"});
        }
        {
            SshChannelStream stream(*s, "cat");
            std::thread canceller([&] {
                std::this_thread::sleep_for(milliseconds(200));
                stream.cancel();
            });
            const auto t0 = Clock::now();
            auto err = errorOf([&] { stream.readLine(milliseconds(30000)); });
            canceller.join();
            QVERIFY(err);
            QCOMPARE(int(err->kind()), int(SshError::Kind::Cancelled));
            QVERIFY(msSince(t0) < 1500);
        }
    }

    void streamRemoteProcessKilled() {
        auto s = connected();
        SshChannelStream stream(*s, "echo $$; exec cat");
        auto pidLine = stream.readLine(milliseconds(5000));
        QVERIFY(pidLine);
        const pid_t pid = pid_t(std::stoi(*pidLine));
        QVERIFY(pid > 1);
        stream.writeLine("still alive");
        QCOMPARE(stream.readLine(milliseconds(5000)).value_or("?"), std::string("still alive"));

        // The "board" is this machine, so the remote command can be killed directly.
        QCOMPARE(::kill(pid, SIGKILL), 0);
        const auto t0 = Clock::now();
        auto err = errorOf([&] { stream.readLine(milliseconds(20000)); });
        QVERIFY(err);
        QVERIFY2(msSince(t0) < 2000, std::to_string(msSince(t0)).c_str());
        QCOMPARE(int(err->kind()), int(SshError::Kind::RemoteExited));
        QVERIFY2(std::string(err->what()).find("signal KILL") != std::string::npos, err->what());
        auto writeErr = errorOf([&] { stream.writeLine("x"); });
        QVERIFY(writeErr);
    }

    void concurrentChannelsOnOneSession() {
        auto s = connected();
        std::atomic<int> failures{0};
        std::string firstError;
        std::mutex errMutex;
        auto noteError = [&](const std::string& e) {
            std::lock_guard<std::mutex> g(errMutex);
            if (firstError.empty())
                firstError = e;
            ++failures;
        };
        std::thread streamer([&] {
            try {
                SshChannelStream stream(*s, "cat");
                for (int i = 0; i < 100; ++i) {
                    stream.writeLine(std::to_string(i));
                    if (stream.readLine(milliseconds(10000)) != std::to_string(i))
                        noteError("stream mismatch at " + std::to_string(i));
                }
            } catch (const std::exception& e) {
                noteError(e.what());
            }
        });
        std::thread execer([&] {
            try {
                SshExec exec(*s);
                for (int i = 0; i < 10; ++i) {
                    if (exec.runChecked("echo " + std::to_string(i)) != std::to_string(i) + "\n")
                        noteError("exec mismatch");
                }
            } catch (const std::exception& e) {
                noteError(e.what());
            }
        });
        streamer.join();
        execer.join();
        QVERIFY2(failures == 0, firstError.c_str());
    }

    void keepAliveKeepsStreamUsable() {
        SshOptions o = baseOptions();
        o.keepAliveSec = 1;
        auto s = connected(o);
        SshChannelStream stream(*s, "cat");
        // Idle past the keepalive interval: SSH_MSG_IGNORE goes out, nothing breaks.
        QVERIFY(!stream.readLine(milliseconds(1300)));
        stream.writeLine("after idle");
        QCOMPARE(stream.readLine(milliseconds(5000)).value_or("?"), std::string("after idle"));
    }

    void sftpTransfers() {
        auto s = connected();
        SftpClient sftp(*s);
        const std::string root = m_sshd.dir() + "/remote-" + std::to_string(++m_counter);
        const std::string dir = root + "/a/b/c";

        sftp.mkdirs(dir);
        QVERIFY(sftp.stat(dir) && sftp.stat(dir)->isDirectory);
        sftp.mkdirs(dir); // idempotent
        QVERIFY(!sftp.homeDirectory().empty());
        QCOMPARE(sftp.resolve("~/x"), sftp.homeDirectory() + "/x");

        // ~300 KB of random bytes: several chunks, not a multiple of the chunk size.
        const std::string local = scratch("payload.bin");
        std::string data(300 * 1024 + 123, '\0');
        std::mt19937 rng(42);
        for (char& c : data)
            c = char(rng());
        std::ofstream(local, std::ios::binary) << data;
        ::chmod(local.c_str(), 0755);

        std::vector<std::pair<std::uint64_t, std::uint64_t>> progress;
        UploadOptions up;
        up.progress = [&](std::uint64_t done, std::uint64_t total) {
            progress.emplace_back(done, total);
            return true;
        };
        const std::string remote = dir + "/payload.bin";
        const std::string hash = sftp.upload(local, remote, up);
        QCOMPARE(hash, Sha256::hexOfFile(local));
        QCOMPARE(sftp.remoteSha256(remote), hash);
        QVERIFY(progress.size() > 5);
        QCOMPARE(progress.back().first, std::uint64_t(data.size()));
        QCOMPARE(progress.back().second, std::uint64_t(data.size()));
        auto info = sftp.stat(remote);
        QVERIFY(info);
        QCOMPARE(info->size, std::uint64_t(data.size()));
        QCOMPARE(info->permissions, 0755u); // copied from the local file
        QVERIFY(info->isRegular);

        // Explicit mode, overwriting the existing file (atomic rename over it).
        up.mode = 0640;
        up.progress = nullptr;
        sftp.upload(local, remote, up);
        QCOMPARE(sftp.stat(remote)->permissions, 0640u);

        // No temporary files are left behind.
        SshExec exec(*s);
        QCOMPARE(exec.runChecked("ls -A " + SshExec::shellQuote(dir)),
                 std::string("payload.bin\n"));

        // Download.
        const std::string back = scratch("back.bin");
        const std::string backHash = sftp.download(remote, back, {}, true);
        QCOMPARE(backHash, hash);
        QVERIFY(slurp(back) == data);

        // Rename, also over an existing file.
        const std::string renamed = dir + "/renamed.bin";
        sftp.rename(remote, renamed);
        QVERIFY(!sftp.exists(remote));
        QVERIFY(sftp.exists(renamed));
        sftp.writeFile(dir + "/small.txt", "small\n");
        QCOMPARE(sftp.readFile(dir + "/small.txt"), std::string("small\n"));
        sftp.rename(dir + "/small.txt", renamed);
        QCOMPARE(sftp.readFile(renamed), std::string("small\n"));
        QVERIFY(!sftp.exists(dir + "/small.txt"));

        // Symlink (replacing an existing link), readlink, remove.
        sftp.symlink("renamed.bin", dir + "/current");
        QCOMPARE(sftp.readLink(dir + "/current"), std::string("renamed.bin"));
        QVERIFY(sftp.lstat(dir + "/current")->isSymlink);
        QCOMPARE(sftp.readFile(dir + "/current"), std::string("small\n"));
        sftp.writeFile(dir + "/other.txt", "other\n");
        sftp.symlink("other.txt", dir + "/current");
        QCOMPARE(sftp.readFile(dir + "/current"), std::string("other\n"));
        QVERIFY(sftp.remove(dir + "/current"));
        QVERIFY(!sftp.remove(dir + "/current"));
        QVERIFY(!sftp.stat(dir + "/missing"));

        // Errors carry the path and the reason.
        auto err = errorOf([&] { sftp.readFile(dir + "/missing"); });
        QVERIFY(err);
        QCOMPARE(int(err->kind()), int(SshError::Kind::Sftp));
        QVERIFY2(std::string(err->what()).find("no such file") != std::string::npos, err->what());
    }

    void sftpUploadCancelledByProgress() {
        auto s = connected();
        SftpClient sftp(*s);
        const std::string dir = m_sshd.dir() + "/cancel-" + std::to_string(++m_counter);
        const std::string local = scratch("big.bin");
        std::ofstream(local, std::ios::binary) << std::string(200 * 1024, 'x');
        UploadOptions up;
        int calls = 0;
        up.progress = [&](std::uint64_t, std::uint64_t) { return ++calls < 3; };
        auto err = errorOf([&] { sftp.upload(local, dir + "/big.bin", up); });
        QVERIFY(err);
        QCOMPARE(int(err->kind()), int(SshError::Kind::Cancelled));
        SshExec exec(*s);
        QCOMPARE(exec.runChecked("ls -A " + SshExec::shellQuote(dir)), std::string());
    }

    // The tests below restart or kill sshd; keep them last.

    void changedHostKeyRefused() {
        SshOptions o = baseOptions(); // records the current key
        const std::string oldFp = m_sshd.hostKeyFingerprint();
        QVERIFY(m_sshd.regenerateHostKey());
        QVERIFY2(m_sshd.restart(), m_sshd.error().c_str());
        const std::string newFp = m_sshd.hostKeyFingerprint();
        QVERIFY(oldFp != newFp);

        SshSession s(o);
        bool asked = false;
        s.setHostKeyCallback([&](const HostKeyInfo&) {
            asked = true;
            return HostKeyDecision::AcceptAndSave;
        });
        auto err = errorOf([&] { s.connect(); });
        QVERIFY(err);
        QVERIFY(!asked); // a changed key is never negotiable
        QCOMPARE(int(err->kind()), int(SshError::Kind::HostKeyChanged));
        const std::string msg = err->what();
        QVERIFY2(msg.find(oldFp) != std::string::npos, msg.c_str());
        QVERIFY2(msg.find(newFp) != std::string::npos, msg.c_str());
        QVERIFY2(msg.find(o.knownHostsFile) != std::string::npos, msg.c_str());
        // The same applies when the stale key is in the studio's own file.
        SshOptions o2 = o;
        o2.knownHostsFile = scratch("fresh_user_known_hosts");
        o2.extraKnownHostsFile = o.knownHostsFile;
        SshSession s2(o2);
        err = errorOf([&] { s2.connect(); });
        QVERIFY(err);
        QCOMPARE(int(err->kind()), int(SshError::Kind::HostKeyChanged));

        // With the new key recorded everything works again.
        auto ok = connected();
        QVERIFY(ok->isConnected());
    }

    void killedServerFailsReadPromptly() {
        auto s = connected();
        SshChannelStream stream(*s, "cat");
        stream.writeLine("ping");
        QCOMPARE(stream.readLine(milliseconds(5000)).value_or("?"), std::string("ping"));

        m_sshd.killAll();
        const auto t0 = Clock::now();
        auto err = errorOf([&] { stream.readLine(milliseconds(20000)); });
        QVERIFY(err);
        QVERIFY2(msSince(t0) < 2000, std::to_string(msSince(t0)).c_str());
        QVERIFY2(err->kind() == SshError::Kind::ConnectionLost ||
                     err->kind() == SshError::Kind::RemoteExited,
                 err->what());
        QVERIFY(!s->isConnected());

        // Everything on the dead session fails fast with a clear error instead of hanging.
        SshExec exec(*s);
        auto execErr = errorOf([&] { exec.run("true"); });
        QVERIFY(execErr);
        QCOMPARE(int(execErr->kind()), int(SshError::Kind::ConnectionLost));

        QVERIFY2(m_sshd.start(), m_sshd.error().c_str());
        auto again = connected();
        QVERIFY(again->isConnected());
    }
};

QTEST_GUILESS_MAIN(TestSshSession)
#include "tst_sshsession.moc"
