#include "editor/completion.h"
#include "editor/nameindex.h"

#include "engine/lang/frontend.h"

#include <QTest>

using namespace Rivulet::Editor;

class tst_Completion : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void itemsAtCursor_data();
    void itemsAtCursor();
    void replaceRange();
    void callTips_data();
    void callTips();
};

namespace {

const QByteArray kApp = "define stream StockStream (symbol string, price double, volume long);\n"
                        "define table StockTable (symbol string, price double);\n"
                        "define stream TradeStream (id string, symbol string, amount double);\n";

// The text with the cursor at '|' (removed), completed with the names its analysis finds.
CompletionResult completeAt(const QByteArray &marked, int *cursor = nullptr)
{
    const int at = int(marked.indexOf('|'));
    Q_ASSERT(at >= 0);
    QByteArray text = marked;
    text.remove(at, 1);
    const Rivulet::Lang::CompiledApp compiled = Rivulet::Lang::compileApp(text);
    CompletionEngine engine;
    engine.setNames(std::make_shared<NameIndex>(NameIndex::fromCompiled(compiled)));
    if (cursor)
        *cursor = at;
    return engine.complete(text, at);
}

} // namespace

void tst_Completion::itemsAtCursor_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("context");
    QTest::addColumn<QStringList>("present");
    QTest::addColumn<QStringList>("absent");

    // present and absent: space-separated items.
    const auto row = [](const char *name, const QByteArray &body, const char *context,
                        const char *present, const char *absent = "") {
        const auto list = [](const char *items) {
            return QString::fromLatin1(items).split(u' ', Qt::SkipEmptyParts);
        };
        QTest::newRow(name) << QByteArray(kApp + body) << QString::fromLatin1(context)
                            << list(present) << list(absent);
    };
    // Keywords valid at the cursor.
    row("statement start", "|", "statement", "define from partition", "select insert end");
    row("keyword prefix", "fr|", "statement", "from", "define partition");
    row("after define", "define |", "definition",
        "stream table window trigger function aggregation", "from");
    row("after a source", "from StockStream |", "after source", "select insert join as left",
        "StockStream define");
    row("after select item", "from StockStream select symbol |", "keyword",
        "as group having insert output limit", "from symbol");
    row("group", "from StockStream select symbol group |", "keyword", "by", "having");
    row("insert", "from StockStream select symbol insert |", "output", "into current expired all",
        "StockStream");
    row("output rate", "from StockStream select symbol output |", "keyword",
        "every first last all snapshot");
    row("time unit in a window", "from StockStream#window.time(5 |", "time", "sec min hours",
        "symbol");
    // Names after from, join, insert into.
    row("after from", "from |", "source", "StockStream StockTable TradeStream every",
        "select symbol");
    row("source prefix", "from Sto|", "source", "StockStream StockTable", "TradeStream");
    row("after join", "from StockStream as s join |", "source", "TradeStream StockTable");
    row("insert into", "from StockStream select symbol insert into |", "target",
        "StockStream StockTable TradeStream", "select");
    row("delete", "from StockStream delete |", "table", "StockTable", "StockStream");
    row("in table", "from StockStream[symbol in |", "table", "StockTable", "TradeStream");
    row("partition of", "partition with (symbol of |", "source", "StockStream TradeStream");
    row("inside a partition",
        "partition with (symbol of StockStream) begin from StockStream select symbol insert into "
        "#Inner; |",
        "statement", "from end", "partition");
    // Attributes of the streams in scope.
    row("filter", "from StockStream[|", "filter", "symbol price volume not", "amount sum");
    row("filter after an operand", "from StockStream[price > 10 |", "filter", "and or", "price");
    row("select", "from StockStream select |", "expression",
        "symbol price volume sum avg count str convert", "amount id");
    row("select prefix", "from StockStream select vo|", "expression", "volume", "symbol price");
    row("group by", "from StockStream select symbol, sum(price) as total group by |", "expression",
        "symbol price", "sum amount");
    row("join on", "from StockStream as s join TradeStream as t on |", "expression",
        "s t symbol price amount");
    row("qualified by alias", "from StockStream as s join TradeStream as t on s.|", "attribute",
        "symbol price volume", "amount s");
    row("qualified by stream", "from StockStream select StockStream.|", "attribute", "price volume",
        "amount");
    row("pattern reference", "from every e1=StockStream -> e2=TradeStream[e1.|", "attribute",
        "symbol price", "amount");
    row("pattern filter", "from every e1=StockStream -> e2=TradeStream[|", "filter", "amount id e1",
        "volume");
    row("inferred stream attributes",
        "from StockStream select symbol, price * 2 as doubled insert into Doubled;\n"
        "from Doubled select |",
        "expression", "symbol doubled", "price");
    row("update set", "from TradeStream update StockTable set StockTable.|", "attribute",
        "symbol price", "amount");
    // Functions and windows.
    row("window", "from StockStream#window.|", "window",
        "length time lengthBatch timeBatch externalTime", "avg log");
    row("window prefix", "from StockStream#window.le|", "window", "length lengthBatch", "time");
    row("after #", "from StockStream#|", "stream handler", "window log str", "length");
    row("namespace", "from StockStream select str:|", "function", "upper concat length",
        "avg round");
    row("math namespace", "from StockStream select math:r|", "function", "round", "upper");
    // Annotations and their keys.
    row("annotation", "@|", "annotation", "source sink info App:name PrimaryKey", "map payload");
    row("annotation prefix", "@so|", "annotation", "source", "sink");
    row("app annotation", "@App:|", "annotation", "name description playback", "source");
    row("nested in a source", "@source(type='http', @|", "annotation", "map", "source payload");
    row("nested in a map", "@sink(type='log', @map(type='text', @|", "annotation", "payload",
        "attributes map");
    row("source types", "@source(type='|", "type", "http websocket-server websocket inMemory",
        "log json");
    row("source type prefix", "@source(type='web|", "type", "websocket-server websocket", "http");
    row("sink types", "@sink(type='|", "type", "log websocket-server inMemory", "json");
    row("map types", "@sink(type='log', @map(type='|", "type", "json text passThrough", "log");
    row("quoted values after =", "@source(type=|", "type", "'http' 'websocket-server'");
    row("annotation keys", "@source(type='websocket-server', |", "annotation key",
        "host port idle.timeout type", "receiver.url");
    row("dotted key", "@source(type='http', receiver.|", "annotation key", "receiver.url", "host");
    row("info key", "@info(|", "annotation key", "name");
    row("attribute types", "define stream S (a |", "type",
        "string int long float double bool object", "select");
    // Robust after a typo elsewhere.
    row("after a typo", "from StockStream selec symbol insert into Out;\nfrom StockStream[|",
        "filter", "symbol price");
    row("in an unfinished statement", "from TradeStream[amount > 5 and |", "filter",
        "amount symbol id");
    row("definition that does not parse", "define stream Broken (a int, b double\nfrom Broken[|",
        "filter", "a b");
    // No completion in comments and strings that take free text.
    row("comment", "-- from |", "comment", "");
    row("the line after a comment", "-- a note\n|", "statement", "define from");
    row("the line after an unclosed string", "from StockStream[symbol == 'x\n|", "filter",
        "and or");
    row("plain string", "from StockStream[symbol == 'ab|", "", "");
}

void tst_Completion::itemsAtCursor()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, context);
    QFETCH(QStringList, present);
    QFETCH(QStringList, absent);
    const CompletionResult result = completeAt(text);
    const QStringList items = result.texts();
    QCOMPARE(result.context, context);
    for (const QString &p : present)
        QVERIFY2(items.contains(p),
                 qPrintable(p + QStringLiteral(" missing from ") + items.join(u' ')));
    for (const QString &a : absent)
        QVERIFY2(!items.contains(a),
                 qPrintable(a + QStringLiteral(" unexpected in ") + items.join(u' ')));
    if (present.isEmpty())
        QVERIFY2(items.isEmpty(), qPrintable(items.join(u' ')));
}

void tst_Completion::replaceRange()
{
    int cursor = 0;
    CompletionResult r = completeAt(kApp + "from StockStream select vol|", &cursor);
    QCOMPARE(r.prefix, QStringLiteral("vol"));
    QCOMPARE(r.replaceStart, cursor - 3);
    r = completeAt(kApp + "@source(type='http', receiver.u|", &cursor);
    QCOMPARE(r.prefix, QStringLiteral("receiver.u"));
    QCOMPARE(r.replaceStart, cursor - 10);
    r = completeAt(kApp + "@source(type='webs|", &cursor);
    QCOMPARE(r.prefix, QStringLiteral("webs"));
    QCOMPARE(r.replaceStart, cursor - 4);
    r = completeAt(kApp + "from |", &cursor);
    QCOMPARE(r.prefix, QString());
    QCOMPARE(r.replaceStart, cursor);
}

void tst_Completion::callTips_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QString>("signature"); // the start of the call tip
    QTest::addColumn<int>("argument");
    QTest::addColumn<QString>("highlighted"); // contained in the highlighted parameter

    QTest::newRow("window, first argument")
        << QByteArray("from StockStream#window.length(|") << true << "length(int window.length)"
        << 0 << "int window.length";
    QTest::newRow("window, second argument")
        << QByteArray("from StockStream#window.timeLength(1 sec, |") << true
        << "timeLength(int|long window.time, int window.length)" << 1 << "int window.length";
    QTest::newRow("namespaced function") << QByteArray("from StockStream select str:upper(symbol|")
                                         << true << "str:upper(" << 0 << "input";
    QTest::newRow("repeating parameter")
        << QByteArray("from StockStream select str:concat(symbol, '-', |") << true << "str:concat("
        << 2 << "arg";
    QTest::newRow("aggregate") << QByteArray("from StockStream select avg(|") << true
                               << "avg(int|long|float|double arg)" << 0 << "arg";
    QTest::newRow("nested call, inner")
        << QByteArray("from StockStream select str:upper(str:lower(|") << true << "str:lower(" << 0
        << "input";
    QTest::newRow("nested call, back outside")
        << QByteArray("from StockStream select coalesce(str:lower(symbol), |") << true
        << "coalesce(" << 1 << "arg";
    QTest::newRow("stream processor")
        << QByteArray("from StockStream#log(|") << true << "log(" << 0 << "priority";
    QTest::newRow("unknown function")
        << QByteArray("from StockStream select nope(|") << false << QString() << 0 << QString();
    QTest::newRow("annotation") << QByteArray("@source(|") << false << QString() << 0 << QString();
    QTest::newRow("filter bracket")
        << QByteArray("from StockStream[|") << false << QString() << 0 << QString();
    QTest::newRow("inside a string")
        << QByteArray("from S select str:upper('a, |") << false << QString() << 0 << QString();
}

void tst_Completion::callTips()
{
    QFETCH(QByteArray, text);
    QFETCH(bool, valid);
    QFETCH(QString, signature);
    QFETCH(int, argument);
    QFETCH(QString, highlighted);
    const int at = int(text.indexOf('|'));
    text.remove(at, 1);
    const CallTip tip = CompletionEngine().callTip(text, at);
    QCOMPARE(tip.valid, valid);
    if (!valid)
        return;
    QVERIFY2(tip.text.startsWith(signature), qPrintable(tip.text));
    QCOMPARE(tip.argument, argument);
    const QByteArray sig = tip.text.toUtf8();
    QVERIFY(tip.highlightStart > 0 && tip.highlightEnd > tip.highlightStart);
    const QString part =
        QString::fromUtf8(sig.mid(tip.highlightStart, tip.highlightEnd - tip.highlightStart));
    QVERIFY2(part.contains(highlighted), qPrintable(part));
    QCOMPARE(tip.position, int(text.lastIndexOf(signature.section(u'(', 0, 0).toUtf8())));
}

QTEST_MAIN(tst_Completion)
#include "tst_completion.moc"
