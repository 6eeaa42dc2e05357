// Host key trust against a real sshd on loopback: --accept-fingerprint saves exactly the key the
// user checked and refuses any other; @revoked keys, unreadable known_hosts files and CRLF or
// hashed entries are handled as OpenSSH does, so a changed key never looks merely unknown.
#include "remote/ssh/sshsession.h"
#include "support/sshdfixture.h"

#include <QDir>
#include <QProcess>
#include <QtTest>
#include <fstream>
#include <sstream>

using namespace dvfo;

class TestHostKeyTrust : public QObject {
    Q_OBJECT
    SshdFixture sshd_;
    int counter_ = 0;

    std::string scratch(const std::string& name) {
        return sshd_.dir() + "/trust" + std::to_string(++counter_) + "-" + name;
    }
    SshOptions options(const std::string& knownHosts) {
        SshOptions o;
        o.host = sshd_.host();
        o.port = sshd_.port();
        o.user = sshd_.user();
        o.identityFile = sshd_.clientKey();
        o.useAgent = false;
        o.useDefaultIdentities = false;
        o.configFile.clear();
        o.knownHostsFile = knownHosts;
        o.extraKnownHostsFile = scratch("studio_known_hosts");
        o.connectTimeoutSec = 5;
        return o;
    }
    // The kind of SshError connect() throws, -1 when it connects.
    static int connectError(const SshOptions& o, std::string* message = nullptr,
                            bool acceptNew = false) {
        SshSession s(o);
        if (acceptNew)
            s.setHostKeyCallback([](const HostKeyInfo&) { return HostKeyDecision::AcceptAndSave; });
        try {
            s.connect();
            return -1;
        } catch (const SshError& e) {
            if (message)
                *message = e.what();
            return int(e.kind());
        }
    }
    static std::string read(const std::string& p) {
        std::ifstream in(p);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }
    static bool exists(const std::string& p) { return QFile::exists(QString::fromStdString(p)); }

private slots:
    void initTestCase() { QVERIFY2(sshd_.start(), sshd_.error().c_str()); }

    void acceptFingerprintSavesOnlyTheKeyTheUserChecked() {
        SshOptions o = options(scratch("known_hosts"));
        o.acceptFingerprint = "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        std::string message;
        QCOMPARE(connectError(o, &message), int(SshError::Kind::HostKeyUnknown));
        QVERIFY2(message.find(sshd_.hostKeyFingerprint()) != std::string::npos, message.c_str());
        QVERIFY(!exists(o.extraKnownHostsFile)); // nothing saved

        o.acceptFingerprint = sshd_.hostKeyFingerprint();
        QCOMPARE(connectError(o), -1);
        QCOMPARE(read(o.extraKnownHostsFile), sshd_.knownHostsLine() + "\n");
        o.acceptFingerprint.clear(); // now known
        QCOMPARE(connectError(o), -1);
    }

    void theDialogsAcceptanceSavesTheKeyItWasShown() {
        SshOptions o = options(scratch("known_hosts"));
        SshSession s(o);
        std::string shown;
        s.setHostKeyCallback([&](const HostKeyInfo& k) {
            shown = k.fingerprint;
            return HostKeyDecision::AcceptAndSave;
        });
        s.connect();
        QCOMPARE(shown, sshd_.hostKeyFingerprint());
        QCOMPARE(read(o.extraKnownHostsFile), sshd_.knownHostsLine() + "\n");
    }

    void aRevokedKeyIsRefusedEvenWhenNewKeysAreAccepted() {
        const std::string kh = scratch("known_hosts");
        std::string key = sshd_.knownHostsLine();
        key = key.substr(key.find(' ') + 1); // "type base64"
        std::ofstream(kh) << "@revoked * " << key << "\n" << sshd_.knownHostsLine() << "\n";
        std::string message;
        QCOMPARE(connectError(options(kh), &message, true), int(SshError::Kind::HostKeyRevoked));
        QVERIFY2(message.find(kh + ":1") != std::string::npos, message.c_str());
    }

    void anUnreadableKnownHostsFileIsNotTakenForAnUnknownHost() {
        const std::string kh = scratch("known_hosts_dir");
        QVERIFY(QDir().mkpath(QString::fromStdString(kh))); // read() fails: EISDIR
        SshOptions o = options(kh);
        std::string message;
        QCOMPARE(connectError(o, &message, true), int(SshError::Kind::HostKeyChanged));
        QVERIFY2(message.find(kh + " cannot be read") != std::string::npos, message.c_str());
        QVERIFY(!exists(o.extraKnownHostsFile)); // --accept-new saved nothing
    }

    void aChangedKeyOnACrlfLineIsRefusedNamingTheLine() {
        const std::string kh = scratch("known_hosts");
        std::ofstream(kh, std::ios::binary) << "# edited on another system\r\n"
                                            << sshd_.knownHostsLine() << "\r\n";
        QCOMPARE(connectError(options(kh)), -1); // the CRLF entry is the key

        std::string other = sshd_.knownHostsLine();
        other.replace(other.size() - 6, 5, "AAAAA"); // a different key of the same type
        std::ofstream(kh, std::ios::binary) << "# x\r\n" << other << "\r\n";
        std::string message;
        QCOMPARE(connectError(options(kh), &message, true), int(SshError::Kind::HostKeyChanged));
        QVERIFY2(message.find(kh + ":2") != std::string::npos, message.c_str());
    }

    void aHashedEntryIsMatched() {
        const std::string kh = sshd_.writeKnownHosts(scratch("known_hosts"));
        QProcess p;
        p.start("ssh-keygen", {"-H", "-f", QString::fromStdString(kh)});
        QVERIFY(p.waitForFinished(30000));
        QVERIFY(read(kh).rfind("|1|", 0) == 0);
        QCOMPARE(connectError(options(kh)), -1);
    }
};

QTEST_GUILESS_MAIN(TestHostKeyTrust)
#include "tst_hostkeytrust.moc"
