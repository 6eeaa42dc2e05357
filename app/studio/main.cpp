#include "widgets/boardspanel.h"
#include "widgets/mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("DVFO Studio"));
    QApplication::setOrganizationName(QStringLiteral("dvfo"));
    QApplication::setApplicationVersion(QStringLiteral(DVFO_VERSION));

    QCommandLineParser cli;
    cli.addHelpOption();
    cli.addVersionOption();
    QCommandLineOption connectOpt("connect", "Connect this board at start, e.g. emulated:xavier-nx.", "board");
    QCommandLineOption shotOpt("screenshot", "Save a PNG of the window once connected, then quit (docs, CI).", "file");
    cli.addOption(connectOpt);
    cli.addOption(shotOpt);
    cli.process(app);

    dvfo::MainWindow w;
    w.show();
    if (cli.isSet(connectOpt)) {
        w.boardsPanel()->selectBoard(cli.value(connectOpt));
        w.boardsPanel()->connectSelected();
    }
    if (cli.isSet(shotOpt)) {
        const QString file = cli.value(shotOpt);
        auto shoot = [&w, file] {
            w.grab().save(file);
            QApplication::quit();
        };
        QObject::connect(w.boardsPanel(), &dvfo::BoardsPanel::sessionConnected, &w,
                         [shoot] { QTimer::singleShot(500, shoot); });
        QTimer::singleShot(60000, &w, shoot); // never hang a docs/CI run
    }
    return app.exec();
}
