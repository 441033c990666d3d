#include "engine/lang/frontend.h"

#include <QTest>

using namespace Rivulet::Lang;

class tst_Analyzer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void typePromotion_data();
    void typePromotion();
    void inferredOutputStream();
    void outputOrderDoesNotMatter();
    void hintsNameCandidates();
    void ambiguousJoinAttribute();
    void patternScopes();
    void faultStream();
    void partitionInnerStreams();
    void aggregationSchema();
    void functionsReturnTypes_data();
    void functionsReturnTypes();
    void threeErrorsThreeLines();
    void annotatesResolvedVariables();
    void overloadedParameters_data();
    void overloadedParameters();
    void distributedSink();
    void sinkOnError();
    void aggTimestampInAggregation();
    void eventIsNull();
    void oneMistakeOneError_data();
    void oneMistakeOneError();
    void appNameTwice();
    void onDemandQueries_data();
    void onDemandQueries();
};

namespace {

QString messages(const CompiledApp &c)
{
    QStringList out;
    for (const Diagnostic &d : c.diagnostics)
        out << QStringLiteral("%1:%2 %3: %4 [%5]")
                   .arg(d.range.line)
                   .arg(d.range.column)
                   .arg(severityName(d.severity), d.message, d.hint);
    return out.join(u'\n');
}

const Schema *outputOf(const CompiledApp &c, const char *name)
{
    return c.model.find(QString::fromLatin1(name));
}

} // namespace

void tst_Analyzer::typePromotion_data()
{
    QTest::addColumn<QString>("expr");
    QTest::addColumn<QString>("type");
    QTest::newRow("int+int") << "i + i"
                             << "int";
    QTest::newRow("int+long") << "i + l"
                              << "long";
    QTest::newRow("long*float") << "l * f"
                                << "float";
    QTest::newRow("float-double") << "f - d"
                                  << "double";
    QTest::newRow("int/int stays int") << "i / i"
                                       << "int";
    QTest::newRow("mod") << "l % i"
                         << "long";
    QTest::newRow("comparison") << "i < d"
                                << "bool";
    QTest::newRow("constant long") << "i + 5L"
                                   << "long";
    QTest::newRow("constant float") << "i * 2.0f"
                                    << "float";
    QTest::newRow("constant double") << "i * 2.0"
                                     << "double";
    QTest::newRow("time constant") << "i + 1 sec"
                                   << "long";
    QTest::newRow("convert") << "convert(i, 'string')"
                             << "string";
    QTest::newRow("ifThenElse") << "ifThenElse(b, s, 'x')"
                                << "string";
    QTest::newRow("maximum") << "maximum(i, l, f)"
                             << "float";
    QTest::newRow("str") << "str:length(s)"
                         << "int";
    QTest::newRow("math round double") << "math:round(d)"
                                       << "long";
    QTest::newRow("math round float") << "math:round(f)"
                                      << "int";
}

void tst_Analyzer::typePromotion()
{
    QFETCH(QString, expr);
    QFETCH(QString, type);
    const QByteArray src =
        "@App:name('T') define stream S (i int, l long, f float, d double, s string, b bool);\n"
        "from S select "
        + expr.toUtf8() + " as x insert into O;";
    const CompiledApp c = compileApp(src);
    QVERIFY2(!c.hasErrors(), qPrintable(messages(c)));
    const Schema *o = outputOf(c, "O");
    QVERIFY(o);
    QCOMPARE(typeName(o->attributes[0].type), type);
}

void tst_Analyzer::inferredOutputStream()
{
    const CompiledApp c =
        compileApp("@App:name('T') define stream S (symbol string, price float, volume long);\n"
                   "from S#window.length(5) select symbol, avg(price) as avgPrice, sum(volume) as "
                   "total, count() as n "
                   "group by symbol insert into Out;\n"
                   "from Out[avgPrice > 10.0] select symbol, n insert into Filtered;");
    QVERIFY2(!c.hasErrors(), qPrintable(messages(c)));
    const Schema *out = outputOf(c, "Out");
    QVERIFY(out && out->inferred);
    QCOMPARE(out->attributeText(),
             QStringLiteral("symbol string, avgPrice double, total long, n long"));
    QCOMPARE(outputOf(c, "Filtered")->attributeText(), QStringLiteral("symbol string, n long"));

    const CompiledApp bad = compileApp("@App:name('T') define stream S (a int);\n"
                                       "define stream Out (a long);\n"
                                       "from S select a insert into Out;");
    QCOMPARE(bad.errorCount(), 1);
    QVERIFY2(bad.diagnostics[0].message.contains(
                 QStringLiteral("attribute 'a' of stream 'Out' is long, but the query emits int")),
             qPrintable(messages(bad)));
    QVERIFY(bad.diagnostics[0].hint.contains(QStringLiteral("convert(a, 'long')")));
}

void tst_Analyzer::outputOrderDoesNotMatter()
{
    const CompiledApp c = compileApp("@App:name('T') define stream S (a int);\n"
                                     "from Mid select a insert into Out;\n"
                                     "from S select a insert into Mid;");
    QVERIFY2(!c.hasErrors(), qPrintable(messages(c)));
    QVERIFY(outputOf(c, "Out"));
}

void tst_Analyzer::hintsNameCandidates()
{
    const CompiledApp c = compileApp(
        "@App:name('T') define stream TempStream (deviceID long, roomNo int, temp double);\n"
        "from TempStrem select * insert into O;\n"
        "from TempStream[tmp > 30.0] select roomNo insert into P;\n"
        "from TempStream[xyz > 1] select roomNo insert into Q;");
    QCOMPARE(c.errorCount(), 3);
    QCOMPARE(c.diagnostics[0].message, QStringLiteral("undefined stream 'TempStrem'"));
    QCOMPARE(c.diagnostics[0].hint, QStringLiteral("did you mean 'TempStream'?"));
    QVERIFY(c.diagnostics[1].hint.startsWith(QStringLiteral("did you mean 'temp'?")));
    QCOMPARE(c.diagnostics[2].hint,
             QStringLiteral("attributes of TempStream: deviceID, roomNo, temp"));
}

void tst_Analyzer::ambiguousJoinAttribute()
{
    const CompiledApp c = compileApp(
        "@App:name('T') define stream A (id int, x int); define stream B (id int, y int);\n"
        "from A#window.length(1) join B#window.length(1) on A.id == B.id select id, x, y insert "
        "into O;");
    QCOMPARE(c.errorCount(), 1);
    QVERIFY(c.diagnostics[0].message.contains(QStringLiteral("ambiguous")));
    QCOMPARE(c.diagnostics[0].hint, QStringLiteral("qualify it: A.id"));
}

void tst_Analyzer::patternScopes()
{
    const CompiledApp c =
        compileApp("@App:name('T') define stream S (symbol string, price double);\n"
                   "from every e1=S[price > 10.0] -> e2=S[symbol == e1.symbol and price > "
                   "e1.price] within 1 sec "
                   "select e1.symbol, e1.price as p1, e2.price as p2 insert into O;");
    QVERIFY2(!c.hasErrors(), qPrintable(messages(c)));
    QCOMPARE(outputOf(c, "O")->attributeText(),
             QStringLiteral("symbol string, p1 double, p2 double"));

    const CompiledApp later =
        compileApp("@App:name('T') define stream S (price double);\n"
                   "from e1=S[price > e2.price] -> e2=S select e1.price insert into O;");
    QCOMPARE(later.errorCount(), 1);
    QVERIFY(later.diagnostics[0].message.contains(QStringLiteral("not matched yet")));
}

void tst_Analyzer::faultStream()
{
    const CompiledApp c =
        compileApp("@App:name('T') @OnError(action='STREAM') define stream S (a int);\n"
                   "from !S select a, _error insert into Errors;");
    QVERIFY2(!c.hasErrors(), qPrintable(messages(c)));
    QCOMPARE(outputOf(c, "Errors")->attributeText(), QStringLiteral("a int, _error object"));
    const CompiledApp missing =
        compileApp("@App:name('T') define stream S (a int);\nfrom !S select a insert into E;");
    QCOMPARE(missing.errorCount(), 1);
    QVERIFY(missing.diagnostics[0].hint.contains(QStringLiteral("@OnError")));
}

void tst_Analyzer::partitionInnerStreams()
{
    const CompiledApp c =
        compileApp("@App:name('T') define stream S (symbol string, price double);\n"
                   "partition with (symbol of S) begin\n"
                   "  from S select symbol, price insert into #P;\n"
                   "  from #P#window.length(2) select symbol, max(price) as m insert into Out;\n"
                   "end;\n"
                   "from #P select * insert into X;");
    QCOMPARE(c.errorCount(), 1);
    QVERIFY(c.diagnostics[0].message.contains(QStringLiteral("only be used inside a partition")));
    QVERIFY(outputOf(c, "Out"));
}

void tst_Analyzer::aggregationSchema()
{
    const CompiledApp c = compileApp(
        "@App:name('T') define stream S (symbol string, price double, ts long);\n"
        "define aggregation A from S select symbol, avg(price) as avgPrice, sum(price) as total "
        "group by symbol aggregate by ts every sec ... year;\n"
        "define stream Q (symbol string);\n"
        "from Q as q join A as a on q.symbol == a.symbol within 0L, 1000L per 'seconds' "
        "select a.symbol, a.total insert into O;");
    QVERIFY2(!c.hasErrors(), qPrintable(messages(c)));
    QCOMPARE(outputOf(c, "A")->attributeText(),
             QStringLiteral("AGG_TIMESTAMP long, symbol string, avgPrice double, total double"));
}

void tst_Analyzer::functionsReturnTypes_data()
{
    QTest::addColumn<QString>("call");
    QTest::addColumn<QString>("error");
    QTest::newRow("arity") << "str:upper(s, s)"
                           << "takes 1 argument, found 2";
    QTest::newRow("arg type") << "str:upper(i)"
                              << "must be string, found int";
    QTest::newRow("unknown fn") << "uper(s)"
                                << "unknown function 'uper'";
    QTest::newRow("ns fn") << "str:uper(s)"
                           << "namespace 'str' has no function 'uper'";
    QTest::newRow("aggregate in filter") << ""
                                         << "";
    QTest::newRow("same type") << "coalesce(s, i)"
                               << "must have one type";
    QTest::newRow("convert target") << "convert(i, 'integer')"
                                    << "needs the name of a type";
}

void tst_Analyzer::functionsReturnTypes()
{
    QFETCH(QString, call);
    QFETCH(QString, error);
    if (call.isEmpty()) {
        const CompiledApp c = compileApp(
            "@App:name('T') define stream S (i int);\nfrom S[sum(i) > 2] select i insert into O;");
        QCOMPARE(c.errorCount(), 1);
        QVERIFY(c.diagnostics[0].message.contains(
            QStringLiteral("can only be used in select or having")));
        return;
    }
    const CompiledApp c =
        compileApp("@App:name('T') define stream S (i int, s string);\nfrom S select "
                   + call.toUtf8() + " as x insert into O;");
    QVERIFY2(c.errorCount() >= 1, qPrintable(messages(c)));
    QVERIFY2(c.diagnostics[0].message.contains(error), qPrintable(messages(c)));
    const CompiledApp warn = compileApp(
        "@App:name('T') define stream S (i int);\nfrom S select foo:bar(i) as x insert into O;");
    QCOMPARE(warn.errorCount(), 0);
    QVERIFY(messages(warn).contains(QStringLiteral("unknown extension namespace 'foo'")));
}

void tst_Analyzer::threeErrorsThreeLines()
{
    const CompiledApp c = compileApp("@App:name('T')\n"
                                     "define stream S (a int, b string);\n"
                                     "from Foo select a insert into O1;\n"
                                     "from S[b > 3] select a insert into O2;\n"
                                     "from S select a, c insert into O3;\n");
    QCOMPARE(c.errorCount(), 3);
    QCOMPARE(c.diagnostics[0].range.line, 3);
    QCOMPARE(c.diagnostics[0].range.column, 6);
    QCOMPARE(c.diagnostics[1].range.line, 4);
    QCOMPARE(c.diagnostics[2].range.line, 5);
    QCOMPARE(c.diagnostics[2].range.column, 18);
}

void tst_Analyzer::annotatesResolvedVariables()
{
    const CompiledApp c = compileApp(
        "@App:name('T') define stream A (x int, k string); define stream B (k string, y double);\n"
        "from A#window.length(3) as a join B#window.length(3) as b on a.k == b.k select a.x, b.y "
        "insert into O;");
    QVERIFY2(!c.hasErrors(), qPrintable(messages(c)));
    const Ast::Query &q = *c.app->executions[0].query;
    const Ast::Expr &on = *q.input.join->on;
    QCOMPARE(on.lhs->inputIndex, 0);
    QCOMPARE(on.lhs->attrIndex, 1);
    QCOMPARE(on.rhs->inputIndex, 1);
    QCOMPARE(on.rhs->attrIndex, 0);
    QCOMPARE(q.selector.attributes[1].expr->inputIndex, 1);
    QCOMPARE(q.selector.attributes[1].expr->type, AttrType::Double);
}

void tst_Analyzer::overloadedParameters_data()
{
    QTest::addColumn<QString>("handler");
    QTest::addColumn<QString>("error");
    // Siddhi's @ParameterOverload: a parameter may be skipped.
    QTest::newRow("log()") << "#log()"
                           << "";
    QTest::newRow("log(message)") << "#log('m')"
                                  << "";
    QTest::newRow("log(bool)") << "#log(true)"
                               << "";
    QTest::newRow("log(message, bool)") << "#log('m', false)"
                                        << "";
    QTest::newRow("log(priority, message)") << "#log('WARN', 'm')"
                                            << "";
    QTest::newRow("log(all three)") << "#log('WARN', 'm', true)"
                                    << "";
    QTest::newRow("log(int)") << "#log(5)"
                              << "argument 1 (log.message) of 'log' must be string, found int";
    QTest::newRow("log(four)") << "#log('a', 'b', true, 1)"
                               << "takes 0 to 3 arguments, found 4";
    QTest::newRow("timeBatch(time)") << "#window.timeBatch(1 sec)"
                                     << "";
    QTest::newRow("timeBatch(time, start)") << "#window.timeBatch(1 sec, 100)"
                                            << "";
    QTest::newRow("timeBatch(time, bool)") << "#window.timeBatch(1 sec, true)"
                                           << "";
    QTest::newRow("timeBatch(time, start, bool)") << "#window.timeBatch(1 sec, 100, true)"
                                                  << "";
    QTest::newRow("timeBatch(time, string)")
        << "#window.timeBatch(1 sec, 'x')"
        << "argument 2 (start.time) of 'timeBatch' must be int or long, found string";
    QTest::newRow("timeBatch(time, bool, start)") << "#window.timeBatch(1 sec, true, 100)"
                                                  << "argument 2 (start.time)";
}

void tst_Analyzer::overloadedParameters()
{
    QFETCH(QString, handler);
    QFETCH(QString, error);
    const CompiledApp c = compileApp("@App:name('T') define stream S (i int);\nfrom S"
                                     + handler.toUtf8() + " select i insert into O;");
    if (error.isEmpty()) {
        QVERIFY2(!c.hasErrors(), qPrintable(messages(c)));
    } else {
        QVERIFY2(c.errorCount() >= 1, qPrintable(messages(c)));
        QVERIFY2(c.diagnostics[0].message.contains(error), qPrintable(messages(c)));
    }
}

void tst_Analyzer::distributedSink()
{
    // The destinations may hold the options every endpoint needs.
    const CompiledApp ok =
        compileApp("@App:name('T')\n"
                   "@sink(type='http', @map(type='json'), @distribution(strategy='partitioned', "
                   "partitionKey='country', @destination(publisher.url='http://a/'), "
                   "@destination(publisher.url='http://b/')))\n"
                   "define stream S (name string, country string);");
    QVERIFY2(!ok.hasErrors(), qPrintable(messages(ok)));

    const CompiledApp bad =
        compileApp("@App:name('T')\n"
                   "@sink(type='http', @distribution(strategy='partitioned', partitionKey='land', "
                   "@destination(publisher.url='http://a/'), @destination(url='http://b/')))\n"
                   "define stream S (name string, country string);");
    const QString m = messages(bad);
    QVERIFY2(m.contains(QStringLiteral("partitionKey 'land' is not an attribute of 'S'")),
             qPrintable(m));
    QVERIFY2(m.contains(QStringLiteral("unknown option 'url' of sink type 'http'")), qPrintable(m));
    QVERIFY2(m.contains(QStringLiteral("needs the option 'publisher.url'")), qPrintable(m));
    QCOMPARE(bad.errorCount(), 3);

    const CompiledApp strategy =
        compileApp("@App:name('T')\n@sink(type='log', @distribution(strategy='random', "
                   "@destination(prefix='a')))\ndefine stream S (a int);");
    QCOMPARE(strategy.errorCount(), 1);
    QVERIFY2(messages(strategy).contains(QStringLiteral("unknown distribution strategy 'random'")),
             qPrintable(messages(strategy)));
}

void tst_Analyzer::sinkOnError()
{
    // on.error belongs to every sink, as in Siddhi's Sink base class.
    const CompiledApp ok = compileApp(
        "@App:name('T')\n@sink(type='log', on.error='wait') define stream S (a int);\n"
        "@sink(type='inMemory', topic='t-{{a}}', on.error='STREAM') define stream U (a int);");
    QVERIFY2(!ok.hasErrors(), qPrintable(messages(ok)));
    const CompiledApp bad =
        compileApp("@App:name('T')\n@sink(type='inMemory', topic='{{b}}', on.error='RETRY')\n"
                   "define stream S (a int);");
    QCOMPARE(bad.errorCount(), 2);
    QVERIFY2(messages(bad).contains(QStringLiteral("on.error must be 'LOG', 'WAIT' or 'STREAM'")),
             qPrintable(messages(bad)));
    QVERIFY2(messages(bad).contains(QStringLiteral("uses {{b}}, but stream 'S' has no attribute")),
             qPrintable(messages(bad)));
}

void tst_Analyzer::aggTimestampInAggregation()
{
    const CompiledApp c =
        compileApp("@App:name('T') define stream S (k string, v double, ts long);\n"
                   "define aggregation A from S select AGG_TIMESTAMP, k, sum(v) as total "
                   "group by k aggregate by ts every sec ... min;");
    QVERIFY2(!c.hasErrors(), qPrintable(messages(c)));
    QCOMPARE(outputOf(c, "A")->attributeText(),
             QStringLiteral("AGG_TIMESTAMP long, k string, total double"));
}

void tst_Analyzer::eventIsNull()
{
    // `e2 is null` tests whether the event matched, not an attribute named e2.
    const CompiledApp c =
        compileApp("@App:name('T') define stream A (v int); define stream B (v int);\n"
                   "from e1=A -> e2=B or e3=A select ifThenElse(e2 is null, 'a', 'b') as which "
                   "insert into O;");
    QVERIFY2(!c.hasErrors(), qPrintable(messages(c)));
    const Ast::Expr &cond = *c.app->executions[0].query->selector.attributes[0].expr->call.args[0];
    QCOMPARE(cond.lhs->kind, Ast::ExprKind::StreamRef);
    // The runtime reads the event's slot: e2 is the second input of the pattern.
    QCOMPARE(cond.lhs->inputIndex, 1);
    const CompiledApp ts =
        compileApp("@App:name('T') define stream A (v int);\n"
                   "from e1=A -> e2=A select eventTimestamp(e2) - eventTimestamp(e1) as gap, "
                   "#e1 is null as none insert into O;");
    QVERIFY2(!ts.hasErrors(), qPrintable(messages(ts)));
    const auto &sel = ts.app->executions[0].query->selector.attributes;
    QCOMPARE(sel[0].expr->lhs->call.args[0]->kind, Ast::ExprKind::StreamRef);
    QCOMPARE(sel[0].expr->lhs->call.args[0]->inputIndex, 1);
    QCOMPARE(sel[0].expr->rhs->call.args[0]->inputIndex, 0);
    const CompiledApp attr = compileApp(
        "@App:name('T') define stream A (e2 int);\nfrom A[e2 is null] select e2 insert into O;");
    QVERIFY2(!attr.hasErrors(), qPrintable(messages(attr)));
}

void tst_Analyzer::oneMistakeOneError_data()
{
    QTest::addColumn<QString>("app");
    QTest::addColumn<QString>("error");
    // Each app has one mistake; what follows from it is not reported again.
    QTest::newRow("unknown attribute, then a name selected twice")
        << "define stream A (id int, x double); define stream B (id int, y double);\n"
           "from A#window.length(1) as a join B#window.length(1) as b on a.id == b.id "
           "select a.y, b.y insert into O;"
        << "'A' has no attribute 'y'";
    QTest::newRow("aggregate as a window argument")
        << "define stream S (v int);\nfrom S#window.length(count()) select v insert into O;"
        << "can only be used in select or having";
    QTest::newRow("cast to an attribute")
        << "define stream S (v double, k string);\nfrom S select cast(v, k) as x insert into O;"
        << "must be a constant";
    QTest::newRow("within on a join with an undefined aggregation")
        << "define stream S (k string);\nfrom S join Agg on S.k == Agg.k within 0L, 1L per "
           "'days' select S.k insert into O;"
        << "undefined stream 'Agg'";
    QTest::newRow("per that is not a string") << "define stream S (k string, v double);\n"
                                                 "define aggregation A from S select k, sum(v) "
                                                 "as t group by k aggregate every sec ... day;\n"
                                                 "from S join A on S.k == A.k within 0L, 1L per "
                                                 "5 select A.t insert into O;"
                                              << "'per' takes a granularity";
}

void tst_Analyzer::oneMistakeOneError()
{
    QFETCH(QString, app);
    QFETCH(QString, error);
    const CompiledApp c = compileApp("@App:name('T')\n" + app.toUtf8());
    QCOMPARE(c.errorCount(), 1);
    QVERIFY2(c.diagnostics[0].message.contains(error), qPrintable(messages(c)));
}

void tst_Analyzer::appNameTwice()
{
    const CompiledApp c =
        compileApp("@App:name('First')\n@App:name('Second')\ndefine stream S (a int);");
    QCOMPARE(c.errorCount(), 0);
    QCOMPARE(c.name(), QStringLiteral("First"));
    QVERIFY2(messages(c).contains(QStringLiteral("2:1 warning: @App:name is given twice")),
             qPrintable(messages(c)));
}

void tst_Analyzer::onDemandQueries_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("result"); // selected attributes, or the first error
    QTest::newRow("select table") << "from T on k == 'a' select k, n"
                                  << "k string, n int";
    QTest::newRow("select star") << "from T"
                                 << "k string, n int";
    QTest::newRow("aggregate") << "from T select count() as c"
                               << "c long";
    QTest::newRow("window") << "from W select v"
                            << "v double";
    QTest::newRow("aggregation") << "from A within 0L, 10L per 'seconds' select k, total"
                                 << "k string, total double";
    QTest::newRow("insert") << "select 'a' as k, 1 as n insert into T"
                            << "k string, n int";
    QTest::newRow("update") << "update T set T.n = T.n + 1 on T.k == 'a'"
                            << "";
    QTest::newRow("delete") << "select 'a' as key delete T on T.k == key"
                            << "key string";
    QTest::newRow("stream") << "from S select v"
                            << "error: an on-demand query reads a table";
    QTest::newRow("aggregation without per")
        << "from A select total"
        << "error: reading aggregation 'A' needs 'within ... per ...'";
    QTest::newRow("insert attribute") << "select k, 1 as n insert into T"
                                      << "error: 'k' must be a constant here";
    QTest::newRow("insert wrong type") << "select 'a' as k, 'b' as n insert into T"
                                       << "error: attribute 'n' of table 'T' is int";
    QTest::newRow("parse error") << "from T select"
                                 << "error: expected an attribute to select";
}

void tst_Analyzer::onDemandQueries()
{
    QFETCH(QString, query);
    QFETCH(QString, result);
    CompiledApp app = compileApp(
        "@App:name('T') define table T (k string, n int); define window W (v double) length(5);\n"
        "define stream S (k string, v double);\n"
        "define aggregation A from S select k, sum(v) as total group by k aggregate every sec ... "
        "min;");
    QVERIFY2(!app.hasErrors(), qPrintable(messages(app)));
    const CompiledOnDemandQuery q = compileOnDemandQuery(app, query.toUtf8());
    if (result.startsWith(QLatin1String("error: "))) {
        QVERIFY(q.hasErrors());
        QVERIFY2(q.diagnostics[0].message.startsWith(result.mid(7)),
                 qPrintable(q.diagnostics[0].message));
        return;
    }
    QVERIFY2(!q.hasErrors(), qPrintable(q.diagnostics.value(0).message));
    QStringList attrs;
    for (const AttributeInfo &a : q.output)
        attrs << a.name + u' ' + typeName(a.type);
    QCOMPARE(attrs.join(QStringLiteral(", ")), result);
    // The app's model is intact afterwards.
    QVERIFY(app.model.find(QStringLiteral("T")));
}

QTEST_APPLESS_MAIN(tst_Analyzer)
#include "tst_analyzer.moc"
