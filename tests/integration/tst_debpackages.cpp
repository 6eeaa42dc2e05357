// `cpack -G DEB` on this build tree makes three packages: dvfo-studio (needing the Qt platform
// plugins and the other two), dvfo-edge (no Qt, libssh or SQLite; with its systemd unit) and
// dvfo-cloud. The edge package's binary runs from the unpacked tree with no library path set, and
// apt resolves all three packages' dependencies against this machine's package database.
#include "support/clirun.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

namespace {

using Run = CliRun;

Run run(const QString& program, const QStringList& args, int timeoutMs,
        const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment()) {
    return runProgram(program, args, timeoutMs, env);
}

// Package names in a Depends line: "libc6 (>= 2.34), a | b" -> libc6, a, b.
QStringList dependsNames(const QString& depends) {
    QStringList names;
    for (const QString& alternative : depends.split(QRegularExpression("[,|]"), Qt::SkipEmptyParts))
        names << alternative.trimmed().section(' ', 0, 0);
    return names;
}

} // namespace

class TestDebPackages : public QObject {
    Q_OBJECT
    QTemporaryDir out_;
    QString buildDir_;
    QMap<QString, QString> debs_; // package name -> .deb path

    QString field(const QString& package, const QString& name) {
        const Run r = run("dpkg-deb", {"-f", debs_.value(package), name}, 30000);
        return r.out.trimmed();
    }
    QStringList contents(const QString& package) {
        const Run r = run("dpkg-deb", {"-c", debs_.value(package)}, 30000);
        QStringList paths;
        for (const QString& line : r.out.split('\n', Qt::SkipEmptyParts))
            paths << line.section(' ', -1).remove(QRegularExpression("^\\."));
        return paths;
    }

private slots:
    void initTestCase() {
        const QString edge = qEnvironmentVariable("DVFO_EDGE");
        QVERIFY2(!edge.isEmpty(), "DVFO_EDGE is set by ctest");
        buildDir_ = QDir(QFileInfo(edge).absoluteDir().absoluteFilePath("..")).canonicalPath();
        QVERIFY2(QFileInfo::exists(buildDir_ + "/app/dvfo-studio"),
                 "cpack packages every component: build everything first (cmake --build)");
        QVERIFY(out_.isValid());
        QElapsedTimer t;
        t.start();
        const Run r = run(
            "cpack", {"-G", "DEB", "--config", buildDir_ + "/CPackConfig.cmake", "-B", out_.path()},
            540000);
        qInfo("cpack -G DEB: %.1f s", double(t.elapsed()) / 1000);
        QVERIFY2(r.code == 0, qPrintable(r.out.right(4000) + r.err.right(4000)));
        for (const QFileInfo& deb : QDir(out_.path()).entryInfoList({"*.deb"}, QDir::Files)) {
            debs_.insert(deb.fileName().section('_', 0, 0), deb.absoluteFilePath());
            qInfo("%s: %lld kB", qPrintable(deb.fileName()), deb.size() / 1024);
        }
    }

    void cpackMakesOneDebianPackageEachForStudioEdgeAndCloud() {
        QCOMPARE(debs_.keys(), (QStringList{"dvfo-cloud", "dvfo-edge", "dvfo-studio"}));
        for (const QString& package : debs_.keys())
            QCOMPARE(field(package, "Package"), package);
    }

    void studioDependsOnQtPlatformPluginsAndTheSameVersionOfEdgeAndCloud() {
        const QString depends = field("dvfo-studio", "Depends");
        const QString version = field("dvfo-studio", "Version");
        QVERIFY2(dependsNames(depends).contains("qt6-qpa-plugins"), qPrintable(depends));
        QVERIFY2(depends.contains("dvfo-edge (= " + version + ")"), qPrintable(depends));
        QVERIFY2(depends.contains("dvfo-cloud (= " + version + ")"), qPrintable(depends));
        // dpkg-shlibdeps found the studio's own libraries.
        for (const QString& library :
             {QString("libqt6widgets6"), QString("libssh-4"), QString("libtorch1.13")})
            QVERIFY2(dependsNames(depends).contains(library),
                     qPrintable(library + " missing in " + depends));
        const QStringList files = contents("dvfo-studio");
        for (const QString& file : {QString("/usr/bin/dvfo-studio"), QString("/usr/bin/dvfo"),
                                    QString("/usr/share/applications/dvfo-studio.desktop")})
            QVERIFY2(files.contains(file), qPrintable(file));
        QVERIFY(!files.contains("/usr/bin/dvfo-edge"));
    }

    void edgeDependsOnNeitherQtNorLibsshNorSqlite() {
        for (const QString& package : {QString("dvfo-edge"), QString("dvfo-cloud")}) {
            const QStringList depends = dependsNames(field(package, "Depends"));
            QVERIFY2(depends.contains("libtorch1.13"), qPrintable(depends.join(", ")));
            const QStringList studioOnly = depends.filter(QRegularExpression(
                "qt|ssh|sqlite|qcustomplot", QRegularExpression::CaseInsensitiveOption));
            QVERIFY2(studioOnly.isEmpty(), qPrintable(package + ": " + studioOnly.join(", ")));
        }
    }

    void edgeCarriesItsBinaryAndTheSystemdUnit() {
        const QStringList files = contents("dvfo-edge");
        QVERIFY2(files.contains("/usr/bin/dvfo-edge"), qPrintable(files.join("\n")));
        QVERIFY2(files.contains("/usr/lib/systemd/system/dvfo-edge.service"),
                 qPrintable(files.join("\n")));
        QVERIFY(contents("dvfo-cloud").contains("/usr/bin/dvfo-cloud"));
        // The unit starts the binary where the package puts it.
        QTemporaryDir root;
        QCOMPARE(run("dpkg-deb", {"-x", debs_.value("dvfo-edge"), root.path()}, 60000).code, 0);
        QFile unit(root.path() + "/usr/lib/systemd/system/dvfo-edge.service");
        QVERIFY(unit.open(QIODevice::ReadOnly));
        QVERIFY(QString::fromUtf8(unit.readAll()).contains("\nExecStart=/usr/bin/dvfo-edge run "));
        const Run control = run("dpkg-deb", {"-I", debs_.value("dvfo-edge")}, 30000);
        for (const QString& script : QStringList{"postinst", "prerm", "postrm"})
            QVERIFY2(control.out.contains(script), qPrintable(control.out));
    }

    void unpackedEdgeBinaryProbesAnEmulatedBoardWithoutALibraryPath() {
        QTemporaryDir root;
        QCOMPARE(run("dpkg-deb", {"-x", debs_.value("dvfo-edge"), root.path()}, 60000).code, 0);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove("LD_LIBRARY_PATH");
        env.insert("HOME", root.path());
        const Run r = run(root.path() + "/usr/bin/dvfo-edge", {"--emulate", "xavier-nx", "probe"},
                          120000, env);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject reply = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(reply.value("result").toObject().value("board").toString(), QString("xavier-nx"));
        // No build-tree RPATH left in the installed binary.
        const Run dynamic = run("readelf", {"-d", root.path() + "/usr/bin/dvfo-edge"}, 30000);
        QVERIFY2(!dynamic.out.contains(buildDir_), qPrintable(dynamic.out));
    }

    void aptResolvesTheThreePackagesTogether() {
        // A dry run against this machine's package database: every Depends names a package
        // that apt knows, in a satisfiable version.
        QStringList args = {"install", "--simulate", "--no-install-recommends", "-q"};
        for (const QString& deb : debs_)
            args << deb;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("DEBIAN_FRONTEND", "noninteractive");
        const Run r = run("apt-get", args, 120000, env);
        QVERIFY2(r.code == 0, qPrintable(r.out.right(3000) + r.err.right(3000)));
        for (const QString& package : debs_.keys())
            QVERIFY2(r.out.contains("Inst " + package + " "), qPrintable(r.out.right(3000)));
    }
};

QTEST_GUILESS_MAIN(TestDebPackages)
#include "tst_debpackages.moc"
