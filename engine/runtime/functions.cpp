// The built-in functions: Siddhi's core functions and the str:, math: and time: extensions
// users reach for first. Each follows the behaviour of Siddhi's implementation; the analyzer
// has already checked arities and argument types against the registry.
#include "appcontext.h"
#include "expression.h"

#include "engine/lang/registry.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QTimeZone>
#include <QUuid>

#include <cmath>
#include <limits>

namespace Rivulet::Runtime {

namespace {

using Args = std::vector<EvaluatorPtr>;

// Evaluates all arguments, then calls F(ctx, values, present, out).
template<class F>
class StrictFn final : public Evaluator
{
public:
    StrictFn(AttrType type, Args args, F f, bool nullIfAnyNull)
        : Evaluator(type)
        , m_args(std::move(args))
        , m_f(std::move(f))
        , m_nullIfAnyNull(nullIfAnyNull)
    {}
    bool eval(const EvalContext &ctx, Value &out) const override
    {
        Value values[8];
        bool present[8];
        const size_t n = std::min<size_t>(m_args.size(), 8);
        for (size_t i = 0; i < n; ++i) {
            present[i] = m_args[i]->eval(ctx, values[i]);
            if (!present[i] && m_nullIfAnyNull)
                return false;
        }
        return m_f(ctx, values, present, out);
    }
    const Args &args() const { return m_args; }

private:
    Args m_args;
    F m_f;
    bool m_nullIfAnyNull;
};

template<class F>
EvaluatorPtr strict(AttrType type, Args args, F f, bool nullIfAnyNull = true)
{
    return std::make_unique<StrictFn<F>>(type, std::move(args), std::move(f), nullIfAnyNull);
}

// Functions with more than 8 arguments (concat, coalesce): evaluated one by one.
class VariadicFn final : public Evaluator
{
public:
    using Body = std::function<bool(const EvalContext &, const Args &, Value &)>;
    VariadicFn(AttrType type, Args args, Body body)
        : Evaluator(type)
        , m_args(std::move(args))
        , m_body(std::move(body))
    {}
    bool eval(const EvalContext &ctx, Value &out) const override
    {
        return m_body(ctx, m_args, out);
    }

private:
    Args m_args;
    Body m_body;
};

StringData *keepString(const EvalContext &ctx, const QString &s)
{
    return ctx.temps->keep(StringData::make(s));
}

bool setString(const EvalContext &ctx, Value &out, const QString &s)
{
    out.s = keepString(ctx, s);
    return true;
}

QString str(Value v)
{
    return v.s->toQString();
}

bool fail(const EvalContext &ctx, const QString &message)
{
    ctx.error = "function failed";
    ctx.errorText = message;
    return false;
}

// Java's String.compareTo: difference of the first differing UTF-16 units, else of lengths.
int javaCompare(const QString &a, const QString &b)
{
    const qsizetype n = std::min(a.size(), b.size());
    for (qsizetype i = 0; i < n; ++i) {
        if (a[i] != b[i])
            return int(a[i].unicode()) - int(b[i].unicode());
    }
    return int(a.size() - b.size());
}

// Java's String.trim: strips characters up to U+0020 from both ends.
QString javaTrim(const QString &s)
{
    qsizetype start = 0;
    qsizetype end = s.size();
    while (start < end && s[start].unicode() <= 0x20)
        ++start;
    while (end > start && s[end - 1].unicode() <= 0x20)
        --end;
    return s.mid(start, end - start);
}

// Java replacement strings use $1; Qt's use \1.
QString javaReplacement(const QString &r)
{
    QString out;
    for (qsizetype i = 0; i < r.size(); ++i) {
        const QChar c = r[i];
        if (c == u'\\' && i + 1 < r.size()) {
            out += r[++i];
        } else if (c == u'$' && i + 1 < r.size() && r[i + 1].isDigit()) {
            out += u'\\';
            out += r[++i];
        } else {
            out += c;
        }
    }
    return out;
}

// A regular expression argument: compiled once when it is a constant.
class RegexCache
{
public:
    const QRegularExpression &get(const QString &pattern) const
    {
        if (!m_valid || pattern != m_pattern) {
            m_pattern = pattern;
            m_regex = QRegularExpression(pattern);
            m_valid = true;
        }
        return m_regex;
    }

private:
    mutable QString m_pattern;
    mutable QRegularExpression m_regex;
    mutable bool m_valid = false;
};

// ---- dates (time:) ------------------------------------------------------------------------

// Converts a Java SimpleDateFormat pattern to a QDateTime format.
QString qtFormat(const QString &java)
{
    QString out;
    qsizetype i = 0;
    while (i < java.size()) {
        const QChar c = java[i];
        if (c == u'\'') {
            // quoted text
            qsizetype j = i + 1;
            QString lit;
            while (j < java.size() && java[j] != u'\'')
                lit += java[j++];
            out += u'\'' + lit + u'\'';
            i = j + 1;
            continue;
        }
        qsizetype run = 1;
        while (i + run < java.size() && java[i + run] == c)
            ++run;
        const QString rep(run, c);
        switch (c.unicode()) {
        case 'y':
            out += run == 2 ? QStringLiteral("yy") : QStringLiteral("yyyy");
            break;
        case 'M':
            out += rep;
            break;
        case 'd':
            out += run >= 2 ? QStringLiteral("dd") : QStringLiteral("d");
            break;
        case 'H':
            out += run >= 2 ? QStringLiteral("HH") : QStringLiteral("H");
            break;
        case 'h':
            out += run >= 2 ? QStringLiteral("hh") : QStringLiteral("h");
            break;
        case 'm':
            out += run >= 2 ? QStringLiteral("mm") : QStringLiteral("m");
            break;
        case 's':
            out += run >= 2 ? QStringLiteral("ss") : QStringLiteral("s");
            break;
        case 'S':
            out += QStringLiteral("zzz");
            break;
        case 'E':
            out += run >= 4 ? QStringLiteral("dddd") : QStringLiteral("ddd");
            break;
        case 'a':
            out += QStringLiteral("AP");
            break;
        case 'Z':
        case 'X':
        case 'z':
            out += QStringLiteral("t");
            break;
        default:
            if (c.isLetter())
                out += u'\'' + rep + u'\'';
            else
                out += rep;
            break;
        }
        i += run;
    }
    return out;
}

bool parseDate(const QString &text, const QString &javaFormat, QDateTime *out)
{
    QDateTime dt = QDateTime::fromString(text, qtFormat(javaFormat));
    if (!dt.isValid()) {
        // Tolerate a missing milliseconds part and ISO dates.
        dt = QDateTime::fromString(text, Qt::ISODateWithMs);
        if (!dt.isValid())
            dt = QDateTime::fromString(text, QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        if (!dt.isValid())
            dt = QDateTime::fromString(text, QStringLiteral("yyyy-MM-dd"));
    }
    *out = dt;
    return dt.isValid();
}

QString formatDate(const QDateTime &dt, const QString &javaFormat)
{
    QString s = dt.toString(qtFormat(javaFormat));
    // Qt's 't' is a zone abbreviation; Java's Z is +hhmm.
    if (javaFormat.contains(u'Z')) {
        const int offset = dt.offsetFromUtc();
        const QString z = QStringLiteral("%1%2%3")
                              .arg(offset < 0 ? u'-' : u'+')
                              .arg(std::abs(offset) / 3600, 2, 10, QLatin1Char('0'))
                              .arg((std::abs(offset) % 3600) / 60, 2, 10, QLatin1Char('0'));
        s.replace(dt.timeZoneAbbreviation(), z);
    }
    return s;
}

const QString kDefaultDateFormat = QStringLiteral("yyyy-MM-dd HH:mm:ss.SSS");

// A date argument: epoch milliseconds (long) or text in a format.
bool dateArg(const EvalContext &ctx, AttrType type, Value v, const QString &format, QDateTime *out)
{
    if (type == AttrType::Long || type == AttrType::Int) {
        *out = QDateTime::fromMSecsSinceEpoch(toLong(type, v));
        return true;
    }
    if (!parseDate(str(v), format, out))
        return fail(ctx,
                    QStringLiteral("cannot parse date '%1' with format '%2'").arg(str(v), format));
    return true;
}

int extractUnit(const QDateTime &dt, const QString &unit, bool *ok)
{
    *ok = true;
    const QString u = unit.toUpper();
    if (u == QLatin1String("YEAR"))
        return dt.date().year();
    if (u == QLatin1String("MONTH"))
        return dt.date().month();
    if (u == QLatin1String("DAY") || u == QLatin1String("DAY_OF_MONTH"))
        return dt.date().day();
    if (u == QLatin1String("HOUR"))
        return dt.time().hour();
    if (u == QLatin1String("MINUTE"))
        return dt.time().minute();
    if (u == QLatin1String("SECOND"))
        return dt.time().second();
    if (u == QLatin1String("MILLISECOND"))
        return dt.time().msec();
    if (u == QLatin1String("WEEK"))
        return dt.date().weekNumber();
    if (u == QLatin1String("QUARTER"))
        return (dt.date().month() - 1) / 3 + 1;
    if (u == QLatin1String("DAY_OF_WEEK"))
        return dt.date().dayOfWeek() % 7 + 1; // Java: Sunday = 1
    if (u == QLatin1String("DAY_OF_YEAR"))
        return dt.date().dayOfYear();
    *ok = false;
    return 0;
}

QDateTime addUnit(const QDateTime &dt, const QString &unit, int amount, bool *ok)
{
    *ok = true;
    const QString u = unit.toUpper();
    if (u == QLatin1String("YEAR"))
        return dt.addYears(amount);
    if (u == QLatin1String("MONTH"))
        return dt.addMonths(amount);
    if (u == QLatin1String("WEEK"))
        return dt.addDays(7LL * amount);
    if (u == QLatin1String("DAY"))
        return dt.addDays(amount);
    if (u == QLatin1String("HOUR"))
        return dt.addSecs(3600LL * amount);
    if (u == QLatin1String("MINUTE"))
        return dt.addSecs(60LL * amount);
    if (u == QLatin1String("SECOND"))
        return dt.addSecs(amount);
    if (u == QLatin1String("MILLISECOND"))
        return dt.addMSecs(amount);
    if (u == QLatin1String("QUARTER"))
        return dt.addMonths(3 * amount);
    *ok = false;
    return dt;
}

QString typeArg(const Args &args, size_t i)
{
    Value v;
    EvalContext ctx;
    if (i < args.size() && args[i]->isConstant() && args[i]->eval(ctx, v)
        && args[i]->type() == AttrType::String)
        return v.s->toQString();
    return {};
}

// An argument that must not be null: siddhi-execution-string's functions throw
// SiddhiAppRuntimeException("Invalid input given to str:f() function. ... cannot be null"),
// which fails the event.
class NonNullArg final : public Evaluator
{
public:
    NonNullArg(EvaluatorPtr child, QString message)
        : Evaluator(child->type())
        , m_child(std::move(child))
        , m_message(std::move(message))
    {}
    bool eval(const EvalContext &ctx, Value &out) const override
    {
        if (m_child->eval(ctx, out))
            return true;
        if (!ctx.error) {
            ctx.error = "function failed";
            ctx.errorText = m_message;
        }
        return false;
    }
    bool isConstant() const override { return m_child->isConstant(); }

private:
    EvaluatorPtr m_child;
    QString m_message;
};

// Java's Integer.parseInt / Long.parseLong: an optional sign and decimal digits, nothing else
// (no spaces).
bool javaParseLong(const QString &s, int64_t min, int64_t max, int64_t *out)
{
    qsizetype i = 0;
    bool negative = false;
    if (i < s.size() && (s[i] == u'-' || s[i] == u'+')) {
        negative = s[i] == u'-';
        ++i;
    }
    if (i == s.size())
        return false;
    // Accumulate negatively, as Java does, so that the minimum value parses.
    int64_t value = 0;
    for (; i < s.size(); ++i) {
        const char16_t c = s[i].unicode();
        if (c < u'0' || c > u'9')
            return false;
        const int digit = c - u'0';
        if (value < (min + digit) / 10)
            return false;
        value = value * 10 - digit;
    }
    if (!negative) {
        if (value < -max)
            return false;
        value = -value;
    }
    if (value < min || value > max)
        return false;
    *out = value;
    return true;
}

// Java's Double.parseDouble / Float.parseFloat: surrounding spaces are ignored, NaN and
// Infinity are spelled out, and a trailing d/D/f/F is allowed.
bool javaParseDouble(const QString &text, double *out)
{
    QString s = text.trimmed();
    if (s.isEmpty())
        return false;
    QString body = s;
    double sign = 1;
    if (body.startsWith(u'+') || body.startsWith(u'-')) {
        sign = body.startsWith(u'-') ? -1 : 1;
        body = body.mid(1);
    }
    if (body == QLatin1String("NaN")) {
        *out = std::numeric_limits<double>::quiet_NaN();
        return true;
    }
    if (body == QLatin1String("Infinity")) {
        *out = sign * std::numeric_limits<double>::infinity();
        return true;
    }
    const QChar last = s.back();
    if (last == u'd' || last == u'D' || last == u'f' || last == u'F')
        s.chop(1);
    static const QRegularExpression number(
        QStringLiteral("^[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?$"));
    if (!number.match(s).hasMatch())
        return false;
    bool ok = false;
    *out = s.toDouble(&ok);
    return ok;
}

// Java's narrowing of a double: NaN gives 0, values beyond the range the extreme value.
template<class T>
T javaNarrow(double d)
{
    if (std::isnan(d))
        return 0;
    if (d <= double(std::numeric_limits<T>::min()))
        return std::numeric_limits<T>::min();
    if (d >= double(std::numeric_limits<T>::max()))
        return std::numeric_limits<T>::max();
    return T(d);
}

// convert(): Siddhi's matrix of conversions; unparsable text gives null.
bool convertValue(const EvalContext &ctx, AttrType from, Value v, AttrType to, Value &out)
{
    if (to == AttrType::String) {
        if (from == AttrType::String) {
            out = v;
            return true;
        }
        return setString(ctx, out, valueToString(from, v, false));
    }
    if (from == AttrType::String) {
        const QString s = str(v);
        bool ok = false;
        int64_t n = 0;
        double d = 0;
        switch (to) {
        case AttrType::Int:
            ok = javaParseLong(s, std::numeric_limits<int32_t>::min(),
                               std::numeric_limits<int32_t>::max(), &n);
            out = Value::ofInt(int32_t(n));
            return ok;
        case AttrType::Long:
            ok = javaParseLong(s, std::numeric_limits<int64_t>::min(),
                               std::numeric_limits<int64_t>::max(), &n);
            out = Value::ofLong(n);
            return ok;
        case AttrType::Float:
            ok = javaParseDouble(s, &d);
            out = Value::ofFloat(float(d));
            return ok;
        case AttrType::Double:
            ok = javaParseDouble(s, &d);
            out = Value::ofDouble(d);
            return ok;
        case AttrType::Bool:
            out = Value::ofBool(s.compare(QLatin1String("true"), Qt::CaseInsensitive) == 0);
            return true;
        default:
            return false;
        }
    }
    if (from == AttrType::Object)
        return false;
    if (from == AttrType::Bool) {
        switch (to) {
        case AttrType::Int:
            out = Value::ofInt(v.b ? 1 : 0);
            return true;
        case AttrType::Long:
            out = Value::ofLong(v.b ? 1 : 0);
            return true;
        case AttrType::Float:
            out = Value::ofFloat(v.b ? 1.f : 0.f);
            return true;
        case AttrType::Double:
            out = Value::ofDouble(v.b ? 1.0 : 0.0);
            return true;
        case AttrType::Bool:
            out = v;
            return true;
        default:
            return false;
        }
    }
    // numeric source
    switch (to) {
    case AttrType::Int:
        out = Value::ofInt(from == AttrType::Int    ? v.i
                           : from == AttrType::Long ? int32_t(v.l)
                                                    : javaNarrow<int32_t>(toDouble(from, v)));
        return true;
    case AttrType::Long:
        out = Value::ofLong(from == AttrType::Float || from == AttrType::Double
                                ? javaNarrow<int64_t>(toDouble(from, v))
                                : toLong(from, v));
        return true;
    case AttrType::Float:
        out = Value::ofFloat(from == AttrType::Long  ? float(v.l)
                             : from == AttrType::Int ? float(v.i)
                                                     : float(toDouble(from, v)));
        return true;
    case AttrType::Double:
        out = Value::ofDouble(toDouble(from, v));
        return true;
    case AttrType::Bool:
        out = Value::ofBool(toDouble(from, v) == 1.0);
        return true;
    default:
        return false;
    }
}

double javaRound(double x)
{
    return std::floor(x + 0.5);
}

} // namespace

EvaluatorPtr makeFunction(const Lang::Ast::Call &call, AttrType resultType, Args args,
                          QString *error)
{
    const QString ns = call.ns.toLower();
    const QString name = call.name;
    const AttrType t0 = args.empty() ? AttrType::Unknown : args[0]->type();
    const AttrType t1 = args.size() > 1 ? args[1]->type() : AttrType::Unknown;
    const AttrType R = resultType;

    if (ns.isEmpty()) {
        if (name == QLatin1String("convert")) {
            return strict(R, std::move(args),
                          [t0, R](const EvalContext &ctx, const Value *v, const bool *,
                                  Value &out) { return convertValue(ctx, t0, v[0], R, out); });
        }
        if (name == QLatin1String("cast")) {
            return strict(
                R, std::move(args),
                [t0, R](const EvalContext &ctx, const Value *v, const bool *, Value &out) {
                    if (t0 == R) {
                        out = v[0];
                        return true;
                    }
                    if (t0 == AttrType::Int && R == AttrType::Long) {
                        out = Value::ofLong(v[0].i);
                        return true;
                    }
                    if (t0 == AttrType::Object && R == AttrType::String && v[0].o)
                        return setString(ctx, out, v[0].o->toString());
                    return fail(ctx, QStringLiteral("cannot cast a %1 to %2")
                                         .arg(Lang::typeName(t0), Lang::typeName(R)));
                });
        }
        if (name == QLatin1String("coalesce") || name == QLatin1String("default")) {
            return std::make_unique<VariadicFn>(
                R, std::move(args), [](const EvalContext &ctx, const Args &a, Value &out) {
                    for (const auto &e : a) {
                        if (e->eval(ctx, out))
                            return true;
                    }
                    return false;
                });
        }
        if (name == QLatin1String("ifThenElse")) {
            return std::make_unique<VariadicFn>(
                R, std::move(args), [](const EvalContext &ctx, const Args &a, Value &out) {
                    return a[0]->test(ctx) ? a[1]->eval(ctx, out) : a[2]->eval(ctx, out);
                });
        }
        if (name == QLatin1String("createSet")) {
            // CreateSetFunctionExecutor adds whatever it gets: a null makes a set holding null.
            return strict(
                AttrType::Object, std::move(args),
                [t0](const EvalContext &ctx, const Value *v, const bool *p, Value &out) {
                    auto *set = new SetObject;
                    if (p[0])
                        set->insert(t0, v[0]);
                    else
                        set->insert(AttrType::Unknown, Value::ofLong(0));
                    out.o = ctx.temps->keep(set);
                    return true;
                },
                false);
        }
        if (name == QLatin1String("sizeOfSet")) {
            // SizeOfSetFunctionExecutor: the size of no set is 0.
            return strict(
                AttrType::Int, std::move(args),
                [](const EvalContext &ctx, const Value *v, const bool *p, Value &out) {
                    if (!p[0]) {
                        out = Value::ofInt(0);
                        return true;
                    }
                    auto *set = dynamic_cast<SetObject *>(v[0].o);
                    if (!set)
                        return fail(ctx, QStringLiteral("input to sizeOfSet() should be a set"));
                    out = Value::ofInt(set->size());
                    return true;
                },
                false);
        }
        if (name == QLatin1String("currentTimeMillis")) {
            return strict(AttrType::Long, std::move(args),
                          [](const EvalContext &ctx, const Value *, const bool *, Value &out) {
                              out = Value::ofLong(ctx.app ? ctx.app->currentTime()
                                                          : QDateTime::currentMSecsSinceEpoch());
                              return true;
                          });
        }
        if (name == QLatin1String("UUID")) {
            return strict(AttrType::String, std::move(args),
                          [](const EvalContext &ctx, const Value *, const bool *, Value &out) {
                              return setString(ctx, out,
                                               QUuid::createUuid().toString(QUuid::WithoutBraces));
                          });
        }
        if (name.startsWith(QLatin1String("instanceOf"))) {
            AttrType want = AttrType::Unknown;
            const QString what = name.mid(10);
            if (what == QLatin1String("Boolean"))
                want = AttrType::Bool;
            else if (what == QLatin1String("Double"))
                want = AttrType::Double;
            else if (what == QLatin1String("Float"))
                want = AttrType::Float;
            else if (what == QLatin1String("Integer"))
                want = AttrType::Int;
            else if (what == QLatin1String("Long"))
                want = AttrType::Long;
            else if (what == QLatin1String("String"))
                want = AttrType::String;
            return strict(
                AttrType::Bool, std::move(args),
                [t0, want](const EvalContext &, const Value *, const bool *p, Value &out) {
                    out = Value::ofBool(p[0] && t0 == want);
                    return true;
                },
                false);
        }
        if (name == QLatin1String("maximum") || name == QLatin1String("minimum")) {
            // Maximum/MinimumFunctionExecutor: all arguments of one type; compared as doubles
            // from Double.MIN_VALUE (the smallest positive double, so a maximum is never below
            // it) or Double.MAX_VALUE, a null counting as that start value; the result is cast
            // back to the type. With one argument, the argument itself.
            for (const auto &a : args) {
                if (a->type() != t0) {
                    *error = QStringLiteral("all parameters of %1() should be of the same type, "
                                            "found %2 and %3")
                                 .arg(name, Lang::typeName(t0), Lang::typeName(a->type()));
                    return nullptr;
                }
            }
            if (args.size() == 1)
                return std::move(args[0]);
            const bool isMax = name == QLatin1String("maximum");
            return std::make_unique<VariadicFn>(
                t0, std::move(args),
                [isMax, t0](const EvalContext &ctx, const Args &a, Value &out) {
                    const double start = isMax ? std::numeric_limits<double>::denorm_min()
                                               : std::numeric_limits<double>::max();
                    double best = start;
                    for (const auto &e : a) {
                        Value v;
                        const double d = e->eval(ctx, v) ? toDouble(t0, v) : start;
                        if (isMax ? d > best : d < best)
                            best = d;
                    }
                    switch (t0) {
                    case AttrType::Int:
                        out = Value::ofInt(javaNarrow<int32_t>(best));
                        break;
                    case AttrType::Long:
                        out = Value::ofLong(javaNarrow<int64_t>(best));
                        break;
                    case AttrType::Float:
                        out = Value::ofFloat(float(best));
                        break;
                    default:
                        out = Value::ofDouble(best);
                        break;
                    }
                    return true;
                });
        }
    }

    if (ns == QLatin1String("str")) {
        // siddhi-execution-string's functions reject null arguments (the event fails), except
        // concat (skips them), coalesce, fillTemplate, and contains (a null text contains
        // nothing; a null search string is rejected).
        const bool contains = name == QLatin1String("contains");
        if (name != QLatin1String("concat") && name != QLatin1String("coalesce")
            && name != QLatin1String("fillTemplate")) {
            const QString message =
                QStringLiteral("Invalid input given to str:%1() function. The argument cannot be "
                               "null")
                    .arg(name);
            for (size_t i = contains ? 1 : 0; i < args.size(); ++i)
                args[i] = std::make_unique<NonNullArg>(std::move(args[i]), message);
        }
        if (name == QLatin1String("concat")) {
            std::vector<AttrType> types;
            for (const auto &a : args)
                types.push_back(a->type());
            return std::make_unique<VariadicFn>(
                AttrType::String, std::move(args),
                [types](const EvalContext &ctx, const Args &a, Value &out) {
                    QString s;
                    for (size_t i = 0; i < a.size(); ++i) {
                        Value v;
                        if (a[i]->eval(ctx, v))
                            s += valueToString(types[i], v, false);
                    }
                    return setString(ctx, out, s);
                });
        }
        if (name == QLatin1String("coalesce")) {
            return std::make_unique<VariadicFn>(
                AttrType::String, std::move(args),
                [](const EvalContext &ctx, const Args &a, Value &out) {
                    for (const auto &e : a) {
                        if (e->eval(ctx, out))
                            return true;
                    }
                    return false;
                });
        }
        if (name == QLatin1String("length")) {
            return strict(AttrType::Int, std::move(args),
                          [](const EvalContext &, const Value *v, const bool *, Value &out) {
                              out = Value::ofInt(int32_t(str(v[0]).size()));
                              return true;
                          });
        }
        if (name == QLatin1String("upper") || name == QLatin1String("lower")) {
            const bool upper = name == QLatin1String("upper");
            return strict(
                AttrType::String, std::move(args),
                [upper](const EvalContext &ctx, const Value *v, const bool *, Value &out) {
                    return setString(ctx, out, upper ? str(v[0]).toUpper() : str(v[0]).toLower());
                });
        }
        if (name == QLatin1String("contains")) {
            return strict(
                AttrType::Bool, std::move(args),
                [](const EvalContext &, const Value *v, const bool *p, Value &out) {
                    if (!p[1])
                        return false; // the search string was null: the event has failed
                    out = Value::ofBool(p[0] && str(v[0]).contains(str(v[1])));
                    return true;
                },
                false);
        }
        if (name == QLatin1String("startsWith") || name == QLatin1String("endsWith")) {
            const bool starts = name == QLatin1String("startsWith");
            return strict(AttrType::Bool, std::move(args),
                          [starts](const EvalContext &, const Value *v, const bool *, Value &out) {
                              out = Value::ofBool(starts ? str(v[0]).startsWith(str(v[1]))
                                                         : str(v[0]).endsWith(str(v[1])));
                              return true;
                          });
        }
        if (name == QLatin1String("equalsIgnoreCase")) {
            return strict(AttrType::Bool, std::move(args),
                          [](const EvalContext &, const Value *v, const bool *, Value &out) {
                              out = Value::ofBool(str(v[0]).compare(str(v[1]), Qt::CaseInsensitive)
                                                  == 0);
                              return true;
                          });
        }
        if (name == QLatin1String("isEmpty")) {
            return strict(AttrType::Bool, std::move(args),
                          [](const EvalContext &, const Value *v, const bool *, Value &out) {
                              out = Value::ofBool(v[0].s->size == 0);
                              return true;
                          });
        }
        if (name == QLatin1String("trim")) {
            return strict(AttrType::String, std::move(args),
                          [](const EvalContext &ctx, const Value *v, const bool *, Value &out) {
                              return setString(ctx, out, javaTrim(str(v[0])));
                          });
        }
        if (name == QLatin1String("reverse")) {
            return strict(AttrType::String, std::move(args),
                          [](const EvalContext &ctx, const Value *v, const bool *, Value &out) {
                              QString s = str(v[0]);
                              std::reverse(s.begin(), s.end());
                              return setString(ctx, out, s);
                          });
        }
        if (name == QLatin1String("repeat")) {
            return strict(
                AttrType::String, std::move(args),
                [](const EvalContext &ctx, const Value *v, const bool *, Value &out) {
                    if (v[1].i < 0)
                        return fail(ctx, QStringLiteral("str:repeat needs a count of at least 0"));
                    return setString(ctx, out, str(v[0]).repeated(v[1].i));
                });
        }
        if (name == QLatin1String("charAt")) {
            return strict(AttrType::String, std::move(args),
                          [](const EvalContext &ctx, const Value *v, const bool *, Value &out) {
                              const QString s = str(v[0]);
                              if (v[1].i < 0 || v[1].i >= s.size())
                                  return fail(ctx,
                                              QStringLiteral("str:charAt index %1 is outside '%2'")
                                                  .arg(v[1].i)
                                                  .arg(s));
                              return setString(ctx, out, QString(s[v[1].i]));
                          });
        }
        if (name == QLatin1String("charFrequency")) {
            return strict(AttrType::Long, std::move(args),
                          [](const EvalContext &, const Value *v, const bool *, Value &out) {
                              out = Value::ofLong(str(v[0]).count(str(v[1])));
                              return true;
                          });
        }
        if (name == QLatin1String("locate")) {
            const bool hasStart = args.size() > 2;
            return strict(
                AttrType::Int, std::move(args),
                [hasStart](const EvalContext &, const Value *v, const bool *, Value &out) {
                    out =
                        Value::ofInt(int32_t(str(v[0]).indexOf(str(v[1]), hasStart ? v[2].i : 0)));
                    return true;
                });
        }
        if (name == QLatin1String("strcmp")) {
            return strict(AttrType::Int, std::move(args),
                          [](const EvalContext &, const Value *v, const bool *, Value &out) {
                              out = Value::ofInt(javaCompare(str(v[0]), str(v[1])));
                              return true;
                          });
        }
        if (name == QLatin1String("substr")) {
            const bool hasLength = args.size() > 2;
            return strict(
                AttrType::String, std::move(args),
                [hasLength](const EvalContext &ctx, const Value *v, const bool *, Value &out) {
                    const QString s = str(v[0]);
                    const int begin = v[1].i;
                    const int length = hasLength ? v[2].i : int(s.size()) - begin;
                    if (begin < 0 || length < 0 || begin + length > s.size())
                        return fail(ctx, QStringLiteral("str:substr(%1, %2) is outside '%3'")
                                             .arg(begin)
                                             .arg(length)
                                             .arg(s));
                    return setString(ctx, out, s.mid(begin, length));
                });
        }
        if (name == QLatin1String("regexp")) {
            auto cache = std::make_shared<RegexCache>();
            return strict(AttrType::Bool, std::move(args),
                          [cache](const EvalContext &, const Value *v, const bool *, Value &out) {
                              const QRegularExpression &re =
                                  cache->get(QRegularExpression::anchoredPattern(str(v[1])));
                              out = Value::ofBool(re.match(str(v[0])).hasMatch());
                              return true;
                          });
        }
        if (name == QLatin1String("replaceAll") || name == QLatin1String("replaceFirst")) {
            const bool all = name == QLatin1String("replaceAll");
            auto cache = std::make_shared<RegexCache>();
            return strict(
                AttrType::String, std::move(args),
                [cache, all](const EvalContext &ctx, const Value *v, const bool *, Value &out) {
                    QString s = str(v[0]);
                    const QRegularExpression &re = cache->get(str(v[1]));
                    if (!re.isValid())
                        return fail(
                            ctx, QStringLiteral("invalid regular expression '%1'").arg(str(v[1])));
                    const QString rep = javaReplacement(str(v[2]));
                    if (all) {
                        s.replace(re, rep);
                    } else {
                        const auto m = re.match(s);
                        if (m.hasMatch()) {
                            QString first = m.captured(0);
                            first.replace(re, rep);
                            s = s.left(m.capturedStart(0)) + first + s.mid(m.capturedEnd(0));
                        }
                    }
                    return setString(ctx, out, s);
                });
        }
        if (name == QLatin1String("split")) {
            auto cache = std::make_shared<RegexCache>();
            return strict(
                AttrType::String, std::move(args),
                [cache](const EvalContext &ctx, const Value *v, const bool *, Value &out) {
                    const QStringList parts = str(v[0]).split(cache->get(str(v[1])));
                    if (v[2].i < 0 || v[2].i >= parts.size())
                        return fail(ctx, QStringLiteral("str:split has no part %1 in '%2'")
                                             .arg(v[2].i)
                                             .arg(str(v[0])));
                    return setString(ctx, out, parts[v[2].i]);
                });
        }
        if (name == QLatin1String("hex")) {
            return strict(AttrType::String, std::move(args),
                          [](const EvalContext &ctx, const Value *v, const bool *, Value &out) {
                              return setString(ctx, out,
                                               QString::fromLatin1(
                                                   QByteArray(v[0].s->data, v[0].s->size).toHex()));
                          });
        }
        if (name == QLatin1String("unhex")) {
            return strict(AttrType::String, std::move(args),
                          [](const EvalContext &ctx, const Value *v, const bool *, Value &out) {
                              return setString(ctx, out,
                                               QString::fromUtf8(QByteArray::fromHex(
                                                   QByteArray(v[0].s->data, v[0].s->size))));
                          });
        }
        if (name == QLatin1String("fillTemplate")) {
            std::vector<AttrType> types;
            for (const auto &a : args)
                types.push_back(a->type());
            return std::make_unique<VariadicFn>(
                AttrType::String, std::move(args),
                [types](const EvalContext &ctx, const Args &a, Value &out) {
                    Value tv;
                    if (!a[0]->eval(ctx, tv))
                        return false;
                    QString s = str(tv);
                    for (size_t i = 1; i < a.size(); ++i) {
                        Value v;
                        const QString text = a[i]->eval(ctx, v) ? valueToString(types[i], v, false)
                                                                : QStringLiteral("null");
                        s.replace(QStringLiteral("{{%1}}").arg(i), text);
                    }
                    return setString(ctx, out, s);
                });
        }
    }

    if (ns == QLatin1String("math")) {
        auto unary = [&](double (*f)(double)) -> EvaluatorPtr {
            return strict(AttrType::Double, std::move(args),
                          [f, t0](const EvalContext &, const Value *v, const bool *, Value &out) {
                              out = Value::ofDouble(f(toDouble(t0, v[0])));
                              return true;
                          });
        };
        static const struct
        {
            const char *name;
            double (*f)(double);
        } unaries[] = {{"acos", [](double x) { return std::acos(x); }},
                       {"asin", [](double x) { return std::asin(x); }},
                       {"atan", [](double x) { return std::atan(x); }},
                       {"cbrt", [](double x) { return std::cbrt(x); }},
                       {"ceil", [](double x) { return std::ceil(x); }},
                       {"cos", [](double x) { return std::cos(x); }},
                       {"cosh", [](double x) { return std::cosh(x); }},
                       {"exp", [](double x) { return std::exp(x); }},
                       {"floor", [](double x) { return std::floor(x); }},
                       {"ln", [](double x) { return std::log(x); }},
                       {"log10", [](double x) { return std::log10(x); }},
                       {"log2", [](double x) { return std::log2(x); }},
                       {"sin", [](double x) { return std::sin(x); }},
                       {"sinh", [](double x) { return std::sinh(x); }},
                       {"sqrt", [](double x) { return std::sqrt(x); }},
                       {"tan", [](double x) { return std::tan(x); }},
                       {"tanh", [](double x) { return std::tanh(x); }},
                       {"signum", [](double x) { return x > 0   ? 1.0
                                                        : x < 0 ? -1.0
                                                                : x; }},
                       {"toDegrees", [](double x) { return x * 180.0 / M_PI; }},
                       {"toRadians", [](double x) { return x / 180.0 * M_PI; }}};
        for (const auto &u : unaries) {
            if (name == QLatin1String(u.name))
                return unary(u.f);
        }
        if (name == QLatin1String("abs")) {
            return strict(
                R, std::move(args),
                [t0](const EvalContext &, const Value *v, const bool *, Value &out) {
                    switch (t0) {
                    case AttrType::Int:
                        out = Value::ofInt(v[0].i < 0 ? int32_t(0u - uint32_t(v[0].i)) : v[0].i);
                        break;
                    case AttrType::Long:
                        out = Value::ofLong(v[0].l < 0 ? int64_t(0ull - uint64_t(v[0].l)) : v[0].l);
                        break;
                    case AttrType::Float:
                        out = Value::ofFloat(std::fabs(v[0].f));
                        break;
                    default:
                        out = Value::ofDouble(std::fabs(v[0].d));
                        break;
                    }
                    return true;
                });
        }
        if (name == QLatin1String("round")) {
            return strict(R, std::move(args),
                          [t0](const EvalContext &, const Value *v, const bool *, Value &out) {
                              switch (t0) {
                              case AttrType::Float:
                                  out = Value::ofInt(int32_t(javaRound(v[0].f)));
                                  break;
                              case AttrType::Double:
                                  out = Value::ofLong(int64_t(javaRound(v[0].d)));
                                  break;
                              default:
                                  out = v[0];
                                  break;
                              }
                              return true;
                          });
        }
        if (name == QLatin1String("power")) {
            return strict(AttrType::Double, std::move(args),
                          [t0, t1](const EvalContext &, const Value *v, const bool *, Value &out) {
                              out =
                                  Value::ofDouble(std::pow(toDouble(t0, v[0]), toDouble(t1, v[1])));
                              return true;
                          });
        }
        if (name == QLatin1String("log")) {
            const bool hasBase = args.size() > 1;
            return strict(
                AttrType::Double, std::move(args),
                [t0, t1, hasBase](const EvalContext &, const Value *v, const bool *, Value &out) {
                    const double x = std::log(toDouble(t0, v[0]));
                    out = Value::ofDouble(hasBase ? x / std::log(toDouble(t1, v[1])) : x);
                    return true;
                });
        }
        if (name == QLatin1String("max") || name == QLatin1String("min")) {
            const bool isMax = name == QLatin1String("max");
            return strict(R, std::move(args),
                          [t0, t1, R, isMax](const EvalContext &ctx, const Value *v, const bool *,
                                             Value &out) {
                              const double a = toDouble(t0, v[0]);
                              const double b = toDouble(t1, v[1]);
                              const bool first = isMax ? a >= b : a <= b;
                              return convertValue(ctx, first ? t0 : t1, first ? v[0] : v[1], R,
                                                  out);
                          });
        }
        if (name == QLatin1String("pi") || name == QLatin1String("e")) {
            const double c = name == QLatin1String("pi") ? M_PI : M_E;
            return strict(AttrType::Double, std::move(args),
                          [c](const EvalContext &, const Value *, const bool *, Value &out) {
                              out = Value::ofDouble(c);
                              return true;
                          });
        }
        if (name == QLatin1String("rand")) {
            return strict(
                AttrType::Double, std::move(args),
                [](const EvalContext &, const Value *, const bool *, Value &out) {
                    out = Value::ofDouble(double(std::rand()) / (double(RAND_MAX) + 1.0));
                    return true;
                },
                false);
        }
        if (name.startsWith(QLatin1String("parse"))) {
            return strict(R, std::move(args),
                          [R](const EvalContext &ctx, const Value *v, const bool *, Value &out) {
                              if (!convertValue(ctx, AttrType::String, v[0], R, out))
                                  return fail(ctx, QStringLiteral("cannot parse '%1' as %2")
                                                       .arg(str(v[0]), Lang::typeName(R)));
                              return true;
                          });
        }
    }

    if (ns == QLatin1String("time")) {
        if (name == QLatin1String("currentTimestamp") || name == QLatin1String("currentDate")
            || name == QLatin1String("currentTime") || name == QLatin1String("utcTimestamp")) {
            QString format = name == QLatin1String("currentDate") ? QStringLiteral("yyyy-MM-dd")
                             : name == QLatin1String("currentTime")
                                 ? QStringLiteral("HH:mm:ss")
                                 : QStringLiteral("yyyy-MM-dd HH:mm:ss");
            const bool utc = name == QLatin1String("utcTimestamp");
            const bool formatArg = !args.empty();
            return strict(AttrType::String, std::move(args),
                          [format, utc, formatArg](const EvalContext &ctx, const Value *v,
                                                   const bool *, Value &out) {
                              const int64_t now = ctx.app ? ctx.app->currentTime()
                                                          : QDateTime::currentMSecsSinceEpoch();
                              QDateTime dt = QDateTime::fromMSecsSinceEpoch(now);
                              if (utc)
                                  dt = dt.toUTC();
                              return setString(ctx, out,
                                               formatDate(dt, formatArg ? str(v[0]) : format));
                          });
        }
        if (name == QLatin1String("timestampInMilliseconds")) {
            const size_t n = args.size();
            return strict(AttrType::Long, std::move(args),
                          [n](const EvalContext &ctx, const Value *v, const bool *, Value &out) {
                              if (n == 0) {
                                  out =
                                      Value::ofLong(ctx.app ? ctx.app->currentTime()
                                                            : QDateTime::currentMSecsSinceEpoch());
                                  return true;
                              }
                              QDateTime dt;
                              if (!dateArg(ctx, AttrType::String, v[0],
                                           n > 1 ? str(v[1]) : kDefaultDateFormat, &dt))
                                  return false;
                              out = Value::ofLong(dt.toMSecsSinceEpoch());
                              return true;
                          });
        }
        if (name == QLatin1String("dateFormat")) {
            const size_t n = args.size();
            return strict(
                AttrType::String, std::move(args),
                [t0, n](const EvalContext &ctx, const Value *v, const bool *, Value &out) {
                    QDateTime dt;
                    if (!dateArg(ctx, t0, v[0], n > 2 ? str(v[2]) : kDefaultDateFormat, &dt))
                        return false;
                    return setString(ctx, out, formatDate(dt, str(v[1])));
                });
        }
        if (name == QLatin1String("extract")) {
            const size_t n = args.size();
            return strict(
                AttrType::Int, std::move(args),
                [t1, n](const EvalContext &ctx, const Value *v, const bool *, Value &out) {
                    QDateTime dt;
                    if (!dateArg(ctx, t1, v[1], n > 2 ? str(v[2]) : kDefaultDateFormat, &dt))
                        return false;
                    bool ok = false;
                    const int x = extractUnit(dt, str(v[0]), &ok);
                    if (!ok)
                        return fail(ctx, QStringLiteral("time:extract does not know the unit '%1'")
                                             .arg(str(v[0])));
                    out = Value::ofInt(x);
                    return true;
                });
        }
        if (name == QLatin1String("dateAdd") || name == QLatin1String("dateSub")) {
            const int sign = name == QLatin1String("dateAdd") ? 1 : -1;
            const size_t n = args.size();
            return strict(
                AttrType::String, std::move(args),
                [t0, n, sign](const EvalContext &ctx, const Value *v, const bool *, Value &out) {
                    const QString format = n > 3 ? str(v[3]) : kDefaultDateFormat;
                    QDateTime dt;
                    if (!dateArg(ctx, t0, v[0], format, &dt))
                        return false;
                    bool ok = false;
                    const QDateTime r = addUnit(dt, str(v[2]), sign * v[1].i, &ok);
                    if (!ok)
                        return fail(ctx, QStringLiteral("time:%1 does not know the unit '%2'")
                                             .arg(sign > 0 ? QStringLiteral("dateAdd")
                                                           : QStringLiteral("dateSub"),
                                                  str(v[2])));
                    if (t0 == AttrType::Long)
                        return setString(ctx, out, QString::number(r.toMSecsSinceEpoch()));
                    return setString(ctx, out, formatDate(r, format));
                });
        }
        if (name == QLatin1String("dateDiff")) {
            const size_t n = args.size();
            return strict(
                AttrType::Int, std::move(args),
                [t0, t1, n](const EvalContext &ctx, const Value *v, const bool *, Value &out) {
                    QDateTime a, b;
                    if (!dateArg(ctx, t0, v[0],
                                 n > 2 ? str(v[2]) : QStringLiteral("yyyy-MM-dd HH:mm:ss"), &a)
                        || !dateArg(ctx, t1, v[1],
                                    n > 3 ? str(v[3]) : QStringLiteral("yyyy-MM-dd HH:mm:ss"), &b))
                        return false;
                    out = Value::ofInt(int32_t(b.date().daysTo(a.date())));
                    return true;
                });
        }
        if (name == QLatin1String("dayOfWeek") || name == QLatin1String("date")) {
            const bool day = name == QLatin1String("dayOfWeek");
            const size_t n = args.size();
            return strict(
                AttrType::String, std::move(args),
                [day, n](const EvalContext &ctx, const Value *v, const bool *, Value &out) {
                    QDateTime dt;
                    if (!dateArg(ctx, AttrType::String, v[0],
                                 n > 1 ? str(v[1])
                                       : (day ? QStringLiteral("yyyy-MM-dd") : kDefaultDateFormat),
                                 &dt))
                        return false;
                    static const char *days[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                                 "Friday", "Saturday", "Sunday"};
                    return setString(ctx, out,
                                     day ? QString::fromLatin1(days[dt.date().dayOfWeek() - 1])
                                         : dt.date().toString(QStringLiteral("yyyy-MM-dd")));
                });
        }
    }

    Q_UNUSED(typeArg);
    *error =
        QStringLiteral("function '%1' is not implemented in Rivulet").arg(call.qualifiedName());
    return nullptr;
}

} // namespace Rivulet::Runtime
