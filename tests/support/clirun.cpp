#include "support/clirun.h"

#include <QProcess>
#include <QProcessEnvironment>

CliRun runDvfoCli(const QStringList& args, int timeoutMs) {
    QProcess p;
    p.start(QProcessEnvironment::systemEnvironment().value("DVFO_CLI"), args);
    CliRun r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        return r;
    }
    r.code = p.exitCode();
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}
