#include "engine/lang/diagnostic.h"
#include "engine/lang/parser.h"

#include <QRandomGenerator>
#include <QTest>

using namespace Rivulet::Lang;
using namespace Rivulet::Lang::Ast;

class tst_Parser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void definitions();
    void annotations();
    void expressionPrecedence_data();
    void expressionPrecedence();
    void literals();
    void timeValues();
    void windowsAndHandlers();
    void joins();
    void patterns();
    void sequences();
    void outputClauses();
    void partitions();
    void anonymousQuery();
    void onDemandQueries();
    void keywordsAsNames();
    void clauseKeywordIsNotTakenAsName();
    void recoveryReportsEveryStatement();
    void missingSemicolonIsReportedOnce();
    void incompleteDefinitionIsKept();
    void deepNestingIsAnError();
    void garbageNeverCrashes();
    void largeFile();
    void unterminatedStringEndsTheStatement();
    void aggregationHasNoHaving();
    void brokenPartitionHeaderSkipsItsBody();
};

namespace {

struct Parsed
{
    QByteArray source;
    DiagnosticList diagnostics;
    std::unique_ptr<App> app;
};

std::unique_ptr<Parsed> parse(const QByteArray &source)
{
    auto p = std::make_unique<Parsed>();
    p->source = source;
    Parser parser(p->source, &p->diagnostics);
    p->app = parser.parseApp();
    return p;
}

QString errors(const Parsed &p)
{
    QStringList out;
    for (const Diagnostic &d : p.diagnostics.items())
        out << QStringLiteral("%1:%2 %3").arg(d.range.line).arg(d.range.column).arg(d.message);
    return out.join(QStringLiteral("; "));
}

// Prints an expression with full parentheses, to check precedence.
QString show(const Expr &e)
{
    switch (e.kind) {
    case ExprKind::Constant:
        if (e.constant.isNull)
            return QStringLiteral("null");
        if (e.constant.type == AttrType::String)
            return u'\'' + e.constant.stringValue + u'\'';
        if (e.constant.type == AttrType::Bool)
            return e.constant.boolValue ? QStringLiteral("true") : QStringLiteral("false");
        if (e.constant.type == AttrType::Int || e.constant.type == AttrType::Long)
            return QString::number(e.constant.intValue);
        return QString::number(e.constant.doubleValue);
    case ExprKind::Variable:
        return e.stream.isEmpty() ? e.attribute : e.stream + u'.' + e.attribute;
    case ExprKind::StreamRef:
        return e.stream;
    case ExprKind::Binary:
        return u'(' + show(*e.lhs) + u' ' + QString::fromLatin1(binaryOpSpelling(e.op)) + u' '
               + show(*e.rhs) + u')';
    case ExprKind::Not:
        return QStringLiteral("(not ") + show(*e.lhs) + u')';
    case ExprKind::Negate:
        return QStringLiteral("(-") + show(*e.lhs) + u')';
    case ExprKind::IsNull:
        return u'(' + show(*e.lhs) + QStringLiteral(" is null)");
    case ExprKind::In:
        return u'(' + show(*e.lhs) + QStringLiteral(" in ") + e.table + u')';
    case ExprKind::Function: {
        QStringList args;
        for (const auto &a : e.call.args)
            args << show(*a);
        return e.call.qualifiedName() + u'(' + args.join(QStringLiteral(", ")) + u')';
    }
    }
    return {};
}

const Query &firstQuery(const Parsed &p)
{
    for (const auto &e : p.app->executions) {
        if (e.query)
            return *e.query;
    }
    qFatal("no query");
}

} // namespace

void tst_Parser::definitions()
{
    auto p =
        parse("define stream S (a string, b int, c LONG, d float, e double, f bool, g object);\n"
              "define table T (id string);\n"
              "define window W (a int) length(10) output all events;\n"
              "define trigger T5 at every 5 sec;\n"
              "define trigger TS at 'start';\n"
              "define trigger TC at '*/5 * * * * ?';\n"
              "define function concatFn[javascript] return string { var r = data[0] + data[1]; "
              "return r; };\n"
              "define aggregation Agg from S select a, sum(b) as total group by a aggregate by c "
              "every sec ... year;\n");
    QVERIFY2(!p->diagnostics.hasErrors(), qPrintable(errors(*p)));
    const auto &defs = p->app->definitions;
    QCOMPARE(int(defs.size()), 8);
    QCOMPARE(defs[0]->kind, DefinitionKind::Stream);
    QCOMPARE(int(defs[0]->attributes.size()), 7);
    QCOMPARE(defs[0]->attributes[2].type, AttrType::Long);
    QCOMPARE(defs[0]->attributes[6].type, AttrType::Object);
    QCOMPARE(defs[2]->kind, DefinitionKind::Window);
    QCOMPARE(defs[2]->windowCall.name, QStringLiteral("length"));
    QCOMPARE(defs[2]->windowOutput, OutputEventType::All);
    QCOMPARE(defs[3]->triggerEveryMs, 5000);
    QCOMPARE(defs[4]->triggerAt, QStringLiteral("start"));
    QCOMPARE(defs[6]->language, QStringLiteral("javascript"));
    QCOMPARE(defs[6]->returnType, AttrType::String);
    QVERIFY(defs[6]->body.contains(QStringLiteral("return r;")));
    QCOMPARE(defs[7]->kind, DefinitionKind::Aggregation);
    QCOMPARE(defs[7]->granularities.size(), 6); // sec, min, hour, day, month, year
    QVERIFY(defs[7]->aggregateBy);
}

void tst_Parser::annotations()
{
    auto p = parse("@App:name('Trains') @App:description(\"d\")\n"
                   "@source(type='http', receiver.url='http://0.0.0.0:8006/trains', "
                   "basic.auth.enabled='false',\n"
                   "        @map(type='json', @attributes(trainId='$.id', speed='$.v')))\n"
                   "@sink(type='log', prefix='x')\n"
                   "define stream S (trainId string, speed double);\n"
                   "@PrimaryKey('a', 'b') @Index('c') define table T (a string, b int, c long);\n");
    QVERIFY2(!p->diagnostics.hasErrors(), qPrintable(errors(*p)));
    QCOMPARE(p->app->name(), QStringLiteral("Trains"));
    QCOMPARE(p->app->annotations.size(), 2);
    const Definition &s = *p->app->definitions[0];
    QCOMPARE(s.annotations.size(), 2);
    const Annotation &source = s.annotations[0];
    QCOMPARE(source.value(QStringLiteral("receiver.url")),
             QStringLiteral("http://0.0.0.0:8006/trains"));
    const Annotation *map = source.annotation("map");
    QVERIFY(map);
    QCOMPARE(map->value(QStringLiteral("type")), QStringLiteral("json"));
    const Annotation *attrs = map->annotation("attributes");
    QVERIFY(attrs);
    QCOMPARE(attrs->value(QStringLiteral("speed")), QStringLiteral("$.v"));
    QCOMPARE(p->app->definitions[1]->annotations[0].positionalValues(),
             QStringList({QStringLiteral("a"), QStringLiteral("b")}));
}

void tst_Parser::expressionPrecedence_data()
{
    QTest::addColumn<QByteArray>("expr");
    QTest::addColumn<QString>("shown");
    QTest::newRow("mul before add") << QByteArray("a + b * c") << QStringLiteral("(a + (b * c))");
    QTest::newRow("left assoc") << QByteArray("a - b - c") << QStringLiteral("((a - b) - c)");
    QTest::newRow("comparison before and") << QByteArray("a > 1 and b < 2 or c == 3")
                                           << QStringLiteral("(((a > 1) and (b < 2)) or (c == 3))");
    QTest::newRow("parens") << QByteArray("(a + b) * c") << QStringLiteral("((a + b) * c)");
    QTest::newRow("not binds tight")
        << QByteArray("not a and b") << QStringLiteral("((not a) and b)");
    QTest::newRow("not of parens") << QByteArray("not (a > 1)") << QStringLiteral("(not (a > 1))");
    QTest::newRow("is null") << QByteArray("a is null or b.c is null")
                             << QStringLiteral("((a is null) or (b.c is null))");
    QTest::newRow("in table") << QByteArray("T.id == id in T")
                              << QStringLiteral("((T.id == id) in T)");
    QTest::newRow("functions") << QByteArray("str:concat(a, 'x') == upper(b)")
                               << QStringLiteral("(str:concat(a, 'x') == upper(b))");
    QTest::newRow("negative literal") << QByteArray("a > -5") << QStringLiteral("(a > -5)");
    QTest::newRow("minus literal") << QByteArray("a-1") << QStringLiteral("(a - 1)");
    QTest::newRow("event index") << QByteArray("e1[last].price > e1[0].price")
                                 << QStringLiteral("(e1.price > e1.price)");
    QTest::newRow("modulo") << QByteArray("a % 2 == 0") << QStringLiteral("((a % 2) == 0)");
}

void tst_Parser::expressionPrecedence()
{
    QFETCH(QByteArray, expr);
    QFETCH(QString, shown);
    DiagnosticList diagnostics;
    Parser parser(expr, &diagnostics);
    ExprPtr e = parser.parseStandaloneExpression();
    QVERIFY(e);
    QVERIFY(!diagnostics.hasErrors());
    QCOMPARE(show(*e), shown);
}

void tst_Parser::literals()
{
    const QByteArray src = "123 123L 1.5f 1.5 1.5d true FALSE null 'x' -2147483648";
    const char *parts[] = {"123",  "123L",  "1.5f", "1.5", "1.5d",
                           "true", "FALSE", "null", "'x'", "-2147483648"};
    const AttrType types[] = {AttrType::Int,    AttrType::Long, AttrType::Float, AttrType::Double,
                              AttrType::Double, AttrType::Bool, AttrType::Bool,  AttrType::Object,
                              AttrType::String, AttrType::Int};
    for (int i = 0; i < 10; ++i) {
        DiagnosticList diagnostics;
        Parser parser(QByteArray(parts[i]), &diagnostics);
        ExprPtr e = parser.parseStandaloneExpression();
        QVERIFY2(e && !diagnostics.hasErrors(), parts[i]);
        QCOMPARE(e->kind, ExprKind::Constant);
        QCOMPARE(e->constant.type, types[i]);
    }
    Q_UNUSED(src);
    DiagnosticList diagnostics;
    Parser parser(QByteArray("3000000000"), &diagnostics);
    parser.parseStandaloneExpression();
    QCOMPARE(diagnostics.errorCount(), 1);
    QVERIFY(diagnostics.items()[0].hint.contains(QStringLiteral("3000000000L")));
}

void tst_Parser::timeValues()
{
    const struct
    {
        const char *text;
        qint64 millis;
    } cases[] = {{"5 sec", 5000},
                 {"1 min", 60000},
                 {"1 hour and 25 min", 3600000 + 25 * 60000},
                 {"2 days 3 hours", 2 * 86400000LL + 3 * 3600000LL},
                 {"100 millisec", 100},
                 {"1 year", 365LL * 86400000LL},
                 {"1 week", 7LL * 86400000LL}};
    for (const auto &c : cases) {
        DiagnosticList diagnostics;
        Parser parser(QByteArray(c.text), &diagnostics);
        ExprPtr e = parser.parseStandaloneExpression();
        QVERIFY2(e && !diagnostics.hasErrors(), c.text);
        QVERIFY(e->constant.isTime);
        QCOMPARE(e->constant.type, AttrType::Long);
        QCOMPARE(e->constant.intValue, c.millis);
    }
}

void tst_Parser::windowsAndHandlers()
{
    auto p = parse("from S[a > 1]#str:tokenize(b, ',')#window.timeBatch(1 min, 0)[c < 2]#log('x') "
                   "select * insert into O;");
    QVERIFY2(!p->diagnostics.hasErrors(), qPrintable(errors(*p)));
    const Query &q = firstQuery(*p);
    QCOMPARE(q.input.kind, InputStream::Single);
    const auto &h = q.input.single.handlers;
    QCOMPARE(int(h.size()), 5);
    QCOMPARE(h[0].kind, StreamHandler::Filter);
    QCOMPARE(h[1].kind, StreamHandler::Function);
    QCOMPARE(h[1].call.qualifiedName(), QStringLiteral("str:tokenize"));
    QCOMPARE(h[2].kind, StreamHandler::Window);
    QCOMPARE(h[2].call.name, QStringLiteral("timeBatch"));
    QCOMPARE(h[2].call.args[0]->constant.intValue, 60000);
    QCOMPARE(h[3].kind, StreamHandler::Filter);
    QCOMPARE(h[4].call.name, QStringLiteral("log"));

    auto two = parse("from S#window.length(1)#window.time(1 sec) select * insert into O;");
    QCOMPARE(two->diagnostics.errorCount(), 1);
    QVERIFY(errors(*two).contains(QStringLiteral("only one window")));
}

void tst_Parser::joins()
{
    const struct
    {
        const char *text;
        JoinType type;
        JoinInput::Trigger trigger;
    } cases[] = {
        {"from A#window.length(1) as a join B#window.length(1) as b on a.x == b.x select a.x "
         "insert into O;",
         JoinType::Inner, JoinInput::Both},
        {"from A inner join T on A.x == T.x select A.x insert into O;", JoinType::Inner,
         JoinInput::Both},
        {"from A#window.time(1 min) left outer join B#window.time(1 min) on A.x == B.x select A.x "
         "insert into O;",
         JoinType::LeftOuter, JoinInput::Both},
        {"from A right outer join B#window.length(5) on A.x == B.x select A.x insert into O;",
         JoinType::RightOuter, JoinInput::Both},
        {"from A full outer join B#window.length(5) on A.x == B.x select A.x insert into O;",
         JoinType::FullOuter, JoinInput::Both},
        {"from A outer join B#window.length(5) on A.x == B.x select A.x insert into O;",
         JoinType::FullOuter, JoinInput::Both},
        {"from A unidirectional join B#window.length(5) select A.x insert into O;", JoinType::Inner,
         JoinInput::LeftOnly},
        {"from A#window.length(5) join B unidirectional select A.x insert into O;", JoinType::Inner,
         JoinInput::RightOnly}};
    for (const auto &c : cases) {
        auto p = parse(c.text);
        QVERIFY2(!p->diagnostics.hasErrors(), qPrintable(QString::fromLatin1(c.text) + errors(*p)));
        const Query &q = firstQuery(*p);
        QCOMPARE(q.input.kind, InputStream::Join);
        QCOMPARE(q.input.join->type, c.type);
        QCOMPARE(q.input.join->trigger, c.trigger);
    }
    auto agg = parse("from S as s join Agg on s.k == Agg.k within '2024-01-01 00:00:00', "
                     "'2025-01-01 00:00:00' per 'days' select s.k insert into O;");
    QVERIFY2(!agg->diagnostics.hasErrors(), qPrintable(errors(*agg)));
    const JoinInput &j = *firstQuery(*agg).input.join;
    QVERIFY(j.withinStart && j.withinEnd && j.per);
    QCOMPARE(j.per->constant.stringValue, QStringLiteral("days"));
}

void tst_Parser::patterns()
{
    auto p = parse("from every (e1=A[price > 10] -> e2=B[price > e1.price]<2:5>) -> not C[x == 1] "
                   "for 5 sec within 10 min "
                   "select e1.symbol, e2[0].price as p0, e2[last].price as pl insert into O;");
    QVERIFY2(!p->diagnostics.hasErrors(), qPrintable(errors(*p)));
    const Query &q = firstQuery(*p);
    QCOMPARE(q.input.kind, InputStream::State);
    const StateInput &s = *q.input.state;
    QVERIFY(!s.isSequence);
    QCOMPARE(s.withinMs, 600000);
    QCOMPARE(s.root->kind, StateElement::Next);
    QCOMPARE(s.root->first->kind, StateElement::Every);
    const StateElement &inner = *s.root->first->first;
    QCOMPARE(inner.kind, StateElement::Next);
    QCOMPARE(inner.first->stream.eventRef, QStringLiteral("e1"));
    QCOMPARE(inner.second->kind, StateElement::Count);
    QCOMPARE(inner.second->minCount, 2);
    QCOMPARE(inner.second->maxCount, 5);
    QCOMPARE(s.root->second->kind, StateElement::Absent);
    QCOMPARE(s.root->second->waitingMs, 5000);

    auto logical = parse("from every e1=A -> e2=B and e3=C select e1.x insert into O;");
    QVERIFY2(!logical->diagnostics.hasErrors(), qPrintable(errors(*logical)));
    const StateElement &root = *firstQuery(*logical).input.state->root;
    QCOMPARE(root.second->kind, StateElement::Logical);
    QVERIFY(root.second->isAnd);

    auto noRef = parse("from A[x > 1] -> B[x > 2] select * insert into O;");
    QVERIFY2(!noRef->diagnostics.hasErrors(), qPrintable(errors(*noRef)));
    QCOMPARE(firstQuery(*noRef).input.kind, InputStream::State);

    auto counts = parse("from e1=A<2:> -> e2=B<:4> -> e3=C<3> select e1[0].x insert into O;");
    QVERIFY2(!counts->diagnostics.hasErrors(), qPrintable(errors(*counts)));
}

void tst_Parser::sequences()
{
    auto p = parse(
        "from every e1=A, e2=B[x > e1.x]+, e3=C*, e4=D? within 1 min select e1.x insert into O;");
    QVERIFY2(!p->diagnostics.hasErrors(), qPrintable(errors(*p)));
    const StateInput &s = *firstQuery(*p).input.state;
    QVERIFY(s.isSequence);
    const StateElement &second = *s.root->second->first;
    QCOMPARE(second.kind, StateElement::Count);
    QCOMPARE(second.minCount, 1);
    QCOMPARE(second.maxCount, -1);

    auto mixed = parse("from e1=A -> e2=B, e3=C select e1.x insert into O;");
    QVERIFY(errors(*mixed).contains(QStringLiteral("either a pattern")));
}

void tst_Parser::outputClauses()
{
    auto p = parse("from S select a, count() as n group by a having n > 2 order by a desc, n limit "
                   "10 offset 2 "
                   "output last every 5 events insert expired events into O;\n"
                   "from S select * output snapshot every 1 sec insert all events into O2;\n"
                   "from S select * output first every 2 min insert into O3;\n"
                   "from S delete T for expired events on T.a == a;\n"
                   "from S update T set T.b = b on T.a == a;\n"
                   "from S update or insert into T set T.b = b on T.a == a;\n"
                   "from S select a return;");
    QVERIFY2(!p->diagnostics.hasErrors(), qPrintable(errors(*p)));
    const auto &ex = p->app->executions;
    const Query &q0 = *ex[0].query;
    QCOMPARE(int(q0.selector.groupBy.size()), 1);
    QVERIFY(q0.selector.having);
    QCOMPARE(int(q0.selector.orderBy.size()), 2);
    QVERIFY(q0.selector.orderBy[0].descending);
    QCOMPARE(q0.rate.kind, OutputRate::Events);
    QCOMPARE(q0.rate.type, OutputRate::Last);
    QCOMPARE(q0.rate.value, 5);
    QCOMPARE(q0.output.eventType, OutputEventType::Expired);
    QCOMPARE(ex[1].query->rate.kind, OutputRate::Snapshot);
    QCOMPARE(ex[1].query->output.eventType, OutputEventType::All);
    QCOMPARE(ex[2].query->rate.type, OutputRate::First);
    QCOMPARE(ex[2].query->rate.value, 120000);
    QCOMPARE(ex[3].query->output.kind, QueryOutput::Delete);
    QCOMPARE(ex[3].query->output.eventType, OutputEventType::Expired);
    QCOMPARE(ex[4].query->output.kind, QueryOutput::Update);
    QCOMPARE(int(ex[4].query->output.set.size()), 1);
    QCOMPARE(ex[5].query->output.kind, QueryOutput::UpdateOrInsert);
    QCOMPARE(ex[6].query->output.kind, QueryOutput::Return);
}

void tst_Parser::partitions()
{
    auto p =
        parse("partition with (symbol of S, price < 10 as 'low' or price >= 10 as 'high' of T)\n"
              "begin\n"
              "  @info(name='q1') from S select symbol, count() as n insert into #Inner;\n"
              "  from #Inner select * insert into Out;\n"
              "end;");
    QVERIFY2(!p->diagnostics.hasErrors(), qPrintable(errors(*p)));
    const Partition &part = *p->app->executions[0].partition;
    QCOMPARE(int(part.withs.size()), 2);
    QVERIFY(!part.withs[0].isRange());
    QCOMPARE(int(part.withs[1].ranges.size()), 2);
    QCOMPARE(part.withs[1].ranges[1].label, QStringLiteral("high"));
    QCOMPARE(int(part.queries.size()), 2);
    QVERIFY(part.queries[0]->output.target.inner);
    QVERIFY(part.queries[1]->input.single.source.inner);
    QCOMPARE(part.queries[0]->name(), QStringLiteral("q1"));
}

void tst_Parser::anonymousQuery()
{
    auto p = parse("from (from S#window.length(5) select a, avg(b) as m return) [m > 1] select a "
                   "insert into O;");
    QVERIFY2(!p->diagnostics.hasErrors(), qPrintable(errors(*p)));
    const Query &q = firstQuery(*p);
    QCOMPARE(q.input.kind, InputStream::Anonymous);
    QCOMPARE(q.input.anonymous->output.kind, QueryOutput::Return);
}

void tst_Parser::onDemandQueries()
{
    const char *ok[] = {
        "from T on price > 10 select symbol, price order by price desc limit 5",
        "from T select *",
        "select 'IBM' as symbol, 10.0 as price insert into T",
        "select 'IBM' as symbol update or insert into T set T.price = 20.0 on T.symbol == symbol",
        "delete T on T.symbol == 'IBM'",
        "update T set T.price = 1.0 on T.symbol == 'IBM'",
        "from Agg within '2024-**-** **:**:**' per 'hours' select k, total"};
    for (const char *text : ok) {
        DiagnosticList diagnostics;
        Parser parser(QByteArray(text), &diagnostics);
        auto q = parser.parseOnDemandQuery();
        QVERIFY2(q && !diagnostics.hasErrors(), text);
    }
}

void tst_Parser::keywordsAsNames()
{
    // Siddhi's grammar lets every keyword be a name (name : id | keyword).
    auto p = parse("define stream In (start long, end long, window string, select int);\n"
                   "define table As (of int);\n"
                   "from In[end > start] select start, end, In.select, and(end > 0) as limit "
                   "insert into Out;\n"
                   "from In join As on As.of == In.select select end insert into Of;\n"
                   "partition with (end of In) begin from In select end insert into #Set; end;\n");
    QVERIFY2(!p->diagnostics.hasErrors(), qPrintable(errors(*p)));
    QCOMPARE(p->app->definitions[0]->attributes[1].name, QStringLiteral("end"));
    const Query &q = firstQuery(*p);
    QCOMPARE(q.input.single.source.name, QStringLiteral("In"));
    QCOMPARE(int(q.selector.attributes.size()), 4);
    QCOMPARE(q.selector.attributes[2].expr->stream, QStringLiteral("In"));
    QCOMPARE(q.selector.attributes[3].expr->kind, ExprKind::Function);
    QCOMPARE(q.selector.attributes[3].rename, QStringLiteral("limit"));

    // Even a clause keyword names an attribute where an operator follows it.
    auto p2 = parse("define stream Oven (on bool, from int);\n"
                    "from Oven[on == true and from > 2] select from + 1 as f insert into O;\n");
    QVERIFY2(!p2->diagnostics.hasErrors(), qPrintable(errors(*p2)));
}

void tst_Parser::clauseKeywordIsNotTakenAsName()
{
    // Where a name or a clause could follow, a clause keyword is the clause: a forgotten name
    // is reported as missing rather than swallowing the clause.
    auto p = parse("define stream S (a int);\nfrom S select a as insert into O;\n");
    QCOMPARE(p->diagnostics.errorCount(), 1);
    QVERIFY2(errors(*p).contains(QStringLiteral("2:20 expected a name after 'as'")),
             qPrintable(errors(*p)));
}

void tst_Parser::recoveryReportsEveryStatement()
{
    auto p = parse("define stream S (a int);\n"
                   "from S[a > ] select a insert into O1;\n"
                   "define stream T (b int;\n"
                   "from S select a insert O3;\n"
                   "from S select a insert into O4;\n");
    QCOMPARE(p->diagnostics.errorCount(), 3);
    const auto items = p->diagnostics.sorted();
    QCOMPARE(items[0].range.line, 2);
    QCOMPARE(items[1].range.line, 3);
    QCOMPARE(items[2].range.line, 4);
    // The statements after the errors still parse.
    QCOMPARE(int(p->app->executions.size()), 1);
    QCOMPARE(p->app->executions[0].query->output.target.name, QStringLiteral("O4"));
}

void tst_Parser::missingSemicolonIsReportedOnce()
{
    auto p = parse(
        "define stream S (a int)\nfrom S select a insert into O\nfrom O select a insert into P;");
    QCOMPARE(p->diagnostics.errorCount(), 2);
    QVERIFY(errors(*p).contains(QStringLiteral("missing ';'")));
    QCOMPARE(int(p->app->executions.size()), 2);
}

void tst_Parser::incompleteDefinitionIsKept()
{
    auto p = parse("define stream S (a int, b );\nfrom S select a insert into O;");
    QCOMPARE(p->diagnostics.errorCount(), 1);
    QCOMPARE(int(p->app->definitions.size()), 1);
    QVERIFY(p->app->definitions[0]->incomplete);
}

void tst_Parser::deepNestingIsAnError()
{
    QByteArray deep = "define stream S (a int);\nfrom S[" + QByteArray(10000, '(') + "a > 1"
                      + QByteArray(10000, ')')
                      + "] select a insert into O;\ndefine stream Z (b int);";
    auto p = parse(deep);
    QVERIFY(p->diagnostics.hasErrors());
    QVERIFY(errors(*p).contains(QStringLiteral("nesting is too deep")));
    // The statement after it is still parsed.
    QCOMPARE(p->app->definitions.back()->name, QStringLiteral("Z"));

    QByteArray deepNot = "from S[" + QByteArray().fill('n', 0);
    for (int i = 0; i < 5000; ++i)
        deepNot += "not ";
    deepNot += "true] select a insert into O;";
    auto q = parse(deepNot);
    QVERIFY(q->diagnostics.hasErrors());
}

void tst_Parser::garbageNeverCrashes()
{
    QRandomGenerator rng(7);
    const QByteArray alphabet =
        "from select insert into define stream ( ) [ ] # @ -> , ; . = == and or not every "
        "window.length 5 sec 'x' \" ` { } < > : e1 S T";
    const QList<QByteArray> words = alphabet.split(' ');
    for (int round = 0; round < 300; ++round) {
        QByteArray text;
        const int n = rng.bounded(1, 80);
        for (int i = 0; i < n; ++i)
            text += words[rng.bounded(int(words.size()))] + ' ';
        auto p = parse(text);
        QVERIFY(p->app);
    }
    QByteArray binary(65536, '\0');
    for (char &c : binary)
        c = char(rng.bounded(256));
    auto p = parse(binary);
    QVERIFY(p->app);
    QVERIFY(p->diagnostics.hasErrors());
}

void tst_Parser::largeFile()
{
    // About 10 MB: parses (and recovers) without trouble.
    QByteArray big = "@App:name('Big')\ndefine stream S (a int, b string);\n";
    const QByteArray query = "from S[a > 10 and b == 'x']#window.length(10) select a, b, sum(a) as "
                             "s group by b insert into O;\n";
    while (big.size() < 10 * 1024 * 1024)
        big += query;
    auto p = parse(big);
    QVERIFY(!p->diagnostics.hasErrors());
    QVERIFY(p->app->executions.size() > 100000);
}

void tst_Parser::unterminatedStringEndsTheStatement()
{
    // The lexer reports the unterminated string; the parser adds nothing for that statement
    // and goes on with the next one.
    auto p = parse("define stream S (n string);\n"
                   "from S[n == 'oops] select n insert into O;\n"
                   "from S select n insert into P;\n");
    QCOMPARE(p->diagnostics.errorCount(), 1);
    QVERIFY(errors(*p).startsWith(QStringLiteral("2:13 unterminated string")));
    QCOMPARE(int(p->app->executions.size()), 1);
    QCOMPARE(p->app->executions[0].query->output.target.name, QStringLiteral("P"));
}

void tst_Parser::aggregationHasNoHaving()
{
    auto p = parse("define stream S (k string, v double);\n"
                   "define aggregation A from S select k, sum(v) as t group by k having t > 1.0 "
                   "aggregate every sec ... min;");
    QCOMPARE(p->diagnostics.errorCount(), 1);
    QVERIFY2(errors(*p).contains(QStringLiteral("an aggregation has no 'having'")),
             qPrintable(errors(*p)));
    // The rest of the definition is still read.
    QCOMPARE(p->app->definitions[1]->granularities.size(), 2);
}

void tst_Parser::brokenPartitionHeaderSkipsItsBody()
{
    auto p = parse("define stream S (a int);\n"
                   "partition with (a of S)\n"
                   "    from S select a insert into O;\n"
                   "end;\n"
                   "from S select a insert into P;\n");
    QCOMPARE(p->diagnostics.errorCount(), 1);
    QVERIFY2(errors(*p).startsWith(QStringLiteral("3:5 expected 'begin'")), qPrintable(errors(*p)));
    QCOMPARE(int(p->app->executions.size()), 1);
    QCOMPARE(p->app->executions[0].query->output.target.name, QStringLiteral("P"));
}

QTEST_APPLESS_MAIN(tst_Parser)
#include "tst_parser.moc"
