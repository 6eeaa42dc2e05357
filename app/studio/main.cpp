#include "widgets/mainwindow.h"

#include <QApplication>

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("DVFO Studio"));
    QApplication::setOrganizationName(QStringLiteral("dvfo"));
    QApplication::setApplicationVersion(QStringLiteral(DVFO_VERSION));
    dvfo::MainWindow w;
    w.show();
    return app.exec();
}
