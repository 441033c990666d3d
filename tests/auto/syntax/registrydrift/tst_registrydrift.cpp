// resources/syntax/siddhi.xml is generated from the engine's registry and committed. These tests
// fail when the two drift apart (a built-in added without regenerating the file), and check
// that the file is a well-formed definition whose rules refer only to things it defines.
#include "katesyntax.h"

#include "engine/lang/keywords.h"
#include "engine/lang/registry.h"

#include <QFile>
#include <QMap>
#include <QSet>
#include <QTest>
#include <QXmlStreamReader>

using namespace Rivulet::Lang;

namespace {

const char kRegenerate[] =
    "Regenerate it from the registry with `cmake --build <build dir> --target update-syntax` "
    "and commit resources/syntax/siddhi.xml.";

QString committedPath()
{
    return QStringLiteral(RIVULET_SOURCE_DIR "/resources/syntax/siddhi.xml");
}

// What the committed definition holds, read with a plain XML reader.
struct Definition
{
    QString error;
    QMap<QString, QStringList> lists;  // list name -> items
    QSet<QString> contexts;            // context names
    QSet<QString> itemDatas;           // itemData names
    QStringList contextReferences;     // context="..." of contexts and rules
    QStringList attributeReferences;   // attribute="..." of contexts and rules
    QStringList keywordListReferences; // String="..." of keyword rules
};

Definition readDefinition(const QByteArray &xml)
{
    Definition d;
    QXmlStreamReader reader(xml);
    QString currentList;
    while (!reader.atEnd()) {
        reader.readNext();
        if (!reader.isStartElement())
            continue;
        const QStringView tag = reader.name();
        const QXmlStreamAttributes attrs = reader.attributes();
        if (tag == u"list") {
            currentList = attrs.value(QLatin1String("name")).toString();
            d.lists.insert(currentList, {});
        } else if (tag == u"item") {
            d.lists[currentList] << reader.readElementText().trimmed();
        } else if (tag == u"itemData") {
            d.itemDatas.insert(attrs.value(QLatin1String("name")).toString());
        } else if (tag == u"keywords" || tag == u"comment" || tag == u"comments"
                   || tag == u"general" || tag == u"language" || tag == u"highlighting"
                   || tag == u"contexts" || tag == u"itemDatas") {
            continue;
        } else {
            if (tag == u"context")
                d.contexts.insert(attrs.value(QLatin1String("name")).toString());
            for (const char *key : {"context", "lineEndContext", "fallthroughContext"}) {
                if (attrs.hasAttribute(QLatin1String(key)))
                    d.contextReferences << attrs.value(QLatin1String(key)).toString();
            }
            if (attrs.hasAttribute(QLatin1String("attribute")))
                d.attributeReferences << attrs.value(QLatin1String("attribute")).toString();
            if (tag == u"keyword")
                d.keywordListReferences << attrs.value(QLatin1String("String")).toString();
        }
    }
    if (reader.hasError()) {
        d.error = QStringLiteral("line %1: %2").arg(reader.lineNumber()).arg(reader.errorString());
    }
    return d;
}

// The lists the definition must hold, worked out from the registry and the keyword table.
QMap<QString, QStringList> expectedLists()
{
    QMap<QString, QStringList> out;
    for (const KeywordInfo &info : keywordTable()) {
        QString list;
        switch (info.category) {
        case KeywordCategory::Reserved:
            list = QStringLiteral("keywords");
            break;
        case KeywordCategory::Type:
            list = QStringLiteral("types");
            break;
        case KeywordCategory::TimeUnit:
            list = QStringLiteral("time units");
            break;
        case KeywordCategory::Literal:
            list = QStringLiteral("literals");
            break;
        }
        out[list] << info.spellings;
    }
    for (const BuiltinSpec &spec : Registry::builtins().specs()) {
        QString list;
        switch (spec.kind) {
        case BuiltinKind::Function:
            list = QStringLiteral("functions");
            break;
        case BuiltinKind::Aggregate:
            list = QStringLiteral("aggregates");
            break;
        case BuiltinKind::Window:
            list = QStringLiteral("windows");
            break;
        case BuiltinKind::StreamProcessor:
            list = QStringLiteral("stream processors");
            break;
        default:
            continue; // transports and mappers are option values, not highlighted words
        }
        out[spec.ns.isEmpty() ? list : spec.ns + u' ' + list] << spec.name;
    }
    return out;
}

// The items of a that are not in b, ignoring case (as the engine and the definition do).
QString missingFrom(const QStringList &a, const QStringList &b)
{
    QSet<QString> lower;
    for (const QString &item : b)
        lower.insert(item.toLower());
    QStringList out;
    for (const QString &item : a) {
        if (!lower.contains(item.toLower()))
            out << item;
    }
    out.sort(Qt::CaseInsensitive);
    out.removeDuplicates();
    return out.join(QStringLiteral(", "));
}

} // namespace

class tst_RegistryDrift : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void committedFileIsWhatTheRegistryGenerates();
    void fileIsWellFormed();
    void listsMatchRegistry_data();
    void listsMatchRegistry();
    void noListBeyondTheRegistry();
    void everyListIsUsed();
    void referencesResolve();

private:
    QByteArray m_committed;
    Definition m_definition;
};

void tst_RegistryDrift::initTestCase()
{
    QFile file(committedPath());
    QVERIFY2(file.open(QIODevice::ReadOnly),
             qPrintable(committedPath() + QStringLiteral(": ") + file.errorString()));
    m_committed = file.readAll();
    m_definition = readDefinition(m_committed);
}

void tst_RegistryDrift::committedFileIsWhatTheRegistryGenerates()
{
    const QByteArray generated = Rivulet::Syntax::generateKateSyntax(Registry::builtins());
    if (generated == m_committed)
        return;
    const QList<QByteArray> committedLines = m_committed.split('\n');
    const QList<QByteArray> generatedLines = generated.split('\n');
    qsizetype line = 0;
    while (line < committedLines.size() && line < generatedLines.size()
           && committedLines[line] == generatedLines[line])
        ++line;
    auto at = [line](const QList<QByteArray> &lines) {
        return line < lines.size() ? QString::fromUtf8(lines[line].trimmed())
                                   : QStringLiteral("(end of file)");
    };
    QFAIL(qPrintable(
        QStringLiteral("%1:%2: the committed syntax definition differs from what "
                       "the engine's registry generates.\n   committed: %3\n"
                       "   generated: %4\n   %5")
            .arg(committedPath())
            .arg(line + 1)
            .arg(at(committedLines), at(generatedLines), QString::fromUtf8(kRegenerate))));
}

void tst_RegistryDrift::fileIsWellFormed()
{
    // KSyntaxHighlighting silently ignores a definition it cannot parse (for example one with
    // "--" inside an XML comment), so check what it would stumble on.
    QVERIFY2(m_definition.error.isEmpty(), qPrintable(committedPath() + u':' + m_definition.error));
    QVERIFY(m_committed.contains("<language name=\"SiddhiQL\""));
    QVERIFY(m_committed.contains("extensions=\"*.siddhi\""));
    QVERIFY(m_committed.contains("mimetype=\"text/x-siddhi\""));
}

void tst_RegistryDrift::listsMatchRegistry_data()
{
    QTest::addColumn<QString>("list");
    QTest::addColumn<QStringList>("expected");
    const QMap<QString, QStringList> expected = expectedLists();
    for (auto it = expected.cbegin(); it != expected.cend(); ++it)
        QTest::newRow(qPrintable(it.key())) << it.key() << it.value();
}

void tst_RegistryDrift::listsMatchRegistry()
{
    QFETCH(QString, list);
    QFETCH(QStringList, expected);
    QVERIFY2(m_definition.lists.contains(list),
             qPrintable(QStringLiteral("siddhi.xml has no list '%1'. %2")
                            .arg(list, QString::fromUtf8(kRegenerate))));
    const QStringList have = m_definition.lists.value(list);
    const QString missing = missingFrom(expected, have);
    const QString stale = missingFrom(have, expected);
    QVERIFY2(missing.isEmpty() && stale.isEmpty(),
             qPrintable(QStringLiteral("list '%1' of siddhi.xml differs from the registry: "
                                       "missing [%2], not in the registry [%3]. %4")
                            .arg(list, missing, stale, QString::fromUtf8(kRegenerate))));
}

void tst_RegistryDrift::noListBeyondTheRegistry()
{
    const QMap<QString, QStringList> expected = expectedLists();
    for (auto it = m_definition.lists.cbegin(); it != m_definition.lists.cend(); ++it) {
        QVERIFY2(expected.contains(it.key()),
                 qPrintable(QStringLiteral("siddhi.xml has a list '%1' that nothing in the "
                                           "registry fills. %2")
                                .arg(it.key(), QString::fromUtf8(kRegenerate))));
    }
}

void tst_RegistryDrift::everyListIsUsed()
{
    for (auto it = m_definition.lists.cbegin(); it != m_definition.lists.cend(); ++it) {
        QVERIFY2(
            m_definition.keywordListReferences.contains(it.key()),
            qPrintable(QStringLiteral("no rule highlights the words of list '%1'").arg(it.key())));
    }
    for (const QString &list : m_definition.keywordListReferences) {
        QVERIFY2(
            m_definition.lists.contains(list),
            qPrintable(QStringLiteral("a keyword rule uses the undefined list '%1'").arg(list)));
    }
}

void tst_RegistryDrift::referencesResolve()
{
    for (const QString &reference : std::as_const(m_definition.contextReferences)) {
        // #stay, #pop, #pop#pop, #pop!Name, ##OtherDefinition, Name
        QString name = reference;
        if (name.startsWith(QLatin1String("##")))
            continue;
        while (name.startsWith(QLatin1String("#pop")))
            name = name.mid(4);
        if (name.startsWith(u'!'))
            name = name.mid(1);
        if (name.isEmpty() || name == QLatin1String("#stay"))
            continue;
        QVERIFY2(m_definition.contexts.contains(name),
                 qPrintable(QStringLiteral("undefined context '%1'").arg(reference)));
    }
    for (const QString &attribute : std::as_const(m_definition.attributeReferences)) {
        QVERIFY2(m_definition.itemDatas.contains(attribute),
                 qPrintable(QStringLiteral("undefined itemData '%1'").arg(attribute)));
    }
}

QTEST_APPLESS_MAIN(tst_RegistryDrift)

#include "tst_registrydrift.moc"
