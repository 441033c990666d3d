// RANDOM_DATA_SIMULATION's generators: ranges, precision, string lengths, lists, properties,
// patterns, timestamps, seeds, and the messages for configs that do not fit the stream.
#include "../simulatortest.h"

#include "simulator/properties.h"

#include <QRegularExpression>
#include <QSet>
#include <QTest>

#include <cmath>

using namespace SimTest;

class tst_Generators : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void integerRange_data();
    void integerRange();
    void realRangeAndPrecision_data();
    void realRangeAndPrecision();
    void primitiveStringsAndBools();
    void customList();
    void regexBased();
    void regexForNumbers();
    void propertyBased_data();
    void propertyBased();
    void everyPropertyGenerates();
    void timestamps();
    void seeded();
    void configErrors_data();
    void configErrors();
};

namespace {

QJsonObject randomSource(const QJsonArray &generators, const QJsonObject &extra = {})
{
    QJsonObject o{{QStringLiteral("simulationType"), QStringLiteral("RANDOM_DATA_SIMULATION")},
                  {QStringLiteral("streamName"), QStringLiteral("S")},
                  {QStringLiteral("attributeConfiguration"), generators}};
    for (auto it = extra.begin(); it != extra.end(); ++it)
        o.insert(it.key(), it.value());
    return o;
}

QJsonObject primitive(const QJsonObject &fields)
{
    QJsonObject o = fields;
    o.insert(QStringLiteral("type"), QStringLiteral("PRIMITIVE_BASED"));
    return o;
}

} // namespace

void tst_Generators::integerRange_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<QJsonValue>("min");
    QTest::addColumn<QJsonValue>("max");
    QTest::addColumn<qint64>("lo");
    QTest::addColumn<qint64>("hi");
    QTest::newRow("int, numbers") << "int" << QJsonValue(-5) << QJsonValue(5) << qint64(-5)
                                  << qint64(5);
    QTest::newRow("int, strings as WSO2 writes them")
        << "int" << QJsonValue(QStringLiteral("150")) << QJsonValue(QStringLiteral("155"))
        << qint64(150) << qint64(155);
    QTest::newRow("long beyond 2^53") << "long" << QJsonValue(QStringLiteral("9007199254740993"))
                                      << QJsonValue(QStringLiteral("9007199254740995"))
                                      << qint64(9007199254740993) << qint64(9007199254740995);
    QTest::newRow("single value") << "long" << QJsonValue(7) << QJsonValue(7) << qint64(7)
                                  << qint64(7);
}

void tst_Generators::integerRange()
{
    QFETCH(QString, type);
    QFETCH(QJsonValue, min);
    QFETCH(QJsonValue, max);
    QFETCH(qint64, lo);
    QFETCH(qint64, hi);
    const Pulled p = pull(
        randomSource({primitive({{QStringLiteral("min"), min}, {QStringLiteral("max"), max}})}),
        schema(QStringLiteral("S"), QStringLiteral("v ") + type), 2000);
    QVERIFY2(p.error.isEmpty(), qPrintable(p.error));
    QCOMPARE(p.rows.size(), size_t(2000));
    QSet<qint64> seen;
    for (const QVariantList &row : p.rows) {
        const qint64 v = row[0].toLongLong();
        QVERIFY2(v >= lo && v <= hi, qPrintable(QString::number(v)));
        seen.insert(v);
    }
    // Both ends are reached: the range is inclusive.
    QVERIFY(seen.contains(lo));
    QVERIFY(seen.contains(hi));
}

void tst_Generators::realRangeAndPrecision_data()
{
    QTest::addColumn<QString>("type");
    QTest::addColumn<double>("min");
    QTest::addColumn<double>("max");
    QTest::addColumn<int>("precision");
    QTest::newRow("double, 2 places") << "double" << 10.0 << 20.0 << 2;
    QTest::newRow("double, 0 places") << "double" << -3.0 << 3.0 << 0;
    QTest::newRow("float, 1 place") << "float" << 0.0 << 1.0 << 1;
    QTest::newRow("float, 3 places") << "float" << 30000.0 << 35000.0 << 3;
    QTest::newRow("double, bounds between steps") << "double" << 0.125 << 0.149 << 2;
}

void tst_Generators::realRangeAndPrecision()
{
    QFETCH(QString, type);
    QFETCH(double, min);
    QFETCH(double, max);
    QFETCH(int, precision);
    const Pulled p =
        pull(randomSource({primitive({{QStringLiteral("min"), min},
                                      {QStringLiteral("max"), max},
                                      {QStringLiteral("precision"), QString::number(precision)}})}),
             schema(QStringLiteral("S"), QStringLiteral("v ") + type), 2000);
    QVERIFY2(p.error.isEmpty(), qPrintable(p.error));
    const double scale = std::pow(10.0, precision);
    QSet<double> distinct;
    for (const QVariantList &row : p.rows) {
        const double v = row[0].toDouble();
        QVERIFY2(v >= min - 1e-9 && v <= max + 1e-9, qPrintable(QString::number(v, 'g', 17)));
        // No more decimal places than asked for (floats: to a float's precision).
        const double scaled = v * scale;
        const double tolerance = type == QLatin1String("float") ? std::fabs(scaled) * 1e-6 : 1e-6;
        QVERIFY2(std::fabs(scaled - std::round(scaled)) <= tolerance + 1e-9,
                 qPrintable(QString::number(v, 'g', 17)));
        distinct.insert(v);
    }
    QVERIFY(distinct.size() > 1);
}

void tst_Generators::primitiveStringsAndBools()
{
    const Pulled p =
        pull(randomSource({primitive({{QStringLiteral("length"), 12}}), primitive({}),
                           primitive({{QStringLiteral("length"), QStringLiteral("1")}})}),
             schema(QStringLiteral("S"), QStringLiteral("s string, b bool, c string")), 500);
    QVERIFY2(p.error.isEmpty(), qPrintable(p.error));
    const QRegularExpression alnum(QStringLiteral("^[A-Za-z0-9]{12}$"));
    QSet<bool> bools;
    for (const QVariantList &row : p.rows) {
        QVERIFY2(alnum.match(row[0].toString()).hasMatch(), qPrintable(row[0].toString()));
        QCOMPARE(row[2].toString().size(), 1);
        bools.insert(row[1].toBool());
    }
    QCOMPARE(bools.size(), 2);
}

void tst_Generators::customList()
{
    const QJsonObject names{
        {QStringLiteral("type"), QStringLiteral("CUSTOM_DATA_BASED")},
        {QStringLiteral("list"),
         QJsonArray{QStringLiteral("WSO2"), QStringLiteral("IBM"), QStringLiteral("ORCL")}}};
    // WSO2's studio writes lists as one comma-separated string.
    const QJsonObject prices{{QStringLiteral("type"), QStringLiteral("CUSTOM_DATA_BASED")},
                             {QStringLiteral("list"), QStringLiteral("1.5, 2.5,3.5")}};
    const QJsonObject counts{{QStringLiteral("type"), QStringLiteral("CUSTOM_DATA_BASED")},
                             {QStringLiteral("list"), QJsonArray{10, 20, 30}}};
    const Pulled p =
        pull(randomSource({names, prices, counts}),
             schema(QStringLiteral("S"), QStringLiteral("s string, p double, n int")), 600);
    QVERIFY2(p.error.isEmpty(), qPrintable(p.error));
    QSet<QString> s;
    QSet<double> d;
    QSet<int> n;
    for (const QVariantList &row : p.rows) {
        s.insert(row[0].toString());
        d.insert(row[1].toDouble());
        n.insert(row[2].toInt());
    }
    QCOMPARE(
        s, (QSet<QString>{QStringLiteral("WSO2"), QStringLiteral("IBM"), QStringLiteral("ORCL")}));
    QCOMPARE(d, (QSet<double>{1.5, 2.5, 3.5}));
    QCOMPARE(n, (QSet<int>{10, 20, 30}));
}

void tst_Generators::regexBased()
{
    const QString pattern = QStringLiteral("loc-train-(qnt|abc)-[0-9]{3}");
    const Pulled p =
        pull(randomSource({QJsonObject{{QStringLiteral("type"), QStringLiteral("REGEX_BASED")},
                                       {QStringLiteral("pattern"), pattern}}}),
             schema(QStringLiteral("S"), QStringLiteral("id string")), 300);
    QVERIFY2(p.error.isEmpty(), qPrintable(p.error));
    const QRegularExpression re(QRegularExpression::anchoredPattern(pattern));
    for (const QVariantList &row : p.rows)
        QVERIFY2(re.match(row[0].toString()).hasMatch(), qPrintable(row[0].toString()));
}

void tst_Generators::regexForNumbers()
{
    // A pattern of digits fills an int; one that makes text is sent as null, with one warning.
    const Pulled p = pull(
        randomSource({QJsonObject{{QStringLiteral("type"), QStringLiteral("REGEX_BASED")},
                                  {QStringLiteral("pattern"), QStringLiteral("[1-9][0-9]{2}")}},
                      QJsonObject{{QStringLiteral("type"), QStringLiteral("REGEX_BASED")},
                                  {QStringLiteral("pattern"), QStringLiteral("x[0-9]")}}}),
        schema(QStringLiteral("S"), QStringLiteral("a int, b long")), 50);
    QVERIFY2(p.error.isEmpty(), qPrintable(p.error));
    for (const QVariantList &row : p.rows) {
        QVERIFY(row[0].toInt() >= 100 && row[0].toInt() <= 999);
        QVERIFY(row[1].isNull());
    }
    QCOMPARE(p.warnings.size(), 1);
    QVERIFY2(p.warnings.first().contains(QStringLiteral("attribute 'b' is a long")),
             qPrintable(p.warnings.first()));
}

void tst_Generators::propertyBased_data()
{
    QTest::addColumn<QString>("property");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("pattern");
    QTest::newRow("FULL_NAME") << "FULL_NAME"
                               << "string"
                               << "^[A-Z][a-z]+ [A-Z][a-z]+$";
    QTest::newRow("EMAIL") << "EMAIL"
                           << "string"
                           << "^[a-z-]+\\.[a-z-]+@[a-z.]+\\.[a-z]+$";
    QTest::newRow("UUID")
        << "UUID"
        << "string"
        << "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$";
    QTest::newRow("IP") << "ip"
                        << "string"
                        << "^(\\d{1,3}\\.){3}\\d{1,3}$";
    QTest::newRow("MAC_ADDRESS") << "MAC_ADDRESS"
                                 << "string"
                                 << "^([0-9a-f]{2}:){5}[0-9a-f]{2}$";
    QTest::newRow("TIME_24H") << "TIME_24H"
                              << "string"
                              << "^([01]\\d|2[0-3]):[0-5]\\d$";
    QTest::newRow("DATE") << "DATE"
                          << "string"
                          << "^\\d{2}-\\d{2}-\\d{4} \\d{2}:\\d{2}:\\d{2}$";
    QTest::newRow("VISA_CARD") << "VISA_CARD"
                               << "string"
                               << "^4\\d{15}$";
    QTest::newRow("CITY") << "CITY"
                          << "string"
                          << "^[A-Z][a-z]+$";
    QTest::newRow("HOUSE_NO as int") << "HOUSE_NO"
                                     << "int"
                                     << "^([1-9]\\d?|[12]\\d\\d|300)$";
    QTest::newRow("YEAR as string") << "YEAR"
                                    << "string"
                                    << "^(19[7-9]\\d|20[0-2]\\d|203[0-5])$";
    QTest::newRow("LATITUDE as double") << "LATITUDE"
                                        << "double"
                                        << "^-?\\d{1,2}(\\.\\d+)?$";
}

void tst_Generators::propertyBased()
{
    QFETCH(QString, property);
    QFETCH(QString, type);
    QFETCH(QString, pattern);
    const Pulled p =
        pull(randomSource({QJsonObject{{QStringLiteral("type"), QStringLiteral("PROPERTY_BASED")},
                                       {QStringLiteral("property"), property}}}),
             schema(QStringLiteral("S"), QStringLiteral("v ") + type), 200);
    QVERIFY2(p.error.isEmpty(), qPrintable(p.error));
    const QRegularExpression re(pattern);
    for (const QVariantList &row : p.rows) {
        const QString text = row[0].typeId() == QMetaType::Double
                                 ? QString::number(row[0].toDouble(), 'f', 6)
                                 : row[0].toString();
        QVERIFY2(re.match(text).hasMatch(), qPrintable(text));
    }
    if (property == QLatin1String("VISA_CARD")) {
        // The Luhn check digit is right.
        for (const QVariantList &row : p.rows) {
            const QString digits = row[0].toString();
            int sum = 0;
            for (int i = 0; i < digits.size(); ++i) {
                int d = digits[digits.size() - 1 - i].digitValue();
                if (i % 2 == 1) {
                    d *= 2;
                    if (d > 9)
                        d -= 9;
                }
                sum += d;
            }
            QCOMPARE(sum % 10, 0);
        }
    }
}

void tst_Generators::everyPropertyGenerates()
{
    for (const QString &name : PropertyGenerator::propertyNames()) {
        PropertyGenerator g;
        QString error;
        QVERIFY2(g.setProperty(name, &error), qPrintable(error));
        Random rng(11);
        for (int i = 0; i < 20; ++i) {
            std::string text;
            double number = std::nan("");
            g.generate(rng, 1'700'000'000'000, text, &number);
            if (g.kind() == PropertyGenerator::Kind::Text)
                QVERIFY2(!text.empty(), qPrintable(name));
            else
                QVERIFY2(std::isfinite(number) && text.empty(), qPrintable(name));
        }
    }
    PropertyGenerator g;
    QString error;
    QVERIFY(!g.setProperty(QStringLiteral("SHOE_SIZE"), &error));
    QVERIFY2(error.contains(QStringLiteral("unknown property 'SHOE_SIZE'"))
                 && error.contains(QStringLiteral("FULL_NAME")),
             qPrintable(error));
}

void tst_Generators::timestamps()
{
    const QJsonObject gen = primitive({{QStringLiteral("min"), 1}, {QStringLiteral("max"), 2}});
    // Every timestampInterval ms from the start, until the end time.
    Pulled p =
        pull(randomSource({gen}, {{QStringLiteral("timestampInterval"), QStringLiteral("5")}}),
             schema(QStringLiteral("S"), QStringLiteral("v int")), 100, 7, 1000, 1022);
    QVERIFY2(p.error.isEmpty(), qPrintable(p.error));
    QCOMPARE(p.timestamps, (std::vector<qint64>{1000, 1005, 1010, 1015, 1020}));
    // WSO2's default: one second apart.
    p = pull(randomSource({gen}), schema(QStringLiteral("S"), QStringLiteral("v int")), 3);
    QCOMPARE(p.timestamps, (std::vector<qint64>{1000, 2000, 3000}));
}

void tst_Generators::seeded()
{
    const QJsonObject src =
        randomSource({primitive({{QStringLiteral("length"), 6}}),
                      primitive({{QStringLiteral("min"), 0},
                                 {QStringLiteral("max"), 1},
                                 {QStringLiteral("precision"), 4}}),
                      QJsonObject{{QStringLiteral("type"), QStringLiteral("PROPERTY_BASED")},
                                  {QStringLiteral("property"), QStringLiteral("FULL_NAME")}}});
    const StreamSchema s =
        schema(QStringLiteral("S"), QStringLiteral("a string, b double, c string"));
    const Pulled a = pull(src, s, 50, 1234);
    const Pulled b = pull(src, s, 50, 1234);
    const Pulled c = pull(src, s, 50, 1235);
    QCOMPARE(a.rows, b.rows);
    QVERIFY(a.rows != c.rows);
}

void tst_Generators::configErrors_data()
{
    QTest::addColumn<QJsonArray>("generators");
    QTest::addColumn<QString>("attributes");
    QTest::addColumn<QString>("message");
    QTest::newRow("too few generators")
        << QJsonArray{primitive({{QStringLiteral("length"), 3}})} << "a string, b int"
        << "stream 'S' has 2 attributes (a string, b int), but the attributeConfiguration has 1 "
           "generators";
    QTest::newRow("int without max")
        << QJsonArray{primitive({{QStringLiteral("min"), 3}})} << "count int"
        << "attribute 'count' (int): PRIMITIVE_BASED int needs 'min' and 'max'";
    QTest::newRow("double without precision")
        << QJsonArray{primitive({{QStringLiteral("min"), 3}, {QStringLiteral("max"), 4}})}
        << "price double"
        << "attribute 'price' (double): PRIMITIVE_BASED double needs 'min', 'max' and 'precision'";
    QTest::newRow("min above max")
        << QJsonArray{primitive({{QStringLiteral("min"), 35000}, {QStringLiteral("max"), 30000}})}
        << "v long"
        << "'min' 35000 is greater than 'max' 30000";
    QTest::newRow("string without length")
        << QJsonArray{primitive({})} << "name string"
        << "attribute 'name' (string): PRIMITIVE_BASED strings need a 'length'";
    QTest::newRow("list value of the wrong type")
        << QJsonArray{QJsonObject{
               {QStringLiteral("type"), QStringLiteral("CUSTOM_DATA_BASED")},
               {QStringLiteral("list"), QJsonArray{QStringLiteral("1"), QStringLiteral("two")}}}}
        << "n int"
        << "attribute 'n' (int): the CUSTOM_DATA_BASED list value 'two' is not an int";
    QTest::newRow("text property for a number")
        << QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("PROPERTY_BASED")},
                                  {QStringLiteral("property"), QStringLiteral("CITY")}}}
        << "n double"
        << "property CITY gives text, which does not fit a double";
    QTest::newRow("no value of that precision in range")
        << QJsonArray{primitive({{QStringLiteral("min"), 0.123},
                                 {QStringLiteral("max"), 0.129},
                                 {QStringLiteral("precision"), 2}})}
        << "v double"
        << "no number with 2 decimal places lies between 0.123 and 0.129";
    QTest::newRow("bad pattern") << QJsonArray{QJsonObject{
        {QStringLiteral("type"), QStringLiteral("REGEX_BASED")},
        {QStringLiteral("pattern"), QStringLiteral("[a-")}}}
                                 << "s string"
                                 << "attribute 's' (string): pattern '[a-': missing ']'";
}

void tst_Generators::configErrors()
{
    QFETCH(QJsonArray, generators);
    QFETCH(QString, attributes);
    QFETCH(QString, message);
    const Pulled p = pull(randomSource(generators), schema(QStringLiteral("S"), attributes), 1);
    QVERIFY2(p.error.contains(message), qPrintable(p.error));
}

QTEST_APPLESS_MAIN(tst_Generators)
#include "tst_generators.moc"
