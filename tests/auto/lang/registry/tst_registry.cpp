#include "engine/lang/registry.h"

#include <QSet>
#include <QTest>

using namespace Rivulet::Lang;

class tst_Registry : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void coreBuiltinsArePresent_data();
    void coreBuiltinsArePresent();
    void namesAreUnique();
    void signatures();
    void closestMatch();
    void overloads();
    void everySinkTakesOnError();
    void namesAreCaseSensitive();
};

void tst_Registry::coreBuiltinsArePresent_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("name");
    const char *functions[] = {"UUID",
                               "cast",
                               "coalesce",
                               "convert",
                               "createSet",
                               "currentTimeMillis",
                               "default",
                               "eventTimestamp",
                               "ifThenElse",
                               "instanceOfBoolean",
                               "instanceOfDouble",
                               "instanceOfFloat",
                               "instanceOfInteger",
                               "instanceOfLong",
                               "instanceOfString",
                               "maximum",
                               "minimum",
                               "sizeOfSet",
                               "str:concat",
                               "str:length",
                               "str:upper",
                               "str:lower",
                               "str:contains",
                               "str:substr",
                               "str:replaceAll",
                               "str:trim",
                               "str:split",
                               "math:abs",
                               "math:round",
                               "math:floor",
                               "math:ceil",
                               "math:sqrt",
                               "math:power",
                               "math:log",
                               "time:currentTimestamp",
                               "time:dateFormat",
                               "time:timestampInMilliseconds",
                               "time:extract"};
    for (const char *f : functions)
        QTest::newRow(f) << int(BuiltinKind::Function) << QString::fromLatin1(f);
    const char *aggregates[] = {"sum",        "count",      "avg",    "min", "max", "distinctCount",
                                "maxForever", "minForever", "stdDev", "and", "or",  "unionSet"};
    for (const char *a : aggregates)
        QTest::newRow(a) << int(BuiltinKind::Aggregate) << QString::fromLatin1(a);
    const char *windows[] = {"length",
                             "lengthBatch",
                             "time",
                             "timeBatch",
                             "timeLength",
                             "externalTime",
                             "externalTimeBatch",
                             "session",
                             "sort",
                             "cron",
                             "delay",
                             "batch",
                             "expression",
                             "expressionBatch"};
    for (const char *w : windows)
        QTest::newRow(w) << int(BuiltinKind::Window) << QString::fromLatin1(w);
    for (const char *s : {"http", "websocket-server", "websocket", "inMemory"})
        QTest::newRow(s) << int(BuiltinKind::Source) << QString::fromLatin1(s);
    for (const char *s : {"log", "inMemory", "websocket-server", "websocket", "http"})
        QTest::newRow(s) << int(BuiltinKind::Sink) << QString::fromLatin1(s);
    for (const char *m : {"json", "text", "csv", "passThrough"}) {
        QTest::newRow(m) << int(BuiltinKind::SourceMapper) << QString::fromLatin1(m);
        QTest::newRow(m) << int(BuiltinKind::SinkMapper) << QString::fromLatin1(m);
    }
}

void tst_Registry::coreBuiltinsArePresent()
{
    QFETCH(int, kind);
    QFETCH(QString, name);
    const QString ns = name.contains(u':') ? name.section(u':', 0, 0) : QString();
    const QString n = name.section(u':', -1);
    const BuiltinSpec *spec = Registry::builtins().find(BuiltinKind(kind), ns, n);
    QVERIFY2(spec, qPrintable(name));
    QVERIFY(!spec->doc.isEmpty());
}

void tst_Registry::namesAreUnique()
{
    QSet<QString> seen;
    for (const BuiltinSpec &s : Registry::builtins().specs()) {
        const QString key = QString::number(int(s.kind)) + s.qualifiedName().toLower();
        QVERIFY2(!seen.contains(key), qPrintable(s.qualifiedName()));
        seen.insert(key);
        for (int i = 0; i + 1 < s.params.size(); ++i)
            QVERIFY2(!s.params[i].repeating, qPrintable(s.qualifiedName()));
    }
}

void tst_Registry::signatures()
{
    const BuiltinSpec *length =
        Registry::builtins().find(BuiltinKind::Window, QString(), QStringLiteral("length"));
    QCOMPARE(length->signature(), QStringLiteral("length(int window.length)"));
    const BuiltinSpec *substr = Registry::builtins().find(
        BuiltinKind::Function, QStringLiteral("str"), QStringLiteral("substr"));
    QCOMPARE(
        substr->signature(),
        QStringLiteral("str:substr(string input.value, int begin.index, [int length]) -> string"));
    QVERIFY(substr->acceptsCount(2));
    QVERIFY(substr->acceptsCount(3));
    QVERIFY(!substr->acceptsCount(4));
}

void tst_Registry::closestMatch()
{
    QCOMPARE(Rivulet::Lang::closestMatch(QStringLiteral("TempStrem"),
                                         {QStringLiteral("TempStream"), QStringLiteral("Other")}),
             QStringLiteral("TempStream"));
    QCOMPARE(Rivulet::Lang::closestMatch(QStringLiteral("zzz"), {QStringLiteral("TempStream")}),
             QString());
}

void tst_Registry::overloads()
{
    const Registry &r = Registry::builtins();
    const BuiltinSpec *log = r.find(BuiltinKind::StreamProcessor, {}, QStringLiteral("log"));
    QVERIFY(log);
    QVERIFY(log->acceptsCount(0));
    QVERIFY(log->acceptsCount(3));
    QVERIFY(!log->acceptsCount(4));
    // log(true): one argument, the third parameter.
    QCOMPARE(log->forms(1), (QList<QList<int>>{{1}, {2}}));
    QCOMPARE(log->overloadSignatures().size(), 6);
    QCOMPARE(log->overloadSignatures().at(2), QStringLiteral("log(bool is.event.logged)"));
    const BuiltinSpec *tb = r.find(BuiltinKind::Window, {}, QStringLiteral("timeBatch"));
    QCOMPARE(tb->forms(2), (QList<QList<int>>{{0, 1}, {0, 2}}));
    // Positional parameters have one form per count.
    const BuiltinSpec *len = r.find(BuiltinKind::Window, {}, QStringLiteral("length"));
    QCOMPARE(len->forms(1), (QList<QList<int>>{{0}}));
    QVERIFY(len->forms(2).isEmpty());
}

void tst_Registry::everySinkTakesOnError()
{
    for (const BuiltinSpec *s : Registry::builtins().all(BuiltinKind::Sink)) {
        bool found = false;
        for (const ParamSpec &p : s->params)
            found = found || p.name == QLatin1String("on.error");
        QVERIFY2(found, qPrintable(s->name));
    }
    QVERIFY(Registry::builtins().find(BuiltinKind::Aggregate, QStringLiteral("math"),
                                      QStringLiteral("percentile")));
}

void tst_Registry::namesAreCaseSensitive()
{
    // As in Siddhi, whose extensions are a HashMap keyed by namespace:name.
    const Registry &r = Registry::builtins();
    QVERIFY(r.find(BuiltinKind::Window, {}, QStringLiteral("length")));
    QVERIFY(!r.find(BuiltinKind::Window, {}, QStringLiteral("Length")));
    QVERIFY(!r.find(BuiltinKind::Function, QStringLiteral("STR"), QStringLiteral("upper")));
    QVERIFY(r.isKnownNamespace(QStringLiteral("str")));
    QVERIFY(!r.isKnownNamespace(QStringLiteral("Str")));
    QVERIFY(!r.find(BuiltinKind::Source, {}, QStringLiteral("HTTP")));
    // "Did you mean" still finds the right spelling.
    QCOMPARE(Rivulet::Lang::closestMatch(QStringLiteral("LENGTH"), r.names(BuiltinKind::Window)),
             QStringLiteral("length"));
}

QTEST_APPLESS_MAIN(tst_Registry)
#include "tst_registry.moc"
