#include "widgets/resultspanel.h"

#include "core/board/boardconditions.h"
#include "core/workspace/profilestore.h"
#include "widgets/energybreakdownplot.h"
#include "widgets/latencyheatmapplot.h"
#include "widgets/paretoplot.h"
#include "widgets/sessioncompareplot.h"

#include <QComboBox>
#include <algorithm>
#include <cmath>
#include <QHBoxLayout>
#include <QLabel>
#include <QSplitter>
#include <QTabWidget>
#include <QVBoxLayout>

namespace dvfo {

ResultsPanel::ResultsPanel(const QString& workspacePath, QWidget* parent)
    : QWidget(parent), workspacePath_(workspacePath), pages_(new QTabWidget), title_(new QLabel),
      conditions_(new QLabel), heatMode_(new QComboBox), emc_(new QComboBox), layer_(new QComboBox),
      metric_(new QComboBox), heatmap_(new LatencyHeatmapPlot), pareto_(new ParetoPlot),
      breakdown_(new EnergyBreakdownPlot), compare_(new SessionComparePlot) {
    heatMode_->addItems({tr("Layers × tuples"), tr("CPU × GPU at EMC")});
    metric_->addItems({tr("Latency"), tr("Energy")});
    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Heatmap:")));
    controls->addWidget(heatMode_);
    controls->addWidget(new QLabel(tr("EMC:")));
    controls->addWidget(emc_);
    controls->addWidget(new QLabel(tr("Layer:")));
    controls->addWidget(layer_);
    controls->addStretch();

    auto* left = new QWidget;
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addLayout(controls);
    leftLayout->addWidget(heatmap_, 1);
    auto* right = new QSplitter(Qt::Vertical);
    right->addWidget(pareto_);
    right->addWidget(breakdown_);
    auto* split = new QSplitter;
    split->addWidget(left);
    split->addWidget(right);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);

    auto* session = new QWidget;
    auto* sessionLayout = new QVBoxLayout(session);
    title_->setText(tr("Open a session in the Sessions tab, or run a sweep in the Profile tab."));
    title_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    sessionLayout->addWidget(title_);
    conditions_->setWordWrap(true);
    conditions_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    conditions_->hide();
    sessionLayout->addWidget(conditions_);
    sessionLayout->addWidget(split, 1);

    auto* comparePage = new QWidget;
    auto* compareLayout = new QVBoxLayout(comparePage);
    auto* compareControls = new QHBoxLayout;
    compareControls->addWidget(new QLabel(tr("Metric:")));
    compareControls->addWidget(metric_);
    compareControls->addStretch();
    compareLayout->addLayout(compareControls);
    compareLayout->addWidget(compare_, 1);

    pages_->addTab(session, tr("Session"));
    pages_->addTab(comparePage, tr("Compare"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(pages_);

    connect(heatMode_, &QComboBox::currentIndexChanged, this, [this](int i) {
        heatmap_->setMode(i == 0 ? LatencyHeatmapPlot::Mode::LayersByTuples
                                 : LatencyHeatmapPlot::Mode::CpuGpuSlice);
        emc_->setEnabled(i == 1);
        layer_->setEnabled(i == 1);
    });
    connect(emc_, &QComboBox::currentIndexChanged, this, [this](int i) {
        if (i >= 0)
            heatmap_->setSliceEmc(emc_->itemData(i).toLongLong());
    });
    connect(layer_, &QComboBox::currentIndexChanged, this, [this](int i) {
        if (i >= 0)
            heatmap_->setSliceLayer(layer_->itemData(i).toInt());
    });
    connect(metric_, &QComboBox::currentIndexChanged, this, [this](int i) {
        compare_->setMetric(i == 0 ? SessionComparePlot::Metric::Latency
                                   : SessionComparePlot::Metric::Energy);
    });
    connect(pareto_, &ParetoPlot::tupleSelected, breakdown_, &EnergyBreakdownPlot::setTuple);
    emc_->setEnabled(false);
    layer_->setEnabled(false);
}

ResultsPanel::~ResultsPanel() = default; // jobs_ goes first: it waits for a running read

namespace {
const QString kLoadJob = QStringLiteral("load"); // open and compare: the newer request wins
} // namespace

template <typename Work, typename Done> void ResultsPanel::runLoader(Work work, Done done) {
    jobs_.run(
        kLoadJob, [work](const BackgroundJobs::Context&) { return work(); },
        [done](const auto& outcome) { done(outcome); },
        [this](const QString& error) { emit loadFailed(error); });
}

void ResultsPanel::openSession(int64_t id) {
    const std::string path = workspacePath_.toStdString();
    runLoader(
        [path, id] {
            ProfileStore store(path); // one store per thread
            return std::make_shared<const ProfileResultModel>(
                ProfileResultModel::fromStore(store, id));
        },
        [this, id](const std::shared_ptr<const ProfileResultModel>& r) {
            showResult(r);
            emit loaded(id);
        });
}

void ResultsPanel::compareSessions(int64_t a, int64_t b) {
    using Pair = std::pair<std::shared_ptr<const ProfileResultModel>,
                           std::shared_ptr<const ProfileResultModel>>;
    const std::string path = workspacePath_.toStdString();
    runLoader(
        [path, a, b] {
            ProfileStore store(path);
            return Pair(
                std::make_shared<const ProfileResultModel>(ProfileResultModel::fromStore(store, a)),
                std::make_shared<const ProfileResultModel>(
                    ProfileResultModel::fromStore(store, b)));
        },
        [this, a, b](const Pair& p) {
            showComparison(p.first, p.second);
            emit compared(a, b);
        });
}

void ResultsPanel::showResult(std::shared_ptr<const ProfileResultModel> result) {
    result_ = std::move(result);
    if (result_) {
        const SessionInfo& s = result_->session();
        title_->setText(
            tr("<b>Session #%1</b> %2 · %3 on %4%5 · %6 tuples × %7 layers · %8")
                .arg(s.id)
                .arg(QString::fromStdString(s.name).toHtmlEscaped(),
                     QString::fromStdString(s.model),
                     QString::fromStdString(s.boardName.empty() ? s.boardId : s.boardName),
                     s.emulated ? tr(" (emulated)") : QString())
                .arg(result_->tupleCount())
                .arg(result_->layerCount())
                .arg(QString::fromLatin1(toString(s.status))));
    }
    showConditions(result_ ? &result_->session() : nullptr);
    heatmap_->setResult(result_);
    pareto_->setResult(result_);
    breakdown_->setResult(result_);
    if (breakdown_->tuple() >= 0)
        pareto_->selectTuple(breakdown_->tuple());
    updateSelectors();
    pages_->setCurrentIndex(0);
}

QString ResultsPanel::conditionsText() const {
    return conditions_->text();
}

void ResultsPanel::showConditions(const SessionInfo* s) {
    nlohmann::json raw =
        s ? nlohmann::json::parse(s->conditionsJson.empty() ? "{}" : s->conditionsJson, nullptr,
                                  false)
          : nlohmann::json();
    if (!s || !raw.is_object() || (raw.empty() && s->observedTupleCount == 0)) {
        conditions_->clear();
        conditions_->hide(); // a session from before board conditions were stored
        return;
    }
    BoardConditions c;
    try {
        c = BoardConditions::fromJson(raw);
    } catch (const std::exception&) {
    }
    QStringList parts;
    if (!c.boardModel.empty())
        parts << QString::fromStdString(c.boardModel).toHtmlEscaped();
    parts << (c.l4tRelease.empty() ? tr("L4T unknown")
                                   : tr("L4T %1").arg(QString::fromStdString(c.l4tRelease)));
    if (c.nvpmodelId >= 0)
        parts << tr("nvpmodel %1 (id %2)")
                     .arg(QString::fromStdString(c.nvpmodelName.empty() ? "?" : c.nvpmodelName))
                     .arg(c.nvpmodelId);
    const std::string device = raw.value("executionDevice", std::string());
    if (!device.empty())
        parts << tr("layers on %1").arg(QString::fromStdString(device));
    if (s->observedTupleCount > 0) {
        parts << (std::isnan(s->maxTempC) ? tr("no thermal zones")
                                          : tr("hottest zone %1 °C").arg(s->maxTempC, 0, 'f', 1));
        const QString throttled = tr("throttled at %1 of %2 tuples")
                                      .arg(s->throttledTupleCount)
                                      .arg(s->observedTupleCount);
        parts << (s->throttledTupleCount > 0
                      ? QStringLiteral("<b style=\"color:#b00020\">%1</b>").arg(throttled)
                      : throttled);
    } else {
        parts << tr("no per-tuple temperatures recorded");
    }
    QString text = parts.join(QStringLiteral(" · "));
    const std::string warning = raw.value("warning", std::string());
    if (!warning.empty())
        text += QStringLiteral("<br><b style=\"color:#b00020\">%1</b>")
                    .arg(tr("Warning: %1").arg(QString::fromStdString(warning).toHtmlEscaped()));
    conditions_->setText(text);
    conditions_->show();
}

void ResultsPanel::showComparison(std::shared_ptr<const ProfileResultModel> a,
                                  std::shared_ptr<const ProfileResultModel> b) {
    compare_->setSessions(std::move(a), std::move(b));
    pages_->setCurrentIndex(1);
}

void ResultsPanel::updateSelectors() {
    const QSignalBlocker be(emc_), bl(layer_);
    emc_->clear();
    layer_->clear();
    if (!result_)
        return;
    for (auto khz : result_->emcLevels())
        emc_->addItem(tr("%1 MHz").arg(double(khz) / 1000.0, 0, 'f', 0), qlonglong(khz));
    emc_->setCurrentIndex(emc_->findData(qlonglong(heatmap_->sliceEmc())));
    layer_->addItem(tr("whole model"), -1);
    for (size_t l = 0; l < result_->layerCount(); ++l)
        layer_->addItem(QString::fromStdString(result_->layerNames()[l]), int(l));
    heatmap_->setSliceLayer(-1);
}

} // namespace dvfo
