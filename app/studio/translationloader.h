#pragma once
#include <QLocale>

class QCoreApplication;

namespace dvfo {

// Installs the studio's embedded catalogue (:/i18n/dvfo_studio_<lang>.qm) for the first of the
// locale's UI languages it has, plus Qt's own qtbase_<lang>.qm from
// QLibraryInfo::path(QLibraryInfo::TranslationsPath) when that file exists (standard buttons,
// dialogs). English is the source language: a locale that prefers English, or one the studio has
// no catalogue for, silently keeps the English strings (and Qt's, so the UI is not half
// translated). Call it after the application object exists and before any widget is built.
// Calling it again replaces the translators it installed before.
void installTranslations(QCoreApplication& app, const QLocale& locale = QLocale());

} // namespace dvfo
