#include "widgets/boarddialog.h"

#include "core/board/boardspec.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QToolButton>

namespace dvfo {

BoardDialog::BoardDialog(QWidget* parent, const BoardEntry& e) : QDialog(parent), base_(e) {
    setWindowTitle(e.name.empty() ? tr("Add board")
                                  : tr("Edit board %1").arg(QString::fromStdString(e.name)));
    auto* form = new QFormLayout;
    name_ = new QLineEdit(QString::fromStdString(e.name));
    name_->setPlaceholderText(tr("e.g. nx-lab-1"));
    host_ = new QLineEdit(QString::fromStdString(e.host));
    host_->setPlaceholderText(tr("host, address or ~/.ssh/config alias"));
    port_ = new QSpinBox;
    port_->setRange(0, 65535);
    port_->setSpecialValueText(tr("from ssh config (22)"));
    port_->setValue(e.port);
    user_ = new QLineEdit(QString::fromStdString(e.user));
    user_->setPlaceholderText(tr("from ssh config or local user"));
    identity_ = new QLineEdit(QString::fromStdString(e.identityFile));
    identity_->setPlaceholderText(tr("ssh-agent and default keys"));
    auto* browse = new QToolButton;
    browse->setText(QStringLiteral("…"));
    connect(browse, &QToolButton::clicked, this, [this] {
        const QString f =
            QFileDialog::getOpenFileName(this, tr("Private key"), QDir::homePath() + "/.ssh");
        if (!f.isEmpty())
            identity_->setText(f);
    });
    auto* idRow = new QHBoxLayout;
    idRow->addWidget(identity_);
    idRow->addWidget(browse);
    group_ = new QLineEdit(QString::fromStdString(e.group));
    agentPath_ = new QLineEdit(QString::fromStdString(e.agentPath));
    emulate_ = new QComboBox;
    emulate_->addItem(tr("Real hardware (sysfs)"), QString());
    for (const auto& id : BoardSpec::builtinIds())
        emulate_->addItem(tr("Emulated %1").arg(QString::fromStdString(id)),
                          QString::fromStdString(id));
    emulate_->setCurrentIndex(std::max(0, emulate_->findData(QString::fromStdString(e.emulate))));

    form->addRow(tr("&Name:"), name_);
    form->addRow(tr("&Host:"), host_);
    form->addRow(tr("&Port:"), port_);
    form->addRow(tr("&User:"), user_);
    form->addRow(tr("&Identity file:"), idRow);
    form->addRow(tr("&Group:"), group_);
    form->addRow(tr("&Agent path:"), agentPath_);
    form->addRow(tr("&Mode:"), emulate_);
    buttons_ = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    connect(buttons_, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons_);
    connect(name_, &QLineEdit::textChanged, this, &BoardDialog::validate);
    connect(host_, &QLineEdit::textChanged, this, &BoardDialog::validate);
    validate();
}

void BoardDialog::validate() {
    const QString n = name_->text().trimmed();
    const bool ok = !n.isEmpty() && !host_->text().trimmed().isEmpty() &&
                    !n.startsWith("emulated:") && !n.contains(' ') && !n.contains('/');
    buttons_->button(QDialogButtonBox::Ok)->setEnabled(ok);
}

BoardEntry BoardDialog::entry() const {
    BoardEntry e = base_;
    e.name = name_->text().trimmed().toStdString();
    e.host = host_->text().trimmed().toStdString();
    e.port = port_->value();
    e.user = user_->text().trimmed().toStdString();
    e.identityFile = identity_->text().trimmed().toStdString();
    e.group = group_->text().trimmed().toStdString();
    e.agentPath = agentPath_->text().trimmed().toStdString();
    e.emulate = emulate_->currentData().toString().toStdString();
    return e;
}

} // namespace dvfo
