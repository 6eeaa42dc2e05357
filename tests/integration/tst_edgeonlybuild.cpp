// The board agent builds alone: a fresh `cmake -DDVFO_EDGE_ONLY=ON` configure looks up neither
// Qt, libssh nor SQLite, builds dvfo-edge, and that binary (like the full build's) needs none of
// their libraries and probes an emulated board. The edge-only tree sits next to this build tree
// (<build>-edgeonly), at the same depth, so ccache serves the objects this build compiled. The
// configure-time check of the module layering (cmake/DvfoModules.cmake) runs on scratch trees.
#include "support/clirun.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
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

// The shared libraries an ELF file names itself (readelf -d), not those of its dependencies.
QStringList neededLibraries(const QString& elf) {
    const Run r = run("readelf", {"-d", "--wide", elf}, 30000);
    QStringList needed;
    static const QRegularExpression line(R"(\(NEEDED\)\s+Shared library: \[([^\]]+)\])");
    for (auto it = line.globalMatch(r.out); it.hasNext();)
        needed << it.next().captured(1);
    return needed;
}

const QRegularExpression& studioOnlyLibrary() {
    static const QRegularExpression re("Qt|qcustomplot|libssh|sqlite|SQLiteCpp",
                                       QRegularExpression::CaseInsensitiveOption);
    return re;
}

bool writeFile(const QString& path, const QByteArray& text) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(text) == text.size();
}

// cmake/DvfoModules.cmake on a scratch tree of header-only modules: core/common (standard library
// only), core/workspace (STUDIO, includes SQLite), and core/table and core/reader, whose
// declarations and includes each test chooses. Prints "module <target>" for each target made.
Run configureScratchModules(const QString& dir, const QByteArray& declarations,
                            const QByteArray& tableIncludes, const QByteArray& readerIncludes,
                            bool edgeOnly = false) {
    const QString module = qEnvironmentVariable("DVFO_SOURCE_DIR") + "/cmake/DvfoModules.cmake";
    writeFile(
        dir + "/CMakeLists.txt",
        "cmake_minimum_required(VERSION 3.25)\nproject(Scratch LANGUAGES NONE)\n"
        "include(" +
            module.toUtf8() +
            ")\n"
            "dvfo_module(core/common)\n"
            "dvfo_module(core/workspace STUDIO DEPENDS core/common)\n" +
            declarations +
            "\ndvfo_check_modules()\n"
            "foreach(t dvfo_core_common dvfo_core_workspace dvfo_core_table dvfo_core_reader)\n"
            "  if(TARGET ${t})\n    message(STATUS \"module ${t}\")\n  endif()\nendforeach()\n");
    writeFile(dir + "/core/common/clean.h", "#pragma once\n#include <vector>\n");
    writeFile(dir + "/core/workspace/profilestore.h",
              "#pragma once\n#include \"core/common/clean.h\"\n#include <SQLiteCpp/Database.h>\n");
    writeFile(dir + "/core/table/table.h", "#pragma once\n" + tableIncludes);
    writeFile(dir + "/core/reader/reader.h", "#pragma once\n" + readerIncludes);
    return run("cmake",
               {"--fresh", "-S", dir, "-B", dir + "/build",
                QString("-DDVFO_EDGE_ONLY=") + (edgeOnly ? "ON" : "OFF")},
               60000);
}

QString cacheValue(const QString& cacheFile, const QString& name) {
    QFile f(cacheFile);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const QRegularExpression re("^" + QRegularExpression::escape(name) + ":[A-Z]+=(.*)$",
                                QRegularExpression::MultilineOption);
    return re.match(QString::fromUtf8(f.readAll())).captured(1);
}

} // namespace

class TestEdgeOnlyBuild : public QObject {
    Q_OBJECT
    QString sourceDir_, buildDir_, edgeDir_;

private slots:
    void initTestCase() {
        sourceDir_ = qEnvironmentVariable("DVFO_SOURCE_DIR");
        const QString edge = qEnvironmentVariable("DVFO_EDGE");
        QVERIFY2(!sourceDir_.isEmpty() && !edge.isEmpty(),
                 "DVFO_SOURCE_DIR and DVFO_EDGE are set by ctest");
        // DVFO_EDGE is <build>/remote/dvfo-edge.
        buildDir_ = QFileInfo(edge).absoluteDir().absoluteFilePath("..");
        buildDir_ = QDir(buildDir_).canonicalPath();
        edgeDir_ = buildDir_ + "-edgeonly";
        // A fresh tree each run: the objects come from ccache, not from an earlier run.
        QDir(edgeDir_).removeRecursively();
    }

    void dvfoEdgeOfTheFullBuildNeedsNoQtLibsshOrSqliteLibrary() {
        const QStringList needed = neededLibraries(qEnvironmentVariable("DVFO_EDGE"));
        QVERIFY2(needed.contains("libtorch_cpu.so.1.13") || !needed.filter("torch").isEmpty(),
                 qPrintable("readelf found no LibTorch among " + needed.join(", ")));
        QCOMPARE(needed.filter(studioOnlyLibrary()), QStringList());
    }

    void anEdgeModuleIncludingSqliteStopsTheConfigure() {
        QTemporaryDir dir;
        const Run r = configureScratchModules(
            dir.path(),
            "dvfo_module(core/table DEPENDS core/common)\n"
            "dvfo_module(core/reader DEPENDS core/table)\n",
            "#include <vector>\n  #  include <SQLiteCpp/Database.h> // the rows\n", "");
        QVERIFY2(r.code != 0, qPrintable(r.out));
        QVERIFY2(r.err.simplified().contains("core/table/table.h includes <SQLiteCpp/Database.h>, "
                                             "but core/table is built into dvfo-edge"),
                 qPrintable(r.err));
    }

    void includingAModuleThatIsNotADependencyStopsTheConfigure() {
        QTemporaryDir dir;
        const Run r = configureScratchModules(dir.path(),
                                              "dvfo_module(core/table DEPENDS core/common)\n"
                                              "dvfo_module(core/reader DEPENDS core/common)\n",
                                              "", "#include \"core/table/table.h\"\n");
        QVERIFY2(r.code != 0, qPrintable(r.out));
        QVERIFY2(
            r.err.simplified().contains("core/reader/reader.h includes \"core/table/table.h\", "
                                        "but core/reader does not depend on core/table"),
            qPrintable(r.err));
    }

    void anEdgeModuleDependingOnAStudioModuleStopsTheConfigure() {
        QTemporaryDir dir;
        const Run r = configureScratchModules(dir.path(),
                                              "dvfo_module(core/table DEPENDS core/common)\n"
                                              "dvfo_module(core/reader DEPENDS core/workspace)\n",
                                              "", "#include \"core/workspace/profilestore.h\"\n");
        QVERIFY2(r.code != 0, qPrintable(r.out));
        QVERIFY2(r.err.simplified().contains("dvfo_module(core/reader) depends on core/workspace, "
                                             "which is STUDIO-only"),
                 qPrintable(r.err));
    }

    void includesThroughDeclaredDependenciesPassAndStudioModulesLeaveTheEdgeBuild() {
        for (const bool edgeOnly : {false, true}) {
            QTemporaryDir dir;
            const Run r = configureScratchModules(
                dir.path(),
                "dvfo_module(core/table DEPENDS core/common)\n"
                "dvfo_module(core/reader DEPENDS core/table)\n",
                "#include \"core/common/clean.h\"\n",
                // core/common only through core/table: dependencies are transitive.
                "#include \"core/table/table.h\"\n#include \"core/common/clean.h\"\n", edgeOnly);
            QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
            for (const QString& target :
                 {"dvfo_core_common", "dvfo_core_table", "dvfo_core_reader"})
                QVERIFY2(r.out.contains("module " + target), qPrintable(r.out));
            QCOMPARE(r.out.contains("module dvfo_core_workspace"), !edgeOnly);
        }
    }

    void edgeOnlyConfigureLooksUpNeitherQtNorLibsshNorSqlite() {
        const QString cache = buildDir_ + "/CMakeCache.txt";
        QStringList args = {"--fresh", "-S", sourceDir_, "-B",
                            edgeDir_,  "-G", "Ninja",    "-DDVFO_EDGE_ONLY=ON"};
        // The same flags as this build, so that ccache has every object.
        for (const QString& option : {QString("CMAKE_BUILD_TYPE"), QString("DVFO_SANITIZE")})
            if (const QString v = cacheValue(cache, option); !v.isEmpty())
                args << "-D" + option + "=" + v;
        QElapsedTimer t;
        t.start();
        const Run r = run("cmake", args, 300000);
        qInfo("edge-only configure: %.1f s", double(t.elapsed()) / 1000);
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        // Every find_package() leaves <Package>_DIR in the cache, found or not.
        const QString edgeCache = edgeDir_ + "/CMakeCache.txt";
        for (const QString& package : QStringList{"Torch", "nlohmann_json", "CLI11"})
            QVERIFY2(!cacheValue(edgeCache, package + "_DIR").isEmpty(), qPrintable(package));
        for (const QString& package :
             QStringList{"Qt6", "Qt6Core", "libssh", "SQLiteCpp", "QCustomPlotQt6"}) {
            QFile f(edgeCache);
            QVERIFY(f.open(QIODevice::ReadOnly));
            QVERIFY2(!QString::fromUtf8(f.readAll()).contains("\n" + package + "_DIR:"),
                     qPrintable("the edge-only configure looked up " + package));
        }
        QVERIFY2(!(r.out + r.err).contains("Qt6", Qt::CaseInsensitive), qPrintable(r.out + r.err));
        // Only the agent's own targets: no studio, CLI, tests or benchmarks.
        const Run targets = run("ninja", {"-C", edgeDir_, "-t", "targets", "all"}, 60000);
        QCOMPARE(targets.code, 0);
        QVERIFY(targets.out.contains("remote/dvfo-edge:"));
        for (const QString& studioTarget :
             QStringList{"app/dvfo:", "dvfo-studio:", "tst_edgeagent:", "libdvfo_core_workspace.a:",
                         "libdvfo_core_dqn.a:", "libdvfo_core_attentionstudy.a:",
                         "libdvfo_remote_ssh.a:", "libdvfo_remote_client.a:"})
            QVERIFY2(!targets.out.contains(studioTarget), qPrintable(studioTarget));
    }

    void edgeOnlyBuildLinksDvfoEdgeWithoutQtLibsshOrSqlite() {
        QElapsedTimer t;
        t.start();
        const Run r =
            run("cmake", {"--build", edgeDir_, "--target", "dvfo-edge", "-j", "2"}, 540000);
        qInfo("edge-only build of dvfo-edge: %.1f s", double(t.elapsed()) / 1000);
        QVERIFY2(r.code == 0, qPrintable(r.out.right(4000) + r.err.right(4000)));
        const QString binary = edgeDir_ + "/remote/dvfo-edge";
        QVERIFY(QFileInfo(binary).isExecutable());
        const QStringList needed = neededLibraries(binary);
        QVERIFY2(!needed.filter("torch").isEmpty(), qPrintable(needed.join(", ")));
        QCOMPARE(needed.filter(studioOnlyLibrary()), QStringList());
    }

    void edgeOnlyDvfoEdgeProbesAnEmulatedXavierNx() {
        const QString binary = edgeDir_ + "/remote/dvfo-edge";
        QVERIFY(QFileInfo(binary).isExecutable());
        const Run r = run(binary, {"--emulate", "xavier-nx", "probe"}, 120000);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject reply = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QVERIFY2(reply.value("ok").toBool(), qPrintable(r.out.left(2000)));
        const QJsonObject result = reply.value("result").toObject();
        QCOMPARE(result.value("board").toString(), QString("xavier-nx"));
        QCOMPARE(result.value("emulated").toBool(), true);
        QVERIFY(result.value("power").toObject().value("totalMw").toDouble() > 0);
    }
};

QTEST_GUILESS_MAIN(TestEdgeOnlyBuild)
#include "tst_edgeonlybuild.moc"
