#pragma once
#include <qcustomplot.h>

namespace dvfo {

// What every result plot shares: drag to pan, wheel to zoom, a tooltip with the exact values of
// the nearest data point, and a context menu to reset the view or export PNG/PDF.
// Data changes redraw with rpQueuedReplot, so a burst of updates costs one repaint.
class InteractivePlot : public QCustomPlot {
    Q_OBJECT
public:
    explicit InteractivePlot(QWidget* parent = nullptr);

    // The exact values under a widget position, empty when nothing is near (shown as tooltip).
    virtual QString hoverText(const QPoint& pos) const;
    // Fits the axes to the data again.
    virtual void resetView();

    bool
    exportPng(const QString& file); // false with lastError() set when the file cannot be written
    bool exportPdf(const QString& file);
    const QString& lastError() const { return lastError_; }
    void replotLater() { replot(rpQueuedReplot); }

protected:
    void mouseMoveEvent(QMouseEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;
    // Pixel distance below which a point counts as "under the mouse".
    static constexpr double kPickRadius = 12.0;

private:
    void exportWithDialog(bool pdf);
    QString lastError_;
};

} // namespace dvfo
