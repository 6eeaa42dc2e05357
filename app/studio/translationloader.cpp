#include "app/studio/translationloader.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QLibraryInfo>
#include <QTranslator>

namespace dvfo {

namespace {

const char kTranslatorName[] = "dvfo_installed_translator";

// The catalogue "<dir>/<base>_<name>.qm" for a UI language such as "de-CH", trying "de_CH" then
// "de"; empty if none.
QString findCatalogue(const QString& dir, const QString& base, QString name) {
    name.replace(QLatin1Char('-'), QLatin1Char('_'));
    for (;;) {
        const QString file =
            dir + QLatin1Char('/') + base + QLatin1Char('_') + name + QStringLiteral(".qm");
        if (QFileInfo(file).isFile())
            return file;
        const qsizetype cut = name.lastIndexOf(QLatin1Char('_'));
        if (cut <= 0)
            return {};
        name.truncate(cut);
    }
}

bool install(QCoreApplication& app, const QString& file) {
    auto* translator = new QTranslator(&app);
    translator->setObjectName(QLatin1String(kTranslatorName));
    if (!translator->load(file) || !QCoreApplication::installTranslator(translator)) {
        delete translator;
        return false;
    }
    return true;
}

} // namespace

void installTranslations(QCoreApplication& app, const QLocale& locale) {
    // A translator removes itself from the application when deleted.
    const auto previous =
        app.findChildren<QTranslator*>(QLatin1String(kTranslatorName), Qt::FindDirectChildrenOnly);
    qDeleteAll(previous);

    // uiLanguages() is in order of preference (e.g. LANGUAGE=en:de gives en first): the first
    // language that is English or has a studio catalogue wins. QTranslator::load(QLocale) would
    // skip English, which has no catalogue, and pick German for that user.
    const QString embedded = QStringLiteral(":/i18n");
    for (const QString& language : locale.uiLanguages()) {
        if (QLocale(language).language() == QLocale::English)
            return;
        const QString studio = findCatalogue(embedded, QStringLiteral("dvfo_studio"), language);
        if (studio.isEmpty())
            continue;
        if (!install(app, studio))
            return;
        const QString qtbase = findCatalogue(QLibraryInfo::path(QLibraryInfo::TranslationsPath),
                                             QStringLiteral("qtbase"), language);
        if (!qtbase.isEmpty())
            install(app, qtbase);
        return;
    }
}

} // namespace dvfo
