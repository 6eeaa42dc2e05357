#pragma once
// Runs the real `dvfo` CLI ($DVFO_CLI) for integration tests.
#include <QString>
#include <QStringList>

struct CliRun {
    int code = -1; // -1: did not finish in time (it is killed)
    QString out, err;
};

CliRun runDvfoCli(const QStringList& args, int timeoutMs = 600000);
