#pragma once
#include "core/board/boardregistry.h"

#include <QDialog>

class QLineEdit;
class QSpinBox;
class QComboBox;
class QDialogButtonBox;

namespace dvfo {

// Add or edit a board reached over SSH. Never asks for or stores a password.
class BoardDialog : public QDialog {
    Q_OBJECT
public:
    explicit BoardDialog(QWidget* parent = nullptr, const BoardEntry& entry = {});
    BoardEntry entry() const;
    QLineEdit* nameEdit() const { return name_; }
    QLineEdit* hostEdit() const { return host_; }

private:
    void validate();

    QLineEdit* name_;
    QLineEdit* host_;
    QSpinBox* port_;
    QLineEdit* user_;
    QLineEdit* identity_;
    QLineEdit* group_;
    QLineEdit* agentPath_;
    QComboBox* emulate_;
    QDialogButtonBox* buttons_;
    BoardEntry base_;
};

} // namespace dvfo
