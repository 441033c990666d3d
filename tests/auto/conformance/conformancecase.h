#pragma once

// A conformance case is one .siddhi file under tests/conformance/: the app, then its input and
// the output it must produce, in comment blocks so the file stays a runnable app:
//
//   -- input:
//   -- {"stream":"S","timestamp":1000,"data":["IBM",75.6,100]}
//   -- {"time":6000}
//   -- expect:
//   -- {"stream":"Out","timestamp":1000,"type":"current","data":["IBM",75.6]}
//
// Optional lines: `-- emit: A,B` (print only these streams), `-- exit: 3` (expected status).
// Outputs are compared line by line, in order.

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QStringList>

struct ConformanceCase
{
    QString path;
    QByteArray app;
    QList<QByteArray> input;
    QList<QByteArray> expected;
    QStringList emit;
    int exitCode = 0;

    static QString root() { return QStringLiteral(RIVULET_SOURCE_DIR "/tests/conformance"); }

    static QStringList files()
    {
        QStringList out;
        QDirIterator it(root(), {QStringLiteral("*.siddhi")}, QDir::Files,
                        QDirIterator::Subdirectories);
        while (it.hasNext())
            out << it.next();
        out.sort();
        return out;
    }

    bool load(const QString &file, QString *error)
    {
        path = file;
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly)) {
            *error = f.errorString();
            return false;
        }
        app = f.readAll();
        enum { None, Input, Expect } section = None;
        for (QByteArray line : app.split('\n')) {
            line = line.trimmed();
            if (!line.startsWith("--")) {
                section = None;
                continue;
            }
            const QByteArray body = line.mid(2).trimmed();
            if (body == "input:") {
                section = Input;
            } else if (body == "expect:") {
                section = Expect;
            } else if (body.startsWith("emit:")) {
                for (const QByteArray &s : body.mid(5).split(','))
                    if (!s.trimmed().isEmpty())
                        emit << QString::fromUtf8(s.trimmed());
            } else if (body.startsWith("exit:")) {
                exitCode = body.mid(5).trimmed().toInt();
            } else if (body.startsWith('{')) {
                if (section == Input)
                    input << body;
                else if (section == Expect)
                    expected << body;
            }
        }
        return true;
    }
};
