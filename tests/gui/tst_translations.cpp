// Studio translations, offscreen: installTranslations() puts the embedded German catalogue in front
// of the widgets' tr() (whose contexts are the meta-objects' names, e.g. dvfo::MainWindow), other
// locales keep the English source strings, and every catalogue in translations/ is finished.
#include "app/studio/translationloader.h"
#include "widgets/boardlistmodel.h"
#include "widgets/boardspanel.h"
#include "widgets/mainwindow.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QPushButton>
#include <QRegularExpression>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QXmlStreamReader>
#include <QtTest>

#include <algorithm>

using namespace dvfo;

namespace {

QStringList tabTexts(const MainWindow& w) {
    QStringList out;
    for (int i = 0; i < w.tabs()->count(); ++i)
        out << w.tabs()->tabText(i);
    return out;
}

QStringList buttonTexts(const QWidget* w) {
    QStringList out;
    for (const QPushButton* b : w->findChildren<QPushButton*>())
        out << b->text();
    return out;
}

// Placeholders a translation must keep: %1..%99 (also %L1) and %n, each as often as the source has
// it.
QStringList placeholders(const QString& s) {
    static const QRegularExpression re(QStringLiteral("%L?(\\d{1,2}|n)"));
    QStringList out;
    for (auto it = re.globalMatch(s); it.hasNext();)
        out << it.next().captured(1);
    std::sort(out.begin(), out.end());
    return out;
}

// Keyboard accelerators: "&x" (not "&&", not "& ").
int accelerators(const QString& s) {
    int n = 0;
    for (qsizetype i = 0; i + 1 < s.size(); ++i) {
        if (s[i] != QLatin1Char('&'))
            continue;
        if (s[i + 1] == QLatin1Char('&')) {
            ++i;
            continue;
        }
        if (!s[i + 1].isSpace())
            ++n;
    }
    return n;
}

struct Message {
    QString context, source, type;
    bool numerus = false;
    QStringList forms; // one translation, or the numerus forms
};

// Every <message> of a .ts file; *language gets the <TS language="..."> attribute.
QList<Message> readTs(const QString& path, QString* language, QString* error) {
    QList<Message> out;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = f.errorString();
        return out;
    }
    QXmlStreamReader xml(&f);
    QString context;
    Message m;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement())
            continue;
        const auto name = xml.name();
        if (name == QLatin1String("TS")) {
            *language = xml.attributes().value(QLatin1String("language")).toString();
        } else if (name == QLatin1String("context")) {
            context.clear();
        } else if (name == QLatin1String("name")) {
            context = xml.readElementText();
        } else if (name == QLatin1String("message")) {
            m = Message{context,
                        {},
                        {},
                        xml.attributes().value(QLatin1String("numerus")) == QLatin1String("yes"),
                        {}};
        } else if (name == QLatin1String("source")) {
            m.source = xml.readElementText();
        } else if (name == QLatin1String("translation")) {
            m.type = xml.attributes().value(QLatin1String("type")).toString();
            if (m.numerus) {
                while (xml.readNextStartElement()) {
                    if (xml.name() == QLatin1String("numerusform"))
                        m.forms << xml.readElementText();
                    else
                        xml.skipCurrentElement();
                }
            } else {
                m.forms << xml.readElementText();
            }
            out << m;
        }
    }
    if (xml.hasError())
        *error = QStringLiteral("%1:%2: %3").arg(path).arg(xml.lineNumber()).arg(xml.errorString());
    return out;
}

} // namespace

class TestTranslations : public QObject {
    Q_OBJECT
    QTemporaryDir home_;

    QString registry() const { return home_.filePath(QStringLiteral("boards.json")); }
    QString workspace() const { return home_.filePath(QStringLiteral("workspace.db")); }

private slots:
    void initTestCase() {
        qputenv("HOME", home_.path().toUtf8());
        qputenv("XDG_CONFIG_HOME", home_.filePath("config").toUtf8());
        qputenv("XDG_DATA_HOME", home_.filePath("data").toUtf8());
        QVERIFY(QFile::exists(QStringLiteral(":/i18n/dvfo_studio_de.qm")));
    }

    void cleanup() { installTranslations(*qApp, QLocale::c()); } // back to English

    void germanReachesTheWidgets() {
        installTranslations(*qApp, QLocale(QLocale::German, QLocale::Germany));
        MainWindow w(nullptr, registry(), workspace());
        QCOMPARE(tabTexts(w), (QStringList{"&Boards", "&Aufmerksamkeit", "&Profilierung",
                                           "&Ergebnisse", "&Sitzungen", "&Training", "&Flotte"}));
        const QStringList buttons = buttonTexts(w.boardsPanel());
        QVERIFY2(buttons.contains("&Verbinden") && buttons.contains("&Trennen"),
                 qPrintable(buttons.join(", ")));
        BoardListModel* model = w.boardsPanel()->model();
        QCOMPARE(
            model->headerData(BoardListModel::State, Qt::Horizontal, Qt::DisplayRole).toString(),
            QString("Zustand"));

        QCOMPARE(QCoreApplication::translate("dvfo::SessionsPanel", "Co&mpare"),
                 QString("&Vergleichen"));
        QCOMPARE(QCoreApplication::translate("dvfo::FleetPanel", "&Deploy bundle…"),
                 QString("Bundle &bereitstellen…"));
        QCOMPARE(QCoreApplication::translate("QObject", "%n frequencies", nullptr, 1),
                 QString("1 Frequenz"));
        QCOMPARE(QCoreApplication::translate("QObject", "%n frequencies", nullptr, 25),
                 QString("25 Frequenzen"));
        // A string the widget hands to tr() through a variable (translations/dynamic_strings.h).
        QCOMPARE(QCoreApplication::translate("dvfo::SessionListModel", "Records"),
                 QString("Datensätze"));

        // BoardsPanel writes tr("connected") into the model, which colours the state by comparing
        // it with its own tr("connected"): both contexts must agree.
        const QString board = QStringLiteral("emulated:xavier-nx");
        model->setState(board, QCoreApplication::translate("dvfo::BoardsPanel", "connected"));
        const QModelIndex state = model->index(model->indexOf(board), BoardListModel::State);
        QCOMPARE(state.data(Qt::DisplayRole).toString(), QString("verbunden"));
        QCOMPARE(state.data(Qt::ForegroundRole).value<QColor>(), QColor(0, 128, 0));
        model->setState(board, QCoreApplication::translate("dvfo::BoardsPanel", "failed"));
        QCOMPARE(state.data(Qt::ForegroundRole).value<QColor>(), QColor(180, 0, 0));
    }

    void regionalGermanFallsBackToGerman() {
        installTranslations(*qApp, QLocale(QLocale::German, QLocale::Switzerland));
        QCOMPARE(QCoreApplication::translate("dvfo::MainWindow", "&Profile"),
                 QString("&Profilierung"));
    }

    void otherLocalesKeepEnglish_data() {
        QTest::addColumn<QLocale>("locale");
        QTest::newRow("fr_FR") << QLocale(QLocale::French, QLocale::France);
        QTest::newRow("en_US") << QLocale(QLocale::English, QLocale::UnitedStates);
        QTest::newRow("en_GB") << QLocale(QLocale::English, QLocale::UnitedKingdom);
        QTest::newRow("C") << QLocale::c();
    }

    void otherLocalesKeepEnglish() {
        QFETCH(QLocale, locale);
        installTranslations(*qApp, QLocale(QLocale::German, QLocale::Germany));
        installTranslations(*qApp, locale); // replaces the German translators
        QCOMPARE(QCoreApplication::translate("dvfo::MainWindow", "&Profile"), QString("&Profile"));
        MainWindow w(nullptr, registry(), workspace());
        QCOMPARE(tabTexts(w), (QStringList{"&Boards", "&Attention", "&Profile", "&Results",
                                           "&Sessions", "&Training", "&Fleet"}));
        QVERIFY(buttonTexts(w.boardsPanel()).contains("&Connect"));
    }

    // lrelease ships unfinished messages as untranslated and drops vanished ones without a word;
    // a changed source string leaves exactly those behind. Run the update_translations target,
    // translate, and this passes again.
    void cataloguesAreFinished() {
        const QDir dir(QStringLiteral(DVFO_TRANSLATIONS_DIR));
        const QStringList files = dir.entryList({QStringLiteral("*.ts")}, QDir::Files, QDir::Name);
        QVERIFY2(files.contains("dvfo_studio_de.ts"),
                 qPrintable(dir.path() + ": " + files.join(", ")));
        for (const QString& file : files) {
            QString language, error;
            const QList<Message> messages = readTs(dir.filePath(file), &language, &error);
            QVERIFY2(error.isEmpty(), qPrintable(error));
            QVERIFY2(messages.size() > 100, qPrintable(file));
            // dvfo_studio_de.ts must say language="de..." (lrelease takes the plural rules from
            // it).
            const QString fileLanguage =
                QFileInfo(file).completeBaseName().section(QLatin1Char('_'), 2, -1);
            QVERIFY2(language.startsWith(fileLanguage),
                     qPrintable(file + ": language=" + language));
            const int forms = QLocale(language).language() == QLocale::German ? 2 : 0;
            QStringList problems;
            for (const Message& m : messages) {
                const QString where = m.context + " \"" + m.source + "\": ";
                if (!m.type.isEmpty()) { // unfinished, vanished or obsolete
                    problems << where + m.type;
                    continue;
                }
                if (forms && m.numerus && m.forms.size() != forms)
                    problems << where + QString::number(m.forms.size()) + " numerus forms";
                for (const QString& t : m.forms) {
                    if (t.isEmpty())
                        problems << where + "empty translation";
                    else if (m.numerus ? !t.contains("%n")
                                       : placeholders(t) != placeholders(m.source))
                        problems << where + "placeholders differ in \"" + t + "\"";
                    else if (accelerators(t) != accelerators(m.source))
                        problems << where + "accelerator (&) lost or added in \"" + t + "\"";
                }
            }
            QVERIFY2(problems.isEmpty(), qPrintable(file + ":\n" + problems.join("\n")));
        }
    }
};

QTEST_MAIN(TestTranslations)
#include "tst_translations.moc"
