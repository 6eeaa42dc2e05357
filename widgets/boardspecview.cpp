#include "widgets/boardspecview.h"

#include <QHeaderView>
#include <QLabel>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace dvfo {

namespace {
QString mhz(int64_t khz) {
    return QString::number(khz / 1000.0, 'f', khz % 1000 ? 2 : 0);
}

void addTable(QTreeWidget* tree, const QString& domain, const ClockTableSpec& t) {
    auto* top = new QTreeWidgetItem(
        tree, {domain, QObject::tr("%n frequencies", nullptr, int(t.frequenciesKhz.size())),
               QStringLiteral("%1 – %2 MHz")
                   .arg(mhz(t.frequenciesKhz.front()), mhz(t.frequenciesKhz.back()))});
    if (t.partial)
        top->setText(1, top->text(1) + QObject::tr(" (partial list)"));
    if (!t.note.empty())
        top->setToolTip(2, QString::fromStdString(t.note));
    QStringList values;
    for (auto f : t.frequenciesKhz)
        values << mhz(f);
    auto* row =
        new QTreeWidgetItem(top, {QObject::tr("MHz"), QString(), values.join(QStringLiteral(" "))});
    row->setToolTip(2, values.join(QStringLiteral(" ")));
}
} // namespace

BoardSpecView::BoardSpecView(QWidget* parent)
    : QWidget(parent), title_(new QLabel(this)), tree_(new QTreeWidget(this)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    title_->setTextFormat(Qt::RichText);
    tree_->setColumnCount(3);
    tree_->setHeaderLabels({tr("Item"), tr("Summary"), tr("Details")});
    tree_->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    tree_->setAlternatingRowColors(true);
    layout->addWidget(title_);
    layout->addWidget(tree_);
    clear();
}

void BoardSpecView::clear() {
    title_->setText(tr("<i>Not probed yet.</i>"));
    tree_->clear();
}

void BoardSpecView::setSpec(const BoardSpec& spec, bool emulated) {
    title_->setText(QStringLiteral("<b>%1</b> — %2, L4T %3%4")
                        .arg(QString::fromStdString(spec.name).toHtmlEscaped(),
                             QString::fromStdString(spec.soc), QString::fromStdString(spec.l4t),
                             emulated ? tr(" <i>(emulated)</i>") : QString()));
    tree_->clear();
    addTable(tree_, tr("CPU"), spec.cpu);
    addTable(tree_, tr("GPU"), spec.gpu);
    addTable(tree_, tr("EMC"), spec.emc);
    auto* rails = new QTreeWidgetItem(
        tree_, {tr("Power rails"), tr("%n rails", nullptr, int(spec.rails.size())), QString()});
    for (const auto& r : spec.rails)
        new QTreeWidgetItem(
            rails, {QString::fromStdString(r.name), QString::fromStdString(r.role),
                    QStringLiteral("%1 %2 channel %3")
                        .arg(QString::fromStdString(r.driver), QString::fromStdString(r.device))
                        .arg(r.channel)});
    tree_->expandAll();
}

} // namespace dvfo
