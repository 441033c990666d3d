#include "templatevariables.h"

#include <QRegularExpression>

namespace Rivulet::Export {

namespace {

const QRegularExpression &variablePattern()
{
    static const QRegularExpression re(QStringLiteral("\\$\\{([A-Za-z_][A-Za-z0-9_.]*)\\}"));
    return re;
}

// The source with comments (-- line, // line, /* block */) blanked out; strings are kept, so a
// '--' inside a quoted value is not taken for a comment.
QString withoutComments(const QString &text)
{
    QString out = text;
    qsizetype i = 0;
    const qsizetype n = out.size();
    while (i < n) {
        const QChar c = out.at(i);
        if (c == u'\'' || c == u'"') {
            const QChar quote = c;
            ++i;
            while (i < n && out.at(i) != quote)
                ++i;
            ++i;
            continue;
        }
        const QChar next = i + 1 < n ? out.at(i + 1) : QChar();
        if ((c == u'-' && next == u'-') || (c == u'/' && next == u'/')) {
            while (i < n && out.at(i) != u'\n')
                out[i++] = u' ';
            continue;
        }
        if (c == u'/' && next == u'*') {
            while (i < n && !(out.at(i) == u'*' && i + 1 < n && out.at(i + 1) == u'/')) {
                if (out.at(i) != u'\n')
                    out[i] = u' ';
                ++i;
            }
            if (i < n)
                out[i++] = u' ';
            if (i < n)
                out[i++] = u' ';
            continue;
        }
        ++i;
    }
    return out;
}

} // namespace

QStringList templateVariables(const QByteArray &source)
{
    QStringList names;
    auto it = variablePattern().globalMatch(withoutComments(QString::fromUtf8(source)));
    while (it.hasNext()) {
        const QString name = it.next().captured(1);
        if (!names.contains(name))
            names << name;
    }
    return names;
}

QByteArray substituteVariables(const QByteArray &source, const QHash<QString, QString> &values)
{
    if (values.isEmpty())
        return source;
    const QString text = QString::fromUtf8(source);
    QString out;
    qsizetype last = 0;
    auto it = variablePattern().globalMatch(text);
    while (it.hasNext()) {
        const auto m = it.next();
        const auto value = values.constFind(m.captured(1));
        if (value == values.cend())
            continue;
        out += QStringView(text).mid(last, m.capturedStart() - last);
        out += *value;
        last = m.capturedEnd();
    }
    out += QStringView(text).mid(last);
    return out.toUtf8();
}

} // namespace Rivulet::Export
