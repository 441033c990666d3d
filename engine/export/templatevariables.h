#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QStringList>

namespace Rivulet::Export {

// The ${NAME} template variables an app uses (Siddhi's syntax: letters, digits, '_' and '.'),
// in order of first use, each once. Comments are skipped, so a ${VAR} in a comment is not one.
QStringList templateVariables(const QByteArray &source);

// The app with every ${NAME} that has a value replaced by it (outside comments too: a
// comment that shows the variable then shows its value). Names without a value stay.
QByteArray substituteVariables(const QByteArray &source, const QHash<QString, QString> &values);

} // namespace Rivulet::Export
