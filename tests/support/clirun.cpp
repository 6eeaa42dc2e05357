#include "support/clirun.h"

#include <QProcess>

CliRun runProgram(const QString& program, const QStringList& args, int timeoutMs,
                  const QProcessEnvironment& env) {
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(program, args);
    p.closeWriteChannel();
    CliRun r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        r.err = program + " did not finish in " + QString::number(timeoutMs / 1000) + " s";
        return r;
    }
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

CliRun runDvfoCli(const QStringList& args, int timeoutMs) {
    return runProgram(QProcessEnvironment::systemEnvironment().value("DVFO_CLI"), args, timeoutMs);
}

CliRun runDvfoEdge(const QStringList& args, int timeoutMs) {
    return runProgram(QProcessEnvironment::systemEnvironment().value("DVFO_EDGE"), args, timeoutMs);
}
