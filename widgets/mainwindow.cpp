#include "widgets/mainwindow.h"

#include "widgets/boardspanel.h"

#include <QApplication>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>
#include <QTabWidget>

namespace dvfo {

MainWindow::MainWindow(QWidget* parent, const QString& registryPath)
    : QMainWindow(parent), tabs_(new QTabWidget), boards_(new BoardsPanel(nullptr, registryPath)) {
    setWindowTitle(tr("DVFO Studio"));
    tabs_->setDocumentMode(true);
    tabs_->addTab(boards_, tr("&Boards"));
    setCentralWidget(tabs_);

    auto* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Quit"), QKeySequence::Quit, qApp, &QApplication::closeAllWindows);
    auto* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About DVFO Studio"), this, [this] {
        QMessageBox::about(this, tr("About DVFO Studio"),
                           tr("<b>DVFO Studio %1</b><p>Learning-based DVFS and feature-map offloading for "
                              "energy-efficient edge–cloud DNN inference (Zhang et al., 2023).</p>")
                               .arg(QStringLiteral(DVFO_VERSION)));
    });
    connect(boards_, &BoardsPanel::sessionConnected, this,
            [this](const QString& b) { statusBar()->showMessage(tr("%1 connected").arg(b), 5000); });
    statusBar()->showMessage(tr("Ready: the emulated boards need no hardware."));
    resize(1200, 760);
}

} // namespace dvfo
