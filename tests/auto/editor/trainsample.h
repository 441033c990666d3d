#pragma once

#include <QByteArray>
#include <QFile>

// The train app the editor tests style, complete and photograph.
inline QByteArray trainSample()
{
    QFile f(QStringLiteral(RIVULET_SOURCE_DIR "/tests/auto/editor/data/TrainLocation.siddhi"));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(f.fileName()));
    return f.readAll();
}
