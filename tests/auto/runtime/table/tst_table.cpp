// Tables: how conditions are planned (key lookups or scans), and the indexes staying right
// through inserts, updates and deletes.
#include "engine/lang/analyzer.h"
#include "engine/lang/diagnostic.h"
#include "engine/lang/parser.h"
#include "engine/lang/semanticmodel.h"
#include "engine/runtime/appcontext.h"
#include "engine/runtime/table.h"

#include <QTest>

using namespace Rivulet;
using namespace Rivulet::Runtime;

namespace {

Lang::Schema schema(const QString &name, QList<Lang::AttributeInfo> attributes)
{
    Lang::Schema s;
    s.name = name;
    s.attributes = std::move(attributes);
    return s;
}

// Probe stream S (symbol string, n int, d double) in slot 0, table T in slot 1.
struct Fixture
{
    Lang::Schema s = schema(QStringLiteral("S"), {{QStringLiteral("symbol"), AttrType::String},
                                                  {QStringLiteral("n"), AttrType::Int},
                                                  {QStringLiteral("d"), AttrType::Double}});
    Lang::Schema t = schema(QStringLiteral("T"), {{QStringLiteral("symbol"), AttrType::String},
                                                  {QStringLiteral("price"), AttrType::Float},
                                                  {QStringLiteral("volume"), AttrType::Long}});
    std::shared_ptr<EventLayout> sLayout = std::make_shared<EventLayout>(
        QList<AttrType>{AttrType::String, AttrType::Int, AttrType::Double});
    std::shared_ptr<EventLayout> tLayout = std::make_shared<EventLayout>(
        QList<AttrType>{AttrType::String, AttrType::Float, AttrType::Long},
        QStringList{QStringLiteral("symbol"), QStringLiteral("price"), QStringLiteral("volume")});
    AppContext app;
    Table table{QStringLiteral("T"), tLayout, {0}, {2}, &app};
    std::vector<std::unique_ptr<Lang::Ast::Expr>> exprs;

    std::unique_ptr<TableCondition> plan(const QString &text)
    {
        Lang::DiagnosticList diagnostics;
        const QByteArray source = text.toUtf8();
        Lang::Parser parser(source, &diagnostics);
        exprs.push_back(parser.parseStandaloneExpression());
        Lang::Analyzer analyzer(&diagnostics);
        analyzer.analyzeExpression(
            *exprs.back(), {Lang::ScopeInput{QStringLiteral("S"), {}, &s, true, false, true},
                            Lang::ScopeInput{QStringLiteral("T"), {}, &t, false, false, true}});
        if (diagnostics.hasErrors())
            return nullptr;
        QString error;
        CompileOptions options;
        options.app = &app;
        return table.compileCondition(exprs.back().get(), 1, options, &error);
    }
    void insert(const char *symbol, float price, long long volume)
    {
        Event *e = tLayout->allocate();
        StringData *str = StringData::make(std::string_view(symbol));
        Value v;
        v.s = str;
        tLayout->set(e, 0, v);
        str->deref();
        tLayout->set(e, 1, Value::ofFloat(price));
        tLayout->set(e, 2, Value::ofLong(volume));
        QString error;
        table.insert(e, &error);
        tLayout->release(e);
    }
    // The symbols of the rows matching the condition for probe (symbol, n, d).
    QStringList match(const TableCondition &c, const char *symbol, int n, double d)
    {
        Event *e = sLayout->allocate();
        StringData *str = StringData::make(std::string_view(symbol));
        Value v;
        v.s = str;
        sLayout->set(e, 0, v);
        str->deref();
        sLayout->set(e, 1, Value::ofInt(n));
        sLayout->set(e, 2, Value::ofDouble(d));
        Event *slots[2] = {e, nullptr};
        EvalContext ctx;
        ctx.slots = slots;
        ctx.app = &app;
        QStringList out;
        c.forEachMatch(ctx, slots, [&](Event *row) { out << row->value(0).s->toQString(); });
        sLayout->release(e);
        return out;
    }
};

} // namespace

class tst_Table : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void plans_data();
    void plans();
    void lookups();
    void primaryKeyDuplicates();
    void updateMovesKeys();
    void manyRowsDeleted();
};

void tst_Table::plans_data()
{
    QTest::addColumn<QString>("condition");
    QTest::addColumn<QString>("plan");
    QTest::newRow("key") << QStringLiteral("T.symbol == S.symbol") << QStringLiteral("primary key");
    QTest::newRow("key, either side")
        << QStringLiteral("S.symbol == T.symbol") << QStringLiteral("primary key");
    QTest::newRow("key and more") << QStringLiteral("T.symbol == S.symbol and T.price > 10")
                                  << QStringLiteral("primary key");
    QTest::newRow("key from a constant")
        << QStringLiteral("T.symbol == 'IBM'") << QStringLiteral("primary key");
    QTest::newRow("index, int probe of a long")
        << QStringLiteral("T.volume == S.n") << QStringLiteral("index on volume");
    QTest::newRow("not equal") << QStringLiteral("T.symbol != S.symbol") << QStringLiteral("scan");
    QTest::newRow("or") << QStringLiteral("T.symbol == S.symbol or T.volume == 1")
                        << QStringLiteral("scan");
    QTest::newRow("probe reads the row")
        << QStringLiteral("T.symbol == T.symbol") << QStringLiteral("scan");
    QTest::newRow("double probe of a long index would round")
        << QStringLiteral("T.volume == S.d") << QStringLiteral("scan");
    QTest::newRow("not indexed") << QStringLiteral("T.price == S.n") << QStringLiteral("scan");
}

void tst_Table::plans()
{
    QFETCH(QString, condition);
    QFETCH(QString, plan);
    Fixture f;
    auto c = f.plan(condition);
    QVERIFY(c);
    QCOMPARE(c->planText(), plan);
}

void tst_Table::lookups()
{
    Fixture f;
    f.insert("WSO2", 55.5f, 100);
    f.insert("IBM", 75.5f, 10);
    f.insert("ORCL", 12.0f, 100);
    auto key = f.plan(QStringLiteral("T.symbol == S.symbol and T.volume > S.n"));
    QCOMPARE(f.match(*key, "IBM", 5, 0), QStringList{QStringLiteral("IBM")});
    QCOMPARE(f.match(*key, "IBM", 50, 0), QStringList());
    QCOMPARE(f.match(*key, "XYZ", 0, 0), QStringList());
    auto index = f.plan(QStringLiteral("T.volume == S.n"));
    QCOMPARE(f.match(*index, "", 100, 0),
             (QStringList{QStringLiteral("WSO2"), QStringLiteral("ORCL")}));
    auto scan = f.plan(QStringLiteral("T.price > S.d"));
    QCOMPARE(f.match(*scan, "", 0, 50.0),
             (QStringList{QStringLiteral("WSO2"), QStringLiteral("IBM")}));
}

void tst_Table::primaryKeyDuplicates()
{
    Fixture f;
    f.insert("IBM", 75.5f, 10);
    f.insert("IBM", 80.0f, 20);
    QCOMPARE(f.table.size(), size_t(1));
    auto c = f.plan(QStringLiteral("T.symbol == S.symbol"));
    Event *row = nullptr;
    Event *e = f.sLayout->allocate();
    StringData *str = StringData::make(std::string_view("IBM"));
    Value v;
    v.s = str;
    f.sLayout->set(e, 0, v);
    str->deref();
    Event *slots[2] = {e, nullptr};
    EvalContext ctx;
    ctx.slots = slots;
    c->forEachMatch(ctx, slots, [&](Event *r) { row = r; });
    f.sLayout->release(e);
    QVERIFY(row);
    QCOMPARE(row->value(2).l, 10);
}

void tst_Table::updateMovesKeys()
{
    Fixture f;
    f.insert("WSO2", 55.5f, 100);
    f.insert("IBM", 75.5f, 10);
    auto key = f.plan(QStringLiteral("T.symbol == S.symbol"));
    auto index = f.plan(QStringLiteral("T.volume == S.n"));
    std::vector<Event *> rows;
    f.table.rows(rows);
    Event *ibm = rows[1];
    StringData *renamed = StringData::make(std::string_view("IBM2"));
    Value v;
    v.s = renamed;
    QString error;
    QVERIFY(f.table.update(ibm, {{0, v, false}, {2, Value::ofLong(100), false}}, &error));
    renamed->deref();
    QCOMPARE(f.match(*key, "IBM", 0, 0), QStringList());
    QCOMPARE(f.match(*key, "IBM2", 0, 0), QStringList{QStringLiteral("IBM2")});
    QCOMPARE(f.match(*index, "", 10, 0), QStringList());
    QCOMPARE(f.match(*index, "", 100, 0),
             (QStringList{QStringLiteral("WSO2"), QStringLiteral("IBM2")}));
    // A change to another row's key is refused.
    StringData *taken = StringData::make(std::string_view("WSO2"));
    v.s = taken;
    QVERIFY(!f.table.update(ibm, {{0, v, false}}, &error));
    taken->deref();
    QVERIFY(!error.isEmpty());
    QCOMPARE(f.match(*key, "IBM2", 0, 0), QStringList{QStringLiteral("IBM2")});
}

void tst_Table::manyRowsDeleted()
{
    Fixture f;
    for (int i = 0; i < 2000; ++i)
        f.insert(qPrintable(QStringLiteral("S%1").arg(i)), float(i), i % 10);
    std::vector<Event *> rows;
    f.table.rows(rows);
    for (size_t i = 0; i < rows.size(); ++i) {
        if (i % 3 != 0)
            f.table.remove(rows[i]);
    }
    QCOMPARE(f.table.size(), size_t(667));
    auto key = f.plan(QStringLiteral("T.symbol == S.symbol"));
    QCOMPARE(f.match(*key, "S999", 0, 0), QStringList{QStringLiteral("S999")});
    QCOMPARE(f.match(*key, "S1000", 0, 0), QStringList());
    auto index = f.plan(QStringLiteral("T.volume == S.n"));
    // Rows 0, 3, 6, ... with volume 3: i % 10 == 3 and i % 3 == 0, i.e. 3, 33, 63, ...
    const QStringList three = f.match(*index, "", 3, 0);
    QCOMPARE(three.size(), 67);
    QCOMPARE(three.first(), QStringLiteral("S3"));
    QCOMPARE(three.at(1), QStringLiteral("S33"));
    rows.clear();
    f.table.rows(rows);
    QCOMPARE(rows.size(), size_t(667));
    QCOMPARE(rows.back()->value(0).s->toQString(), QStringLiteral("S1998"));
}

QTEST_APPLESS_MAIN(tst_Table)
#include "tst_table.moc"
