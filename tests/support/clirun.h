#pragma once
// Runs real programs for integration tests: any program, the `dvfo` CLI ($DVFO_CLI), the board
// agent `dvfo-edge` ($DVFO_EDGE).
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

struct CliRun {
    int code = -1; // -1: did not finish in time (it is killed; err says so) or crashed
    QString out, err;
};

CliRun runProgram(const QString& program, const QStringList& args, int timeoutMs,
                  const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment());
CliRun runDvfoCli(const QStringList& args, int timeoutMs = 600000);
CliRun runDvfoEdge(const QStringList& args, int timeoutMs = 120000);
