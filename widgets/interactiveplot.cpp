#include "widgets/interactiveplot.h"

#include <QContextMenuEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>
#include <QToolTip>

namespace dvfo {

InteractivePlot::InteractivePlot(QWidget* parent) : QCustomPlot(parent) {
    setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    setMouseTracking(true);
    setMinimumSize(240, 180);
    setNoAntialiasingOnDrag(true);
}

QString InteractivePlot::hoverText(const QPoint&) const {
    return {};
}

void InteractivePlot::resetView() {
    rescaleAxes(true);
    // A little air around the data, so points on the edge stay visible and clickable.
    xAxis->scaleRange(1.08, xAxis->range().center());
    yAxis->scaleRange(1.12, yAxis->range().center());
    replotLater();
}

void InteractivePlot::mouseMoveEvent(QMouseEvent* event) {
    QCustomPlot::mouseMoveEvent(event);
    if (event->buttons() != Qt::NoButton)
        return; // dragging: no tooltips
    const QString text = hoverText(event->pos());
    if (text.isEmpty())
        QToolTip::hideText();
    else
        QToolTip::showText(event->globalPosition().toPoint(), text, this);
}

void InteractivePlot::contextMenuEvent(QContextMenuEvent* event) {
    QMenu menu(this);
    menu.addAction(tr("Reset view"), this, &InteractivePlot::resetView);
    menu.addSeparator();
    menu.addAction(tr("Export PNG…"), this, [this] { exportWithDialog(false); });
    menu.addAction(tr("Export PDF…"), this, [this] { exportWithDialog(true); });
    menu.exec(event->globalPos());
}

bool InteractivePlot::exportPng(const QString& file) {
    if (savePng(file, 0, 0, 2.0)) // twice the screen resolution: readable in documents
        return true;
    lastError_ = tr("Cannot write %1").arg(file);
    return false;
}

bool InteractivePlot::exportPdf(const QString& file) {
    if (savePdf(file))
        return true;
    lastError_ = tr("Cannot write %1").arg(file);
    return false;
}

void InteractivePlot::exportWithDialog(bool pdf) {
    const QString file =
        QFileDialog::getSaveFileName(this, pdf ? tr("Export PDF") : tr("Export PNG"), QString(),
                                     pdf ? tr("PDF (*.pdf)") : tr("PNG image (*.png)"));
    if (file.isEmpty())
        return;
    const bool ok = pdf ? exportPdf(file) : exportPng(file);
    if (!ok)
        QMessageBox::warning(this, tr("Export failed"), lastError_);
}

} // namespace dvfo
