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

QTEST_APPLESS_MAIN(tst_Analyzer)
#include "tst_analyzer.moc"
