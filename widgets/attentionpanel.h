#pragma once
// The Attention view: one Fashion-MNIST test image through a trained attention-split model at an
// offload share (input, spatial attention heat map, ranked channel weights with the edge/cloud
// cut, edge/cloud/fused predictions) and the accuracy-vs-share curve with bytes on the wire.
// Model loading, inspection, evaluation and quick training run on worker threads; the GUI
// thread only draws results.
#include "core/attentionstudy/attentioninspector.h"
#include "widgets/attentionviewmodel.h"
#include "widgets/backgroundjobs.h"

#include <QString>
#include <QWidget>

#include <atomic>
#include <functional>
#include <memory>

class QCheckBox;
class QCustomPlot;
class QCPBars;
class QCPColorMap;
class QCPColorScale;
class QCPGraph;
class QCPItemRect;
class QCPItemStraightLine;
class QCPItemText;
class QCPTextElement;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSlider;
class QSpinBox;
class QTableWidget;

namespace dvfo {

class AttentionPanel : public QWidget {
    Q_OBJECT
public:
    explicit AttentionPanel(QWidget* parent = nullptr);
    ~AttentionPanel() override;

    // Fashion-MNIST directory (default FashionMnist::defaultDirectory()); testLimit > 0 loads only
    // the first test images (tests). Applies to the next load.
    void setDataDirectory(const QString& directory, size_t testLimit = 0);
    // What "Train quick model" trains: small_cnn for 1 epoch on the first `images` training images.
    void setQuickTrainingImages(size_t images) { quickTrainImages_ = images; }

    QString checkpointDirectory() const;
    void setCheckpointDirectory(const QString& directory); // the chooser only; does not load
    // Asynchronous; emits modelLoaded or failed. The previous model stays until the new one is in.
    void loadCheckpoint(const QString& directory);
    // Accuracy-vs-share from `dvfo attention evaluate --json` (small file, read at once). When
    // called before the model has loaded, it replaces the automatic evaluation on load.
    bool loadReport(const QString& path);
    // Evaluates the loaded model on the first `testImages` test images in a worker.
    void evaluate(int testImages);
    // Trains small_cnn into checkpointDirectory(), which must not hold a checkpoint yet, then loads
    // it.
    void trainQuickModel();
    void cancelTraining();

    void showSample(int index);
    void setShare(double share); // rounded to the slider's 0.1 steps
    bool exportPng(const QString& file);

    bool hasModel() const { return inspector_ != nullptr; }
    int sampleIndex() const;
    double share() const;
    // What is on screen now (its inspection is valid once inspectionShown was emitted).
    const AttentionViewModel& viewModel() const { return view_; }

    // What the widgets draw, for tests to compare with the view model.
    QCustomPlot* accuracyPlot() const { return accuracyPlot_; }
    QCPColorMap* imageMap() const { return imageMap_; }
    QCPColorMap* heatMap() const { return heatMap_; } // Ms at feature resolution, over the image
    QCPBars* keptChannelBars() const { return keptBars_; }
    QCPBars* offloadedChannelBars() const { return offloadedBars_; }
    QCPItemStraightLine* cutLine() const { return cutLine_; }
    QCPBars* probabilityBars(int output) const {
        return probabilityBars_[output];
    } // 0 edge, 1 cloud, 2 fused
    QTableWidget* predictionTable() const { return predictions_; }
    QCPGraph* accuracyGraph() const { return accuracyGraph_; } // accuracy % per share
    QCPGraph* bytesGraph() const { return bytesGraph_; }       // bytes per sample, right axis
    QCPGraph* shareMarker() const { return shareMarker_; }     // the current share on the curve
    QLabel* statusLabel() const { return status_; }
    QPushButton* trainButton() const { return train_; }

    static QColor edgeColor();
    static QColor cloudColor();
    static QColor fusedColor();

signals:
    void modelLoaded(const QString& checkpoint);
    void inspectionShown(int index, double share);
    void evaluationShown();
    void trainingProgress(int percent);
    void trainingFinished(const QString& checkpoint);
    void failed(const QString& message);
    // A model is loaded and both the current sample and an accuracy curve are on screen.
    void ready();

private:
    void buildPlots();
    void requestInspection();
    void showInspection(const AttentionInspection& r);
    void showReport(const EvaluationReport& report, const QString& source);
    void updateShareMarker();
    void updateButtons();
    void updateShareLabel();
    void setStatus(const QString& text, bool error = false);
    void keepImageSquare(QCustomPlot* plot);
    void maybeReady();

    QString dataDirectory_;
    size_t testLimit_ = 0;
    size_t quickTrainImages_ = 10000;
    QString pendingReport_;

    std::shared_ptr<const AttentionInspector> inspector_;
    AttentionViewModel view_; // flags, inspection and report, and what they derive

    QLineEdit* checkpoint_;
    QPushButton *browse_, *load_, *train_, *evaluate_, *loadReport_, *export_;
    QSpinBox* evalImages_;
    QSpinBox* sample_;
    QPushButton *prev_, *next_, *random_;
    QSlider* shareSlider_;
    QLabel* shareLabel_;
    QLabel* truth_;
    QLabel* status_;
    QProgressBar* progress_;
    QTableWidget* predictions_;

    QCustomPlot *imagePlot_, *heatPlot_, *channelPlot_, *probabilityPlot_, *accuracyPlot_;
    QCPColorMap *imageMap_, *overlayImageMap_, *heatMap_;
    QCPColorScale* heatScale_;
    QCPBars *keptBars_, *offloadedBars_;
    QCPItemStraightLine* cutLine_;
    QCPItemText* cutText_;
    QCPTextElement* channelTitle_;
    QCPBars* probabilityBars_[3];
    QCPItemRect* truthBand_;
    QCPGraph *accuracyGraph_, *edgeKeptGraph_, *cloudOnlyGraph_, *bytesGraph_, *shareMarker_;
    QCPItemStraightLine *unsplitLine_, *shareLine_;
    QCPTextElement* accuracyTitle_;

    // Declared last: destroyed first, so no job outlives the members it reports to.
    BackgroundJobs interactiveJobs_{1}; // inspection: one at a time, never behind a long job
    BackgroundJobs backgroundJobs_{2};  // loading, evaluation, training
};

} // namespace dvfo
