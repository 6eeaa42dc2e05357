#include "widgets/attentionpanel.h"

#include <qcustomplot.h>

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSlider>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace dvfo {

namespace {
// Inspection runs on its own lane (interactiveJobs_), so a click never waits for a long job.
const QString kInspectJob = QStringLiteral("inspect");
const QString kLoadJob = QStringLiteral("load");
const QString kEvaluateJob = QStringLiteral("evaluate");
const QString kTrainJob = QStringLiteral("train");
} // namespace

namespace {

QVector<double> toVector(const std::vector<double>& v) {
    return QVector<double>(v.begin(), v.end());
}

QCustomPlot* makePlot() {
    auto* p = new QCustomPlot;
    p->setNoAntialiasingOnDrag(true);
    p->setMinimumSize(220, 200);
    return p;
}

QCPTextElement* addTitle(QCustomPlot* plot, const QString& text) {
    plot->plotLayout()->insertRow(0);
    QFont f = plot->font();
    f.setBold(true);
    auto* title = new QCPTextElement(plot, text, f);
    plot->plotLayout()->addElement(0, 0, title);
    return title;
}

void setupImageAxes(QCustomPlot* plot) {
    for (QCPAxis* a : {plot->xAxis, plot->yAxis}) {
        a->setTicks(false);
        a->setTickLabels(false);
        a->grid()->setVisible(false);
    }
    plot->yAxis->setRangeReversed(true); // row 0 at the top, as images are drawn
}

} // namespace

QColor AttentionPanel::edgeColor() {
    return QColor(31, 119, 180);
}
QColor AttentionPanel::cloudColor() {
    return QColor(255, 127, 14);
}
QColor AttentionPanel::fusedColor() {
    return QColor(44, 160, 44);
}

AttentionPanel::AttentionPanel(QWidget* parent)
    : QWidget(parent), dataDirectory_(QString::fromStdString(FashionMnist::defaultDirectory())) {

    checkpoint_ =
        new QLineEdit(QString::fromStdString(AttentionInspector::defaultCheckpointDirectory()));
    checkpoint_->setToolTip(
        tr("Checkpoint directory written by `dvfo attention train` (attention.json + weights.pt)"));
    browse_ = new QPushButton(tr("&Browse…"));
    load_ = new QPushButton(tr("&Load"));
    train_ = new QPushButton(tr("&Train quick model"));
    train_->setToolTip(
        tr("small_cnn, 1 epoch on the first training images, into the checkpoint directory"));
    evalImages_ = new QSpinBox;
    evalImages_->setRange(100, 10000);
    evalImages_->setSingleStep(500);
    evalImages_->setValue(1000);
    evalImages_->setSuffix(tr(" images"));
    evaluate_ = new QPushButton(tr("&Evaluate"));
    evaluate_->setToolTip(
        tr("Accuracy and bytes per share on the first test images (worker thread)"));
    loadReport_ = new QPushButton(tr("Load &report…"));
    loadReport_->setToolTip(tr("Accuracy vs share from `dvfo attention evaluate --json`"));
    export_ = new QPushButton(tr("E&xport PNG…"));
    progress_ = new QProgressBar;
    progress_->setRange(0, 100);
    progress_->setMaximumWidth(160);
    progress_->hide();

    sample_ = new QSpinBox;
    sample_->setRange(0, 0);
    sample_->setPrefix(tr("#"));
    prev_ = new QPushButton(tr("◀ Prev"));
    next_ = new QPushButton(tr("Next ▶"));
    random_ = new QPushButton(tr("Ran&dom"));
    shareSlider_ = new QSlider(Qt::Horizontal);
    shareSlider_->setRange(0, AttentionViewModel::kShareSteps);
    shareSlider_->setValue(AttentionViewModel::kShareSteps / 2);
    shareSlider_->setTickPosition(QSlider::TicksBelow);
    shareSlider_->setTickInterval(1);
    shareSlider_->setPageStep(1);
    shareSlider_->setMinimumWidth(220);
    shareLabel_ = new QLabel;
    shareLabel_->setMinimumWidth(420);
    truth_ = new QLabel;
    truth_->setTextFormat(Qt::RichText);
    status_ = new QLabel;
    status_->setWordWrap(true);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    predictions_ = new QTableWidget(3, 5);
    predictions_->setHorizontalHeaderLabels(
        {tr("Output"), tr("Prediction"), tr("Probability"), tr("Runner-up"), tr("Correct")});
    predictions_->verticalHeader()->hide();
    predictions_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    predictions_->setSelectionMode(QAbstractItemView::NoSelection);
    predictions_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    predictions_->horizontalHeader()->setStretchLastSection(true);
    predictions_->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    predictions_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    predictions_->setFixedHeight(predictions_->horizontalHeader()->sizeHint().height() +
                                 3 * predictions_->verticalHeader()->defaultSectionSize() + 4);

    buildPlots();

    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Checkpoint:")));
    top->addWidget(checkpoint_, 1);
    top->addWidget(browse_);
    top->addWidget(load_);
    top->addWidget(train_);
    top->addWidget(progress_);
    top->addSpacing(16);
    top->addWidget(new QLabel(tr("Accuracy curve on")));
    top->addWidget(evalImages_);
    top->addWidget(evaluate_);
    top->addWidget(loadReport_);
    top->addSpacing(16);
    top->addWidget(export_);

    auto* nav = new QHBoxLayout;
    nav->addWidget(new QLabel(tr("Test image:")));
    nav->addWidget(sample_);
    nav->addWidget(prev_);
    nav->addWidget(next_);
    nav->addWidget(random_);
    nav->addSpacing(24);
    nav->addWidget(new QLabel(tr("Offload share:")));
    nav->addWidget(shareSlider_);
    nav->addWidget(shareLabel_, 1);

    auto* predictionBox = new QVBoxLayout;
    predictionBox->addWidget(truth_);
    predictionBox->addWidget(predictions_);
    predictionBox->addWidget(probabilityPlot_, 1);

    auto* grid = new QGridLayout;
    grid->addWidget(imagePlot_, 0, 0);
    grid->addWidget(heatPlot_, 0, 1);
    grid->addLayout(predictionBox, 0, 2);
    grid->addWidget(channelPlot_, 1, 0, 1, 2);
    grid->addWidget(accuracyPlot_, 1, 2);
    grid->setColumnStretch(0, 2);
    grid->setColumnStretch(1, 2);
    grid->setColumnStretch(2, 3);
    grid->setRowStretch(0, 1);
    grid->setRowStretch(1, 1);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addLayout(nav);
    layout->addLayout(grid, 1);
    layout->addWidget(status_);

    connect(browse_, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Attention checkpoint"),
                                                              checkpointDirectory());
        if (!dir.isEmpty()) {
            setCheckpointDirectory(dir);
            loadCheckpoint(dir);
        }
    });
    connect(load_, &QPushButton::clicked, this, [this] { loadCheckpoint(checkpointDirectory()); });
    connect(checkpoint_, &QLineEdit::returnPressed, this,
            [this] { loadCheckpoint(checkpointDirectory()); });
    connect(checkpoint_, &QLineEdit::textChanged, this, [this] { updateButtons(); });
    connect(train_, &QPushButton::clicked, this,
            [this] { view_.training() ? cancelTraining() : trainQuickModel(); });
    connect(evaluate_, &QPushButton::clicked, this, [this] { evaluate(evalImages_->value()); });
    connect(loadReport_, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, tr("Evaluation report"), QString(),
                                                          tr("JSON (*.json)"));
        if (!file.isEmpty())
            loadReport(file);
    });
    connect(export_, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getSaveFileName(
            this, tr("Export PNG"), QStringLiteral("attention-view.png"), tr("PNG image (*.png)"));
        if (!file.isEmpty() && !exportPng(file))
            setStatus(tr("Cannot write %1").arg(file), true);
    });
    connect(sample_, qOverload<int>(&QSpinBox::valueChanged), this,
            [this] { requestInspection(); });
    connect(prev_, &QPushButton::clicked, this,
            [this] { sample_->setValue(sample_->value() - 1); });
    connect(next_, &QPushButton::clicked, this,
            [this] { sample_->setValue(sample_->value() + 1); });
    connect(random_, &QPushButton::clicked, this, [this] {
        if (inspector_)
            sample_->setValue(
                int(QRandomGenerator::global()->bounded(quint32(inspector_->sampleCount()))));
    });
    connect(shareSlider_, &QSlider::valueChanged, this, [this] {
        updateShareLabel();
        updateShareMarker();
        requestInspection();
    });

    updateShareLabel();
    updateButtons();
    if (QFileInfo::exists(QDir(checkpointDirectory()).filePath(QStringLiteral("attention.json"))))
        setStatus(tr("Press Load to open %1.").arg(checkpointDirectory()));
    else
        setStatus(tr("No checkpoint in %1. Train one with `dvfo attention train` (see README), "
                     "choose another "
                     "directory, or press \"Train quick model\".")
                      .arg(checkpointDirectory()));
}

// The jobs go first (declared last): training is cancelled and every running job waited for.
AttentionPanel::~AttentionPanel() = default;

void AttentionPanel::buildPlots() {
    // Input image.
    imagePlot_ = makePlot();
    addTitle(imagePlot_, tr("Input"));
    setupImageAxes(imagePlot_);
    imageMap_ = new QCPColorMap(imagePlot_->xAxis, imagePlot_->yAxis);
    imageMap_->setGradient(QCPColorGradient(QCPColorGradient::gpGrayscale));
    imageMap_->setInterpolate(false);
    imageMap_->setDataRange(QCPRange(0, 1));

    // Spatial attention over the image: the grey image, then Ms in translucent colour on top.
    heatPlot_ = makePlot();
    addTitle(heatPlot_, tr("Spatial attention Ms over the input"));
    setupImageAxes(heatPlot_);
    overlayImageMap_ = new QCPColorMap(heatPlot_->xAxis, heatPlot_->yAxis);
    overlayImageMap_->setGradient(QCPColorGradient(QCPColorGradient::gpGrayscale));
    overlayImageMap_->setInterpolate(false);
    overlayImageMap_->setDataRange(QCPRange(0, 1));
    heatMap_ = new QCPColorMap(heatPlot_->xAxis, heatPlot_->yAxis);
    heatMap_->setGradient(QCPColorGradient(QCPColorGradient::gpJet));
    heatMap_->setInterpolate(true);
    heatScale_ = new QCPColorScale(heatPlot_);
    heatScale_->setBarWidth(10);
    heatScale_->axis()->setLabel(tr("Ms"));
    heatPlot_->plotLayout()->addElement(1, 1, heatScale_);
    heatMap_->setColorScale(heatScale_);

    // Square pixels at any widget size: the ranges are fitted once the plot's layout is known
    // (afterLayout comes before drawing in every replot, including the one on resize).
    for (QCustomPlot* p : {imagePlot_, heatPlot_})
        connect(p, &QCustomPlot::afterLayout, this, [this, p] { keepImageSquare(p); });

    // Channel importance, ranked, with the cut.
    channelPlot_ = makePlot();
    channelTitle_ = addTitle(channelPlot_, tr("Channel importance Mc, ranked"));
    keptBars_ = new QCPBars(channelPlot_->xAxis, channelPlot_->yAxis);
    keptBars_->setBrush(edgeColor());
    keptBars_->setPen(QPen(edgeColor().darker(130)));
    keptBars_->setWidth(0.8);
    offloadedBars_ = new QCPBars(channelPlot_->xAxis, channelPlot_->yAxis);
    offloadedBars_->setBrush(cloudColor());
    offloadedBars_->setPen(QPen(cloudColor().darker(130)));
    offloadedBars_->setWidth(0.8);
    cutLine_ = new QCPItemStraightLine(channelPlot_);
    cutLine_->setPen(QPen(Qt::black, 2, Qt::DashLine));
    cutText_ = new QCPItemText(channelPlot_);
    cutText_->position->setType(QCPItemPosition::ptPlotCoords);
    cutText_->setPositionAlignment(Qt::AlignTop | Qt::AlignHCenter);
    cutText_->setBrush(QBrush(QColor(255, 255, 255, 220)));
    cutText_->setPadding(QMargins(4, 2, 4, 2));
    channelPlot_->yAxis->setLabel(tr("channel weight Mc"));
    channelPlot_->yAxis->setRange(0, 1.08);
    channelPlot_->xAxis->setLabel(tr("channel index, by rank (highest Mc first)"));
    channelPlot_->legend->setVisible(true);
    channelPlot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);

    // Probabilities of the three outputs per class.
    probabilityPlot_ = makePlot();
    addTitle(probabilityPlot_, tr("Class probabilities"));
    auto* group = new QCPBarsGroup(probabilityPlot_);
    group->setSpacing(0);
    const QColor colours[3] = {edgeColor(), cloudColor(), fusedColor()};
    truthBand_ = new QCPItemRect(probabilityPlot_);
    truthBand_->setBrush(QColor(0, 0, 0, 28));
    truthBand_->setPen(Qt::NoPen);
    truthBand_->setLayer(QStringLiteral("background"));
    for (int o = 0; o < 3; ++o) {
        probabilityBars_[o] = new QCPBars(probabilityPlot_->xAxis, probabilityPlot_->yAxis);
        probabilityBars_[o]->setName(AttentionViewModel::outputName(o));
        probabilityBars_[o]->setBrush(colours[o]);
        probabilityBars_[o]->setPen(Qt::NoPen);
        probabilityBars_[o]->setWidth(0.27);
        probabilityBars_[o]->setBarsGroup(group);
    }
    QSharedPointer<QCPAxisTickerText> classTicks(new QCPAxisTickerText);
    for (int c = 0; c < FashionMnist::kClasses; ++c)
        classTicks->addTick(c, QString::fromUtf8(FashionMnist::className(c)));
    probabilityPlot_->xAxis->setTicker(classTicks);
    probabilityPlot_->xAxis->setTickLabelRotation(35);
    probabilityPlot_->xAxis->setRange(-0.6, FashionMnist::kClasses - 0.3);
    probabilityPlot_->xAxis->grid()->setVisible(false);
    probabilityPlot_->yAxis->setRange(0, 1.02);
    probabilityPlot_->yAxis->setLabel(tr("softmax probability"));
    probabilityPlot_->legend->setVisible(true);
    probabilityPlot_->axisRect()->insetLayout()->setInsetAlignment(0,
                                                                   Qt::AlignTop | Qt::AlignRight);

    // Accuracy vs share, bytes on the wire on the right axis.
    accuracyPlot_ = makePlot();
    accuracyTitle_ = addTitle(accuracyPlot_, tr("Accuracy vs offload share"));
    accuracyGraph_ = accuracyPlot_->addGraph();
    accuracyGraph_->setName(tr("fused (collaborative)"));
    accuracyGraph_->setPen(QPen(fusedColor(), 2.5));
    accuracyGraph_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 5));
    edgeKeptGraph_ = accuracyPlot_->addGraph();
    edgeKeptGraph_->setName(tr("edge tail alone"));
    edgeKeptGraph_->setPen(QPen(edgeColor(), 1.5, Qt::DashLine));
    cloudOnlyGraph_ = accuracyPlot_->addGraph();
    cloudOnlyGraph_->setName(tr("cloud tail alone"));
    cloudOnlyGraph_->setPen(QPen(cloudColor(), 1.5, Qt::DashLine));
    bytesGraph_ = accuracyPlot_->addGraph(accuracyPlot_->xAxis, accuracyPlot_->yAxis2);
    bytesGraph_->setName(tr("bytes on the wire / sample (right)"));
    bytesGraph_->setPen(QPen(Qt::gray, 1.5, Qt::DotLine));
    bytesGraph_->setScatterStyle(
        QCPScatterStyle(QCPScatterStyle::ssSquare, QPen(Qt::gray), QBrush(Qt::white), 5));
    shareMarker_ = accuracyPlot_->addGraph();
    shareMarker_->setName(tr("current share"));
    shareMarker_->setLineStyle(QCPGraph::lsNone);
    shareMarker_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDiamond, QPen(Qt::black, 1.5),
                                                  QBrush(fusedColor().lighter(140)), 13));
    unsplitLine_ = new QCPItemStraightLine(accuracyPlot_);
    unsplitLine_->setPen(QPen(Qt::darkGray, 1, Qt::DashDotLine));
    unsplitLine_->setVisible(false);
    shareLine_ = new QCPItemStraightLine(accuracyPlot_);
    shareLine_->setPen(QPen(QColor(0, 0, 0, 90), 1));
    accuracyPlot_->xAxis->setLabel(tr("offload share s"));
    accuracyPlot_->xAxis->setRange(-0.03, 1.03);
    accuracyPlot_->yAxis->setLabel(tr("test accuracy %"));
    accuracyPlot_->yAxis2->setVisible(true);
    accuracyPlot_->yAxis2->setLabel(tr("bytes / sample"));
    accuracyPlot_->legend->setVisible(true);
    QFont small = accuracyPlot_->font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    accuracyPlot_->legend->setFont(small);
    channelPlot_->legend->setFont(small);
    probabilityPlot_->legend->setFont(small);
    accuracyPlot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignLeft);
}

void AttentionPanel::setDataDirectory(const QString& directory, size_t testLimit) {
    dataDirectory_ = directory;
    testLimit_ = testLimit;
}

QString AttentionPanel::checkpointDirectory() const {
    return checkpoint_->text().trimmed();
}

void AttentionPanel::setCheckpointDirectory(const QString& directory) {
    checkpoint_->setText(directory);
}

void AttentionPanel::loadCheckpoint(const QString& directory) {
    if (directory.isEmpty()) {
        setStatus(tr("Choose a checkpoint directory first."), true);
        return;
    }
    view_.setLoading(true);
    updateButtons();
    setStatus(tr("Loading %1 and the Fashion-MNIST test set…").arg(directory));
    const std::string dir = directory.toStdString();
    const std::string data = dataDirectory_.toStdString();
    const size_t limit = testLimit_;
    backgroundJobs_.run(
        kLoadJob,
        [dir, data, limit](const BackgroundJobs::Context&) {
            return std::shared_ptr<const AttentionInspector>(
                AttentionInspector::open(dir, data, limit));
        },
        [this, directory](std::shared_ptr<const AttentionInspector> inspector) {
            view_.setLoading(false);
            inspector_ = std::move(inspector);
            // Results of the previous model are dropped; evaluate() below starts afresh.
            backgroundJobs_.discard(kEvaluateJob);
            view_.setEvaluating(false);
            const AttentionSplit& m = inspector_->model();
            view_.setModel(QString::fromStdString(m.config().splitLayer));
            setStatus(tr("%1 — %2 test images from %3; training: %4")
                          .arg(QString::fromStdString(m.describe()))
                          .arg(inspector_->sampleCount())
                          .arg(dataDirectory_, QString::fromStdString(m.metadataJson())));
            sample_->setRange(0, int(inspector_->sampleCount()) - 1);
            evalImages_->setMaximum(int(inspector_->sampleCount()));
            updateButtons();
            emit modelLoaded(directory);
            requestInspection();
            if (!pendingReport_.isEmpty()) {
                const QString report = pendingReport_;
                pendingReport_.clear();
                if (loadReport(report))
                    return;
            }
            evaluate(std::min(evalImages_->value(), int(inspector_->sampleCount())));
        },
        [this, directory](const QString& message) {
            view_.setLoading(false);
            updateButtons();
            setStatus(tr("Cannot load %1: %2").arg(directory, message), true);
            emit failed(message);
        });
}

bool AttentionPanel::loadReport(const QString& path) {
    if (!inspector_ && view_.loading()) {
        pendingReport_ = path; // applied when the model is in, instead of evaluating
        return true;
    }
    try {
        showReport(AttentionInspector::readEvaluationReport(path.toStdString()),
                   QFileInfo(path).fileName());
        return true;
    } catch (const std::exception& e) {
        setStatus(tr("Cannot use the report: %1").arg(QString::fromUtf8(e.what())), true);
        emit failed(QString::fromUtf8(e.what()));
        return false;
    }
}

void AttentionPanel::evaluate(int testImages) {
    if (!inspector_ || view_.evaluating())
        return;
    view_.setEvaluating(true);
    updateButtons();
    accuracyTitle_->setText(
        tr("Accuracy vs offload share (evaluating %1 test images…)").arg(testImages));
    accuracyPlot_->replot();
    const std::shared_ptr<const AttentionInspector> inspector = inspector_;
    backgroundJobs_.run(
        kEvaluateJob,
        [inspector, testImages](const BackgroundJobs::Context&) {
            EvaluationOptions options;
            options.testLimit = size_t(testImages);
            return inspector->evaluate(options);
        },
        [this](EvaluationReport report) {
            view_.setEvaluating(false);
            updateButtons();
            showReport(report, tr("%1 test images").arg(report.samples));
        },
        [this](const QString& message) {
            view_.setEvaluating(false);
            updateButtons();
            setStatus(tr("Evaluation failed: %1").arg(message), true);
            emit failed(message);
        });
}

void AttentionPanel::trainQuickModel() {
    const QString dir = checkpointDirectory();
    if (dir.isEmpty() || view_.training())
        return;
    if (QFileInfo::exists(QDir(dir).filePath(QStringLiteral("attention.json")))) {
        setStatus(
            tr("%1 already holds a checkpoint; choose an empty or new directory to train into.")
                .arg(dir),
            true);
        return;
    }
    view_.setTraining(true);
    progress_->setValue(0);
    progress_->show();
    updateButtons();
    setStatus(tr("Training small_cnn for 1 epoch on %1 Fashion-MNIST training images into %2…")
                  .arg(quickTrainImages_)
                  .arg(dir));
    const std::string out = dir.toStdString();
    const std::string data = dataDirectory_.toStdString();
    const size_t images = quickTrainImages_;
    backgroundJobs_.run(
        kTrainJob,
        [this, out, data, images](const BackgroundJobs::Context& job) {
            const FashionMnist train = FashionMnist::load(data, FashionMnist::Split::Train, images);
            AttentionSplitConfig config;
            config.model = "small_cnn";
            std::unique_ptr<AttentionSplit> model = AttentionSplit::create(config);
            TrainOptions options;
            options.epochs = 1;
            options.progress = [this, &job](const TrainProgress& p) {
                const int pct = p.batches ? int(100 * p.batch / p.batches) : 0;
                job.report([this, pct] {
                    progress_->setValue(pct);
                    emit trainingProgress(pct);
                });
            };
            options.cancelled = [&job] { return job.cancelled(); };
            const TrainSummary summary = AttentionTrainer(*model).train(train, options);
            if (summary.cancelled)
                throw std::runtime_error("training cancelled; nothing was written");
            model->save(out, AttentionTrainer::summaryJson(options, summary, train.size()));
            return out;
        },
        [this](std::string out) {
            view_.setTraining(false);
            progress_->hide();
            updateButtons();
            const QString dir = QString::fromStdString(out);
            emit trainingFinished(dir);
            setCheckpointDirectory(dir);
            loadCheckpoint(dir);
        },
        [this](const QString& message) {
            view_.setTraining(false);
            progress_->hide();
            updateButtons();
            setStatus(tr("Quick training stopped: %1").arg(message), true);
            emit failed(message);
        });
}

void AttentionPanel::cancelTraining() {
    backgroundJobs_.cancel(kTrainJob);
}

int AttentionPanel::sampleIndex() const {
    return sample_->value();
}

double AttentionPanel::share() const {
    return AttentionViewModel::shareAt(shareSlider_->value());
}

void AttentionPanel::showSample(int index) {
    sample_->setValue(index);
}

void AttentionPanel::setShare(double share) {
    shareSlider_->setValue(AttentionViewModel::sliderPosition(share));
}

bool AttentionPanel::exportPng(const QString& file) {
    return grab().save(file, "PNG");
}

void AttentionPanel::requestInspection() {
    if (!inspector_)
        return;
    // Every change asks again: the newer request makes the older one stale (never drawn, skipped
    // if it has not started), so only the latest index and share are shown.
    const std::shared_ptr<const AttentionInspector> inspector = inspector_;
    const size_t index = size_t(sample_->value());
    const double s = share();
    interactiveJobs_.run(
        kInspectJob,
        [inspector, index, s](const BackgroundJobs::Context&) {
            return inspector->inspect(index, s);
        },
        [this](AttentionInspection r) { showInspection(r); },
        [this](const QString& message) {
            setStatus(tr("Cannot inspect test image %1: %2").arg(sample_->value()).arg(message),
                      true);
            emit failed(message);
        });
}

void AttentionPanel::showInspection(const AttentionInspection& r) {
    view_.setInspection(r);

    // Input and overlay: pixel (x, y) centred at integer coordinates.
    for (QCPColorMap* map : {imageMap_, overlayImageMap_}) {
        map->data()->setSize(r.cols, r.rows);
        map->data()->setRange(QCPRange(0, r.cols - 1), QCPRange(0, r.rows - 1));
        for (int y = 0; y < r.rows; ++y)
            for (int x = 0; x < r.cols; ++x)
                map->data()->setCell(x, y, r.pixels[size_t(y) * size_t(r.cols) + size_t(x)]);
    }
    // Ms at feature resolution, each cell over the image pixels it covers.
    const int fh = int(r.featureShape.height), fw = int(r.featureShape.width);
    const auto [keyLo, keyHi] = view_.heatMapKeyRange();
    const auto [valueLo, valueHi] = view_.heatMapValueRange();
    heatMap_->data()->setSize(fw, fh);
    heatMap_->data()->setRange(QCPRange(keyLo, keyHi), QCPRange(valueLo, valueHi));
    for (int y = 0; y < fh; ++y)
        for (int x = 0; x < fw; ++x)
            heatMap_->data()->setCell(x, y, r.spatialWeights[size_t(y) * size_t(fw) + size_t(x)]);
    heatMap_->data()->fillAlpha(120); // translucent: the image shows through
    heatMap_->rescaleDataRange(true);

    // Channel bars: ranked; the kept ones stay on the edge.
    const ChannelBars bars = view_.channelBars();
    keptBars_->setData(toVector(bars.keptKeys), toVector(bars.keptValues), true);
    offloadedBars_->setData(toVector(bars.offloadedKeys), toVector(bars.offloadedValues), true);
    keptBars_->setName(bars.keptName);
    offloadedBars_->setName(bars.offloadedName);
    cutLine_->point1->setCoords(bars.cutX, 0);
    cutLine_->point2->setCoords(bars.cutX, 1);
    cutText_->position->setCoords(bars.cutLabelX, 1.06);
    cutText_->setText(bars.cutText);
    QSharedPointer<QCPAxisTickerText> ticks(new QCPAxisTickerText);
    for (const auto& [rank, channel] : bars.ticks)
        ticks->addTick(rank, QString::number(channel));
    const int channels = int(r.channelWeights.size());
    channelPlot_->xAxis->setTicker(ticks);
    channelPlot_->xAxis->setTickLabelRotation(bars.tickLabelRotation);
    channelPlot_->xAxis->setRange(-0.7, channels - 0.3);
    channelTitle_->setText(bars.title);

    // Predictions.
    const std::vector<PredictionRow> rows = view_.predictionRows();
    const QColor colours[3] = {edgeColor(), cloudColor(), fusedColor()};
    for (int o = 0; o < 3; ++o) {
        const PredictionRow& row = rows[size_t(o)];
        const QString cells[5] = {row.output, row.prediction, row.probability, row.runnerUp,
                                  row.correct};
        for (int column = 0; column < 5; ++column) {
            auto* item = new QTableWidgetItem(cells[column]);
            if (column == 0)
                item->setForeground(colours[o].darker(120));
            predictions_->setItem(o, column, item);
        }
        QVector<double> keys;
        for (int c = 0; c < int(row.probabilities.size()); ++c)
            keys.push_back(c);
        probabilityBars_[o]->setData(keys, toVector(row.probabilities), true);
    }
    truthBand_->topLeft->setCoords(r.label - 0.5, 1.02);
    truthBand_->bottomRight->setCoords(r.label + 0.5, 0);
    truth_->setText(view_.truthText());

    updateShareLabel();
    for (QCustomPlot* p : {imagePlot_, heatPlot_, channelPlot_, probabilityPlot_})
        p->replot();
    emit inspectionShown(int(r.index), r.share);
    maybeReady();
}

void AttentionPanel::showReport(const EvaluationReport& report, const QString& source) {
    view_.setReport(report, source);
    const AccuracyCurve curve = view_.accuracyCurve();
    accuracyGraph_->setData(toVector(curve.shares), toVector(curve.accuracyPercent), true);
    edgeKeptGraph_->setData(toVector(curve.edgeKeptShares), toVector(curve.edgeKeptPercent), true);
    cloudOnlyGraph_->setData(toVector(curve.cloudOnlyShares), toVector(curve.cloudOnlyPercent),
                             true);
    bytesGraph_->setData(toVector(curve.shares), toVector(curve.wireBytes), true);
    unsplitLine_->setVisible(true);
    unsplitLine_->point1->setCoords(0, curve.unsplitPercent);
    unsplitLine_->point2->setCoords(1, curve.unsplitPercent);
    accuracyPlot_->yAxis->setRange(curve.accuracyMin, curve.accuracyMax);
    accuracyPlot_->yAxis2->setRange(0, curve.bytesMax);
    accuracyTitle_->setText(curve.title);
    updateShareMarker();
    updateShareLabel();
    emit evaluationShown();
    maybeReady();
}

void AttentionPanel::updateShareMarker() {
    const double s = share();
    shareLine_->point1->setCoords(s, 0);
    shareLine_->point2->setCoords(s, 1);
    QVector<double> key, value;
    for (const auto& [markerShare, accuracy] : view_.shareMarker(s)) {
        key.push_back(markerShare);
        value.push_back(accuracy);
    }
    shareMarker_->setData(key, value, true);
    accuracyPlot_->replot();
}

void AttentionPanel::updateShareLabel() {
    shareLabel_->setText(view_.shareLabel(share()));
}

void AttentionPanel::updateButtons() {
    const AttentionControls c = view_.controls(
        checkpointDirectory(),
        QFileInfo::exists(QDir(checkpointDirectory()).filePath(QStringLiteral("attention.json"))));
    load_->setEnabled(c.load);
    browse_->setEnabled(c.browse);
    train_->setEnabled(c.train);
    train_->setText(c.trainText);
    evaluate_->setEnabled(c.evaluate);
    loadReport_->setEnabled(c.loadReport);
    for (QWidget* w : std::initializer_list<QWidget*>{sample_, prev_, next_, random_, shareSlider_})
        w->setEnabled(c.navigation);
}

void AttentionPanel::setStatus(const QString& text, bool error) {
    status_->setStyleSheet(error ? QStringLiteral("color: #b00020;") : QString());
    status_->setText(text);
}

void AttentionPanel::keepImageSquare(QCustomPlot* plot) {
    const AttentionInspection& inspection = view_.inspection();
    if (!view_.hasInspection() || plot->axisRect()->width() <= 0 || plot->axisRect()->height() <= 0)
        return;
    // Full image extent, then widen whichever axis has room so that a pixel stays square.
    plot->xAxis->setRange(-0.5, inspection.cols - 0.5);
    plot->yAxis->setRange(-0.5, inspection.rows - 0.5);
    const double pxPerCol = plot->axisRect()->width() / double(inspection.cols);
    const double pxPerRow = plot->axisRect()->height() / double(inspection.rows);
    if (pxPerCol > pxPerRow)
        plot->xAxis->setScaleRatio(plot->yAxis, 1.0);
    else
        plot->yAxis->setScaleRatio(plot->xAxis, 1.0);
}

void AttentionPanel::maybeReady() {
    if (inspector_ && view_.ready())
        emit ready();
}

} // namespace dvfo
