#pragma once
#include "core/board/boardspec.h"

#include <QWidget>

class QLabel;
class QTreeWidget;

namespace dvfo {

// Shows what a probe found on a board: identity, clock tables per domain, power rails.
class BoardSpecView : public QWidget {
    Q_OBJECT
public:
    explicit BoardSpecView(QWidget* parent = nullptr);
    void setSpec(const BoardSpec& spec, bool emulated);
    void clear();
    QTreeWidget* tree() const { return tree_; }

private:
    QLabel* title_;
    QTreeWidget* tree_;
};

} // namespace dvfo
