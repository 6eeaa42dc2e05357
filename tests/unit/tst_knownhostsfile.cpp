// known_hosts as OpenSSH reads it, for the host key check: hashed entries, @revoked,
// @cert-authority, a key of another type for the host, unreadable files and unparsable entries
// (refused, naming the file and line), CRLF lines, wildcards and negation.
#include "remote/ssh/knownhostsfile.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <fstream>
#include <sstream>

using namespace dvfo;

class TestKnownHostsFile : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    struct Key {
        std::string type, base64, blob, fingerprint;
    };
    Key ed25519_, ecdsa_, other_;
    int n_ = 0;

    std::string path(const std::string& rel) const {
        return tmp_.filePath(QString::fromStdString(rel)).toStdString();
    }
    Key makeKey(const std::string& name, const std::string& type) {
        QProcess p;
        p.start("ssh-keygen", {"-q", "-t", QString::fromStdString(type), "-N", "", "-f",
                               QString::fromStdString(path(name))});
        p.waitForFinished(30000);
        std::ifstream in(path(name + ".pub"));
        Key k;
        in >> k.type >> k.base64;
        KnownHostsFile::base64Decode(k.base64, &k.blob);
        QProcess fp;
        fp.start("ssh-keygen", {"-l", "-f", QString::fromStdString(path(name + ".pub"))});
        fp.waitForFinished(30000);
        k.fingerprint = fp.readAllStandardOutput().split(' ').value(1).toStdString();
        return k;
    }
    std::string file(const std::string& text) {
        const std::string p = path("kh" + std::to_string(++n_));
        std::ofstream(p, std::ios::binary) << text;
        return p;
    }
    KnownHostsFile::Verdict check(const std::string& text, int port = 2222) {
        return KnownHostsFile::check({file(text)}, "127.0.0.1", port, ed25519_.type, ed25519_.blob);
    }
    std::string line(const Key& k, const std::string& host = "[127.0.0.1]:2222") {
        return host + " " + k.type + " " + k.base64 + " comment\n";
    }

private slots:
    void initTestCase() {
        QVERIFY(tmp_.isValid());
        ed25519_ = makeKey("ed", "ed25519");
        ecdsa_ = makeKey("ec", "ecdsa");
        other_ = makeKey("ed2", "ed25519");
        QVERIFY(!ed25519_.blob.empty() && !ecdsa_.blob.empty());
    }

    void fingerprintsAreThoseSshKeygenPrints() {
        QCOMPARE(KnownHostsFile::fingerprint(ed25519_.blob), ed25519_.fingerprint);
        QCOMPARE(KnownHostsFile::base64Encode(ed25519_.blob), ed25519_.base64);
    }

    void thePlainEntryOfTheKeyMatches() {
        const auto v = check("# comment\n\n" + line(ecdsa_, "other.host") + line(ed25519_));
        QVERIFY(v.matched);
        QVERIFY(v.conflicts.empty() && v.revoked.empty());
        QVERIFY(!check(line(ed25519_, "127.0.0.1")).matched); // port 22 entry, not [host]:2222
        QVERIFY(KnownHostsFile::check({file(line(ed25519_, "127.0.0.1"))}, "127.0.0.1", 22,
                                      ed25519_.type, ed25519_.blob)
                    .matched);
    }

    void crlfLinesAreReadLikeLfLines() {
        std::string text = line(ed25519_);
        text.insert(text.size() - 1, "\r");
        QVERIFY(check(text).matched);
        std::string changed = line(other_);
        changed.insert(changed.size() - 1, "\r");
        QCOMPARE(check(changed).conflicts.size(), size_t(1)); // changed, not unknown
    }

    void hashedEntriesMatchTheirHost() {
        const std::string p = file(line(ed25519_) + line(other_, "[10.0.0.9]:2222"));
        QProcess h;
        h.start("ssh-keygen", {"-H", "-f", QString::fromStdString(p)});
        h.waitForFinished(30000);
        std::ifstream in(p);
        std::stringstream ss;
        ss << in.rdbuf();
        QVERIFY2(ss.str().rfind("|1|", 0) == 0, ss.str().c_str());
        QVERIFY(ss.str().find("127.0.0.1") == std::string::npos);
        const auto v = KnownHostsFile::check({p}, "127.0.0.1", 2222, ed25519_.type, ed25519_.blob);
        QVERIFY(v.matched);
        QVERIFY(v.conflicts.empty());
        // A hashed entry for the host with another key is a conflict like a plain one.
        const auto changed =
            KnownHostsFile::check({p}, "10.0.0.9", 2222, ed25519_.type, ed25519_.blob);
        QVERIFY(!changed.matched);
        QCOMPARE(changed.conflicts.size(), size_t(1));
        QCOMPARE(changed.conflicts.front().line, 2);
    }

    void aKeyOfAnotherTypeForTheHostIsAConflict() {
        const auto v = check(line(ecdsa_));
        QVERIFY(!v.matched);
        QCOMPARE(v.conflicts.size(), size_t(1));
        QVERIFY(v.conflicts.front().text.find("expects ecdsa-sha2-nistp256 " +
                                              ecdsa_.fingerprint) == 0);
    }

    void skAndCertificateKeyTypesAreKeysNotNoise() {
        // libssh 0.10 skips these; a changed host must not look unknown because of them.
        const std::string type = "sk-ssh-ed25519@openssh.com";
        std::string blob = std::string("\0\0\0\x1a", 4) + type + std::string(40, 'x');
        const auto v =
            check("[127.0.0.1]:2222 " + type + " " + KnownHostsFile::base64Encode(blob) + "\n");
        QCOMPARE(v.conflicts.size(), size_t(1));
    }

    void revokedKeysAreReported() {
        const auto v =
            check("@revoked * " + ed25519_.type + " " + ed25519_.base64 + "\n" + line(ed25519_));
        QCOMPARE(v.revoked.size(), size_t(1));
        QCOMPARE(v.revoked.front().line, 1);
        // Revoking another key says nothing about this one.
        QVERIFY(check("@revoked * " + other_.type + " " + other_.base64 + "\n").revoked.empty());
    }

    void certAuthorityLinesAreNotTakenForHostKeys() {
        const auto v = check("@cert-authority * " + other_.type + " " + other_.base64 + "\n");
        QVERIFY(!v.matched);
        QVERIFY(v.conflicts.empty()); // unknown, not changed
        QVERIFY(
            !check("@cert-authority * " + ed25519_.type + " " + ed25519_.base64 + "\n").matched);
    }

    void unparsableEntriesForTheHostAreConflictsNamingTheLine() {
        const auto v =
            check(line(other_, "elsewhere") + "[127.0.0.1]:2222 ssh-ed25519 %%%notbase64\n" +
                  "[127.0.0.1]:2222 ssh-ed25519\n" + "garbage-for-another-host x y\n");
        QCOMPARE(v.conflicts.size(), size_t(2));
        QCOMPARE(v.conflicts[0].line, 2);
        QCOMPARE(v.conflicts[1].line, 3);
    }

    void anUnreadableFileIsAConflictAndAMissingOneIsNot() {
        const std::string dir = path("a-directory");
        QVERIFY(QDir().mkpath(QString::fromStdString(dir)));
        auto v = KnownHostsFile::check({dir}, "127.0.0.1", 2222, ed25519_.type, ed25519_.blob);
        QCOMPARE(v.conflicts.size(), size_t(1));
        QCOMPARE(v.conflicts.front().file, dir);
        v = KnownHostsFile::check({path("missing")}, "127.0.0.1", 2222, ed25519_.type,
                                  ed25519_.blob);
        QVERIFY(v.conflicts.empty() && !v.matched);
    }

    void patternsWildcardsAndNegationFollowOpenSsh() {
        QVERIFY(KnownHostsFile::hostFieldMatches("board1,[127.0.0.1]:2222", "127.0.0.1", 2222));
        QVERIFY(KnownHostsFile::hostFieldMatches("*.lab", "nx1.lab", 22));
        QVERIFY(KnownHostsFile::hostFieldMatches("nx?.LAB", "nx1.lab", 22));
        QVERIFY(!KnownHostsFile::hostFieldMatches("*.lab,!nx1.lab", "nx1.lab", 22));
        QVERIFY(!KnownHostsFile::hostFieldMatches("nx1.lab", "nx1.lab", 2222));
    }

    void theSavedEntryIsTheKeyAsGiven() {
        const std::string e =
            KnownHostsFile::entry("127.0.0.1", 2222, ed25519_.type, ed25519_.blob);
        QCOMPARE(e, "[127.0.0.1]:2222 " + ed25519_.type + " " + ed25519_.base64);
        QVERIFY(check(e + "\n").matched);
    }
};

QTEST_GUILESS_MAIN(TestKnownHostsFile)
#include "tst_knownhostsfile.moc"
