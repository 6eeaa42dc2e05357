#pragma once
#include <QWidget>

class QLabel;
class QPushButton;
class QTableView;

namespace dvfo {

class ProfileStore;
class SessionListModel;

// Sessions browser over the workspace: rename (edit the name in place), delete (after asking),
// open in the result views, compare two, resume an unfinished one, export CSV or JSON.
class SessionsPanel : public QWidget {
    Q_OBJECT
public:
    explicit SessionsPanel(ProfileStore* store, QWidget* parent = nullptr);

    SessionListModel* model() const { return model_; }
    QTableView* table() const { return table_; }
    void reload();
    void selectSession(int64_t id);
    QList<qint64> selectedSessions() const;
    // Deletes the selected sessions; `confirm` false skips the question (tests).
    void deleteSelected(bool confirm = true);
    bool exportSession(qint64 id, const QString& file); // format by extension: .json, else CSV
    QString statusText() const;

signals:
    void openRequested(qint64 id);
    void compareRequested(qint64 a, qint64 b);
    void resumeRequested(qint64 id);

private:
    void updateButtons();
    void setStatus(const QString& text);

    ProfileStore* store_;
    SessionListModel* model_;
    QTableView* table_;
    QPushButton *open_, *compare_, *resume_, *rename_, *delete_, *export_, *refresh_;
    QLabel* status_;
};

} // namespace dvfo
