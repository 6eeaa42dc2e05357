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

constexpr int kShareSteps = 10; // slider 0..10 = share 0.0..1.0
const char* const kOutputNames[3] = {QT_TRANSLATE_NOOP("dvfo::AttentionPanel", "Edge tail"),
                                     QT_TRANSLATE_NOOP("dvfo::AttentionPanel", "Cloud tail"),
                                     QT_TRANSLATE_NOOP("dvfo::AttentionPanel", "Fused")};

QString bytes(double b) {
    return QLocale(QLocale::English).toString(qlonglong(std::llround(b))) + " B";
}

QString percent(double fraction, int decimals = 1) {
    return QString::number(100.0 * fraction, 'f', decimals) + " %";
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
    interactivePool_.setMaxThreadCount(1);
    backgroundPool_.setMaxThreadCount(2);

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
    shareSlider_->setRange(0, kShareSteps);
    shareSlider_->setValue(kShareSteps / 2);
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
            [this] { training_ ? cancelTraining() : trainQuickModel(); });
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

AttentionPanel::~AttentionPanel() {
    cancelTraining_ = true;
    interactivePool_.waitForDone();
    backgroundPool_.waitForDone();
}

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
        probabilityBars_[o]->setName(tr(kOutputNames[o]));
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

template <typename Result>
void AttentionPanel::runAsync(QThreadPool& pool, std::function<Result()> job,
                              std::function<void(Result)> done,
                              std::function<void(const QString&)> error) {
    pool.start([this, job = std::move(job), done = std::move(done), error = std::move(error)] {
        auto result = std::make_shared<Result>();
        QString message;
        try {
            *result = job();
        } catch (const std::exception& e) {
            message = QString::fromUtf8(e.what());
        }
        // Delivered on the GUI thread; dropped with the panel if it is gone by then.
        QMetaObject::invokeMethod(
            this,
            [result, message, done, error] {
                if (message.isEmpty())
                    done(std::move(*result));
                else
                    error(message);
            },
            Qt::QueuedConnection);
    });
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
    loading_ = true;
    updateButtons();
    setStatus(tr("Loading %1 and the Fashion-MNIST test set…").arg(directory));
    const std::string dir = directory.toStdString();
    const std::string data = dataDirectory_.toStdString();
    const size_t limit = testLimit_;
    runAsync<std::shared_ptr<const AttentionInspector>>(
        backgroundPool_,
        [dir, data, limit] {
            return std::shared_ptr<const AttentionInspector>(
                AttentionInspector::open(dir, data, limit));
        },
        [this, directory](std::shared_ptr<const AttentionInspector> inspector) {
            loading_ = false;
            inspector_ = std::move(inspector);
            ++loadGeneration_;
            inspectionValid_ = false;
            reportValid_ = false;
            const AttentionSplit& m = inspector_->model();
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
            loading_ = false;
            updateButtons();
            setStatus(tr("Cannot load %1: %2").arg(directory, message), true);
            emit failed(message);
        });
}

bool AttentionPanel::loadReport(const QString& path) {
    if (!inspector_ && loading_) {
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
    if (!inspector_ || evaluating_)
        return;
    evaluating_ = true;
    updateButtons();
    accuracyTitle_->setText(
        tr("Accuracy vs offload share (evaluating %1 test images…)").arg(testImages));
    accuracyPlot_->replot();
    const std::shared_ptr<const AttentionInspector> inspector = inspector_;
    const uint64_t generation = loadGeneration_;
    runAsync<EvaluationReport>(
        backgroundPool_,
        [inspector, testImages] {
            EvaluationOptions options;
            options.testLimit = size_t(testImages);
            return inspector->evaluate(options);
        },
        [this, generation](EvaluationReport report) {
            evaluating_ = false;
            updateButtons();
            if (generation == loadGeneration_)
                showReport(report, tr("%1 test images").arg(report.samples));
        },
        [this](const QString& message) {
            evaluating_ = false;
            updateButtons();
            setStatus(tr("Evaluation failed: %1").arg(message), true);
            emit failed(message);
        });
}

void AttentionPanel::trainQuickModel() {
    const QString dir = checkpointDirectory();
    if (dir.isEmpty() || training_)
        return;
    if (QFileInfo::exists(QDir(dir).filePath(QStringLiteral("attention.json")))) {
        setStatus(
            tr("%1 already holds a checkpoint; choose an empty or new directory to train into.")
                .arg(dir),
            true);
        return;
    }
    training_ = true;
    cancelTraining_ = false;
    progress_->setValue(0);
    progress_->show();
    updateButtons();
    setStatus(tr("Training small_cnn for 1 epoch on %1 Fashion-MNIST training images into %2…")
                  .arg(quickTrainImages_)
                  .arg(dir));
    const std::string out = dir.toStdString();
    const std::string data = dataDirectory_.toStdString();
    const size_t images = quickTrainImages_;
    runAsync<std::string>(
        backgroundPool_,
        [this, out, data, images] {
            const FashionMnist train = FashionMnist::load(data, FashionMnist::Split::Train, images);
            AttentionSplitConfig config;
            config.model = "small_cnn";
            std::unique_ptr<AttentionSplit> model = AttentionSplit::create(config);
            TrainOptions options;
            options.epochs = 1;
            options.progress = [this](const TrainProgress& p) {
                const int pct = p.batches ? int(100 * p.batch / p.batches) : 0;
                QMetaObject::invokeMethod(
                    this,
                    [this, pct] {
                        progress_->setValue(pct);
                        emit trainingProgress(pct);
                    },
                    Qt::QueuedConnection);
            };
            options.cancelled = [this] { return cancelTraining_.load(); };
            const TrainSummary summary = AttentionTrainer(*model).train(train, options);
            if (summary.cancelled)
                throw std::runtime_error("training cancelled; nothing was written");
            model->save(out, AttentionTrainer::summaryJson(options, summary, train.size()));
            return out;
        },
        [this](std::string out) {
            training_ = false;
            progress_->hide();
            updateButtons();
            const QString dir = QString::fromStdString(out);
            emit trainingFinished(dir);
            setCheckpointDirectory(dir);
            loadCheckpoint(dir);
        },
        [this](const QString& message) {
            training_ = false;
            progress_->hide();
            updateButtons();
            setStatus(tr("Quick training stopped: %1").arg(message), true);
            emit failed(message);
        });
}

void AttentionPanel::cancelTraining() {
    cancelTraining_ = true;
}

int AttentionPanel::sampleIndex() const {
    return sample_->value();
}

double AttentionPanel::share() const {
    return double(shareSlider_->value()) / kShareSteps;
}

void AttentionPanel::showSample(int index) {
    sample_->setValue(index);
}

void AttentionPanel::setShare(double share) {
    shareSlider_->setValue(int(std::lround(std::clamp(share, 0.0, 1.0) * kShareSteps)));
}

bool AttentionPanel::exportPng(const QString& file) {
    return grab().save(file, "PNG");
}

void AttentionPanel::requestInspection() {
    if (!inspector_)
        return;
    if (inspecting_) { // coalesce: only the latest index/share matters
        inspectAgain_ = true;
        return;
    }
    inspecting_ = true;
    const std::shared_ptr<const AttentionInspector> inspector = inspector_;
    const uint64_t generation = loadGeneration_;
    const size_t index = size_t(sample_->value());
    const double s = share();
    runAsync<AttentionInspection>(
        interactivePool_, [inspector, index, s] { return inspector->inspect(index, s); },
        [this, generation](AttentionInspection r) {
            inspecting_ = false;
            const bool stale = generation != loadGeneration_ || int(r.index) != sample_->value() ||
                               r.share != share();
            if (!stale)
                showInspection(r);
            if (stale || inspectAgain_) {
                inspectAgain_ = false;
                requestInspection();
            }
        },
        [this](const QString& message) {
            inspecting_ = false;
            inspectAgain_ = false;
            setStatus(tr("Cannot inspect test image %1: %2").arg(sample_->value()).arg(message),
                      true);
            emit failed(message);
        });
}

void AttentionPanel::showInspection(const AttentionInspection& r) {
    inspection_ = r;
    inspectionValid_ = true;

    // Input and overlay: pixel (x, y) centred at integer coordinates.
    for (QCPColorMap* map : {imageMap_, overlayImageMap_}) {
        map->data()->setSize(r.cols, r.rows);
        map->data()->setRange(QCPRange(0, r.cols - 1), QCPRange(0, r.rows - 1));
        for (int y = 0; y < r.rows; ++y)
            for (int x = 0; x < r.cols; ++x)
                map->data()->setCell(x, y, r.pixels[size_t(y) * size_t(r.cols) + size_t(x)]);
    }
    // Ms at feature resolution: cell (i, j) covers image pixels [i * cols / W, (i + 1) * cols / W).
    const int fh = int(r.featureShape.height), fw = int(r.featureShape.width);
    const double sx = double(r.cols) / fw, sy = double(r.rows) / fh;
    heatMap_->data()->setSize(fw, fh);
    heatMap_->data()->setRange(QCPRange(0.5 * sx - 0.5, (fw - 0.5) * sx - 0.5),
                               QCPRange(0.5 * sy - 0.5, (fh - 0.5) * sy - 0.5));
    for (int y = 0; y < fh; ++y)
        for (int x = 0; x < fw; ++x)
            heatMap_->data()->setCell(x, y, r.spatialWeights[size_t(y) * size_t(fw) + size_t(x)]);
    heatMap_->data()->fillAlpha(120); // translucent: the image shows through
    heatMap_->rescaleDataRange(true);

    // Channel bars: ranked; the first keptChannels stay on the edge.
    const std::vector<float> sorted = r.sortedChannelWeights();
    const int channels = int(sorted.size());
    QVector<double> keptKeys, keptValues, offKeys, offValues;
    for (int i = 0; i < channels; ++i) {
        (i < r.keptChannels ? keptKeys : offKeys).push_back(i);
        (i < r.keptChannels ? keptValues : offValues).push_back(sorted[size_t(i)]);
    }
    keptBars_->setData(keptKeys, keptValues, true);
    offloadedBars_->setData(offKeys, offValues, true);
    keptBars_->setName(tr("kept on the edge: %1 maps").arg(r.keptChannels));
    offloadedBars_->setName(tr("offloaded to the cloud (int8): %1 maps").arg(r.offloadedChannels));
    const double cut = r.keptChannels - 0.5;
    cutLine_->point1->setCoords(cut, 0);
    cutLine_->point2->setCoords(cut, 1);
    cutText_->position->setCoords(std::clamp(cut, 2.0, channels - 3.0), 1.06);
    cutText_->setText(
        tr("cut: edge ◀ %1 | %2 ▶ cloud").arg(r.keptChannels).arg(r.offloadedChannels));
    QSharedPointer<QCPAxisTickerText> ticks(new QCPAxisTickerText);
    const int step = channels <= 48 ? 1 : (channels + 47) / 48;
    for (int i = 0; i < channels; i += step)
        ticks->addTick(i, QString::number(r.channelOrder[size_t(i)]));
    channelPlot_->xAxis->setTicker(ticks);
    channelPlot_->xAxis->setTickLabelRotation(channels > 24 ? 90 : 0);
    channelPlot_->xAxis->setRange(-0.7, channels - 0.3);
    channelTitle_->setText(tr("Channel importance Mc of the %1 maps at %2, ranked (share %3: the "
                              "first %4 stay on the edge)")
                               .arg(channels)
                               .arg(QString::fromStdString(inspector_->model().config().splitLayer))
                               .arg(r.share, 0, 'f', 1)
                               .arg(r.keptChannels));

    // Predictions.
    const OutputPrediction* outputs[3] = {&r.edge, &r.cloud, &r.fused};
    const QColor colours[3] = {edgeColor(), cloudColor(), fusedColor()};
    const QString outputDetail[3] = {tr("%1 maps").arg(r.keptChannels),
                                     tr("%1 maps, int8").arg(r.offloadedChannels), tr("returned")};
    for (int o = 0; o < 3; ++o) {
        const OutputPrediction& p = *outputs[o];
        auto set = [&](int column, const QString& text) {
            auto* item = new QTableWidgetItem(text);
            if (column == 0)
                item->setForeground(colours[o].darker(120));
            predictions_->setItem(o, column, item);
        };
        set(0, tr("%1 (%2)").arg(tr(kOutputNames[o]), outputDetail[o]));
        if (!p.available) {
            set(1, tr("— not used at this share"));
            for (int c = 2; c < 5; ++c)
                set(c, QString());
        } else {
            const int second = p.ranking.size() > 1 ? p.ranking[1] : p.predicted;
            set(1, QString::fromUtf8(FashionMnist::className(p.predicted)));
            set(2, percent(p.probabilities[size_t(p.predicted)]));
            set(3, tr("%1 (%2)").arg(QString::fromUtf8(FashionMnist::className(second)),
                                     percent(p.probabilities[size_t(second)])));
            set(4, p.predicted == r.label ? tr("✔ yes") : tr("✘ no"));
        }
        QVector<double> keys, values;
        if (p.available)
            for (int c = 0; c < int(p.probabilities.size()); ++c) {
                keys.push_back(c);
                values.push_back(p.probabilities[size_t(c)]);
            }
        probabilityBars_[o]->setData(keys, values, true);
    }
    truthBand_->topLeft->setCoords(r.label - 0.5, 1.02);
    truthBand_->bottomRight->setCoords(r.label + 0.5, 0);
    truth_->setText(
        tr("Test image <b>#%1</b> — ground truth: <b>%2</b> (shaded) — fused prediction: <b>%3</b>")
            .arg(r.index)
            .arg(QString::fromUtf8(FashionMnist::className(r.label)),
                 QString::fromUtf8(FashionMnist::className(r.fused.predicted))));

    updateShareLabel();
    for (QCustomPlot* p : {imagePlot_, heatPlot_, channelPlot_, probabilityPlot_})
        p->replot();
    emit inspectionShown(int(r.index), r.share);
    maybeReady();
}

void AttentionPanel::showReport(const EvaluationReport& report, const QString& source) {
    report_ = report;
    reportValid_ = true;
    QVector<double> shares, accuracy, edgeKept, cloudOnly, wire;
    QVector<double> edgeShares, cloudShares;
    for (const ShareEvaluation& s : report.shares) {
        shares.push_back(s.share);
        accuracy.push_back(100.0 * s.accuracy);
        wire.push_back(s.meanWireBytes);
        if (s.edgeKeptAccuracy >= 0) {
            edgeShares.push_back(s.share);
            edgeKept.push_back(100.0 * s.edgeKeptAccuracy);
        }
        if (s.cloudOnlyAccuracy >= 0) {
            cloudShares.push_back(s.share);
            cloudOnly.push_back(100.0 * s.cloudOnlyAccuracy);
        }
    }
    accuracyGraph_->setData(shares, accuracy, true);
    edgeKeptGraph_->setData(edgeShares, edgeKept, true);
    cloudOnlyGraph_->setData(cloudShares, cloudOnly, true);
    bytesGraph_->setData(shares, wire, true);
    unsplitLine_->setVisible(true);
    unsplitLine_->point1->setCoords(0, 100.0 * report.unsplitAccuracy);
    unsplitLine_->point2->setCoords(1, 100.0 * report.unsplitAccuracy);

    // Accuracy axis: tight around the fused curve and the unsplit model; the tails alone may
    // drop far below and are then clipped rather than flattening the curve that matters.
    double lo = 100.0 * report.unsplitAccuracy, hi = lo;
    for (double a : accuracy) {
        lo = std::min(lo, a);
        hi = std::max(hi, a);
    }
    const double pad = std::max(1.0, 0.35 * (hi - lo));
    accuracyPlot_->yAxis->setRange(std::max(0.0, lo - 2.5 * pad), std::min(100.0, hi + pad));
    double maxBytes = 1;
    for (double b : wire)
        maxBytes = std::max(maxBytes, b);
    accuracyPlot_->yAxis2->setRange(0, maxBytes * 1.1);
    accuracyTitle_->setText(tr("Accuracy vs offload share (%1; unsplit edge model %2, dash-dot)")
                                .arg(source, percent(report.unsplitAccuracy, 2)));
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
    if (reportValid_)
        for (const ShareEvaluation& e : report_.shares)
            if (std::abs(e.share - s) < 1e-9) {
                key.push_back(e.share);
                value.push_back(100.0 * e.accuracy);
            }
    shareMarker_->setData(key, value, true);
    accuracyPlot_->replot();
}

void AttentionPanel::updateShareLabel() {
    const double s = share();
    QString text = tr("<b>%1</b>").arg(s, 0, 'f', 1);
    if (inspectionValid_ && std::abs(inspection_.share - s) < 1e-9) {
        text +=
            tr(" — %1 maps kept on the edge, %2 offloaded: %3 on the wire (int8), %4 as float32")
                .arg(inspection_.keptChannels)
                .arg(inspection_.offloadedChannels)
                .arg(bytes(double(inspection_.wireBytes)), bytes(double(inspection_.float32Bytes)));
    }
    if (reportValid_)
        for (const ShareEvaluation& e : report_.shares)
            if (std::abs(e.share - s) < 1e-9)
                text += tr("; accuracy %1 (%2 pp vs unsplit)")
                            .arg(percent(e.accuracy, 2))
                            .arg(100.0 * (e.accuracy - report_.unsplitAccuracy), 0, 'f', 2);
    shareLabel_->setText(text);
}

void AttentionPanel::updateButtons() {
    const bool busy = loading_ || training_;
    const bool hasCheckpoint =
        QFileInfo::exists(QDir(checkpointDirectory()).filePath(QStringLiteral("attention.json")));
    load_->setEnabled(!busy);
    browse_->setEnabled(!busy);
    // Training only into a directory without a checkpoint: it never overwrites one.
    train_->setEnabled(training_ || (!busy && !hasCheckpoint && !checkpointDirectory().isEmpty()));
    train_->setText(training_ ? tr("Cancel training") : tr("&Train quick model"));
    evaluate_->setEnabled(inspector_ && !evaluating_);
    loadReport_->setEnabled(inspector_ != nullptr || loading_);
    for (QWidget* w : std::initializer_list<QWidget*>{sample_, prev_, next_, random_, shareSlider_})
        w->setEnabled(inspector_ != nullptr);
}

void AttentionPanel::setStatus(const QString& text, bool error) {
    status_->setStyleSheet(error ? QStringLiteral("color: #b00020;") : QString());
    status_->setText(text);
}

void AttentionPanel::keepImageSquare(QCustomPlot* plot) {
    if (!inspectionValid_ || plot->axisRect()->width() <= 0 || plot->axisRect()->height() <= 0)
        return;
    // Full image extent, then widen whichever axis has room so that a pixel stays square.
    plot->xAxis->setRange(-0.5, inspection_.cols - 0.5);
    plot->yAxis->setRange(-0.5, inspection_.rows - 0.5);
    const double pxPerCol = plot->axisRect()->width() / double(inspection_.cols);
    const double pxPerRow = plot->axisRect()->height() / double(inspection_.rows);
    if (pxPerCol > pxPerRow)
        plot->xAxis->setScaleRatio(plot->yAxis, 1.0);
    else
        plot->yAxis->setScaleRatio(plot->xAxis, 1.0);
}

void AttentionPanel::maybeReady() {
    if (inspector_ && inspectionValid_ && reportValid_)
        emit ready();
}

} // namespace dvfo
