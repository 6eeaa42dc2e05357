// Not compiled: an lupdate input only (see app/CMakeLists.txt).
//
// These widgets pass strings to tr() through a variable (tr(names[i])), so lupdate cannot see
// them, and the German catalogue would miss them. Marking the arrays in place with
// QT_TR_NOOP("...") makes this file unnecessary; until then it names each string in the context
// its tr() call runs in. lupdate merges a string listed both here and in a widget into one
// message, so marking a widget array does not conflict with this file.
//
// BoardsPanel's and BoardListModel's "connected"/"failed" must translate the same: the model
// compares its state text with its own tr("connected") to colour the State column.
#include <QtGlobal>

static const char* const dvfoDynamicStrings[] = {
    // widgets/attentionpanel.cpp kOutputNames
    QT_TRANSLATE_NOOP("dvfo::AttentionPanel", "Edge tail"),
    QT_TRANSLATE_NOOP("dvfo::AttentionPanel", "Cloud tail"),
    QT_TRANSLATE_NOOP("dvfo::AttentionPanel", "Fused"),
    // widgets/boardspanel.cpp BoardSession::State names, shown in BoardListModel's State column
    QT_TRANSLATE_NOOP("dvfo::BoardsPanel", "disconnected"),
    QT_TRANSLATE_NOOP("dvfo::BoardsPanel", "connecting"),
    QT_TRANSLATE_NOOP("dvfo::BoardsPanel", "connected"),
    QT_TRANSLATE_NOOP("dvfo::BoardsPanel", "busy"),
    QT_TRANSLATE_NOOP("dvfo::BoardsPanel", "failed"),
    // widgets/fleetpanel.cpp BoardSession::State names, shown in FleetModel's connection column
    QT_TRANSLATE_NOOP("dvfo::FleetPanel", "not connected"),
    QT_TRANSLATE_NOOP("dvfo::FleetPanel", "connecting"),
    QT_TRANSLATE_NOOP("dvfo::FleetPanel", "connected"),
    QT_TRANSLATE_NOOP("dvfo::FleetPanel", "busy"),
    QT_TRANSLATE_NOOP("dvfo::FleetPanel", "failed"),
    // widgets/policymapplot.cpp series names
    QT_TRANSLATE_NOOP("dvfo::PolicyMapPlot", "CPU MHz"),
    QT_TRANSLATE_NOOP("dvfo::PolicyMapPlot", "GPU MHz"),
    QT_TRANSLATE_NOOP("dvfo::PolicyMapPlot", "EMC MHz"),
    QT_TRANSLATE_NOOP("dvfo::PolicyMapPlot", "offload share"),
    // widgets/sessionlistmodel.cpp column headers
    QT_TRANSLATE_NOOP("dvfo::SessionListModel", "ID"),
    QT_TRANSLATE_NOOP("dvfo::SessionListModel", "Name"),
    QT_TRANSLATE_NOOP("dvfo::SessionListModel", "Board"),
    QT_TRANSLATE_NOOP("dvfo::SessionListModel", "Model"),
    QT_TRANSLATE_NOOP("dvfo::SessionListModel", "Emulated"),
    QT_TRANSLATE_NOOP("dvfo::SessionListModel", "Status"),
    QT_TRANSLATE_NOOP("dvfo::SessionListModel", "Tuples"),
    QT_TRANSLATE_NOOP("dvfo::SessionListModel", "Records"),
    QT_TRANSLATE_NOOP("dvfo::SessionListModel", "Started"),
    // widgets/trainingcurvesplot.cpp panel titles
    QT_TRANSLATE_NOOP("dvfo::TrainingCurvesPlot", "Episode reward"),
    QT_TRANSLATE_NOOP("dvfo::TrainingCurvesPlot", "Loss (mean Huber)"),
    QT_TRANSLATE_NOOP("dvfo::TrainingCurvesPlot", "Epsilon"),
    QT_TRANSLATE_NOOP("dvfo::TrainingCurvesPlot", "Episode length (steps)"),
    // widgets/trainingrunlistmodel.cpp column headers
    QT_TRANSLATE_NOOP("dvfo::TrainingRunListModel", "Run"),
    QT_TRANSLATE_NOOP("dvfo::TrainingRunListModel", "Name"),
    QT_TRANSLATE_NOOP("dvfo::TrainingRunListModel", "Session"),
    QT_TRANSLATE_NOOP("dvfo::TrainingRunListModel", "Board"),
    QT_TRANSLATE_NOOP("dvfo::TrainingRunListModel", "Model"),
    QT_TRANSLATE_NOOP("dvfo::TrainingRunListModel", "Status"),
    QT_TRANSLATE_NOOP("dvfo::TrainingRunListModel", "Points"),
    QT_TRANSLATE_NOOP("dvfo::TrainingRunListModel", "Started (UTC)"),
};
