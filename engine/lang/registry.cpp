#include "registry.h"

#include <algorithm>

namespace Rivulet::Lang {

namespace {

constexpr TypeSet S = typeBit(AttrType::String);
constexpr TypeSet I = typeBit(AttrType::Int);
constexpr TypeSet L = typeBit(AttrType::Long);
constexpr TypeSet F = typeBit(AttrType::Float);
constexpr TypeSet D = typeBit(AttrType::Double);
constexpr TypeSet B = typeBit(AttrType::Bool);
constexpr TypeSet O = typeBit(AttrType::Object);
constexpr TypeSet N = kNumericTypes;
constexpr TypeSet A = kAnyType;
constexpr TypeSet T = I | L; // a time: int or long milliseconds, or a time value (5 sec)

enum Flag : unsigned { Required = 0, Optional = 1, Constant = 2, Repeating = 4, Dynamic = 8 };

ParamSpec p(const char *name, TypeSet types, unsigned flags, const char *doc,
            const char *defaultValue = "")
{
    ParamSpec s;
    s.name = QString::fromLatin1(name);
    s.types = types;
    s.optional = flags & Optional;
    s.constant = flags & Constant;
    s.repeating = flags & Repeating;
    s.dynamic = flags & Dynamic;
    s.doc = QString::fromUtf8(doc);
    s.defaultValue = QString::fromUtf8(defaultValue);
    return s;
}

// A transport or mapper option: always a string in the annotation.
ParamSpec opt(const char *name, const char *defaultValue, const char *doc,
              unsigned flags = Optional)
{
    return p(name, S, flags, doc, defaultValue);
}
ParamSpec req(const char *name, const char *doc, unsigned flags = Required)
{
    return p(name, S, flags, doc);
}

BuiltinSpec spec(BuiltinKind kind, const char *ns, const char *name, const char *doc,
                 QList<ParamSpec> params, ReturnRule rule = ReturnRule::None,
                 AttrType type = AttrType::Unknown, int returnArg = 0)
{
    BuiltinSpec s;
    s.kind = kind;
    s.ns = QString::fromLatin1(ns);
    s.name = QString::fromLatin1(name);
    s.doc = QString::fromUtf8(doc);
    s.params = std::move(params);
    s.returnRule = rule;
    s.returnType = type;
    s.returnArg = returnArg;
    return s;
}

BuiltinSpec fn(const char *ns, const char *name, AttrType type, const char *doc,
               QList<ParamSpec> params = {})
{
    return spec(BuiltinKind::Function, ns, name, doc, std::move(params), ReturnRule::Fixed, type);
}

BuiltinSpec fnRule(const char *ns, const char *name, ReturnRule rule, int arg, const char *doc,
                   QList<ParamSpec> params)
{
    return spec(BuiltinKind::Function, ns, name, doc, std::move(params), rule, AttrType::Unknown,
                arg);
}

BuiltinSpec agg(const char *name, ReturnRule rule, AttrType type, const char *doc,
                QList<ParamSpec> params)
{
    return spec(BuiltinKind::Aggregate, "", name, doc, std::move(params), rule, type, 0);
}

BuiltinSpec win(const char *name, const char *doc, QList<ParamSpec> params)
{
    return spec(BuiltinKind::Window, "", name, doc, std::move(params));
}

QList<BuiltinSpec> makeSpecs()
{
    using R = ReturnRule;
    using AT = AttrType;
    QList<BuiltinSpec> out;

    // ---- Core functions -------------------------------------------------------------------
    out << fnRule("", "cast", R::TypeNamedByArg, 1,
                  "Casts a value to the named type ('string', 'int', 'long', 'float', 'double', "
                  "'bool'); the value must already be of that type at run time",
                  {p("to.be.caster", A, Required, "the value to cast"),
                   p("cast.to", S, Constant, "the type to cast to")});
    {
        BuiltinSpec s = fnRule("", "coalesce", R::SameAsArg, 0,
                               "The first argument that is not null; all arguments have one type",
                               {p("arg", A, Repeating, "values to try in order")});
        s.allArgsSameType = true;
        out << s;
    }
    out << fnRule("", "convert", R::TypeNamedByArg, 1,
                  "Converts a value to the named type ('string', 'int', 'long', 'float', "
                  "'double', 'bool'), parsing strings as needed",
                  {p("to.be.converted", A, Required, "the value to convert"),
                   p("converted.to", S, Constant, "the type to convert to")});
    out << fn("", "createSet", AT::Object,
              "A set holding the given value (for unionSet and sizeOfSet)",
              {p("input", I | L | F | D | B | S, Required, "the value to put in the set")});
    out << fn("", "currentTimeMillis", AT::Long,
              "The current time of the app's clock in milliseconds");
    {
        BuiltinSpec s = fnRule("", "default", R::SameAsArg, 0,
                               "The attribute's value, or the default when it is null",
                               {p("attribute", A, Required, "the value that may be null"),
                                p("default", A, Required, "the value used when it is null")});
        s.allArgsSameType = true;
        out << s;
    }
    out << fn("", "eventTimestamp", AT::Long,
              "The timestamp of the event being processed (or of the given pattern event)",
              {p("event", O, Optional, "an event of a pattern, such as e1")});
    {
        BuiltinSpec s = fnRule("", "ifThenElse", R::SameAsArg, 1,
                               "The second argument when the condition is true, else the third",
                               {p("condition", B, Required, "the condition"),
                                p("if.expression", A, Required, "the value when true"),
                                p("else.expression", A, Required, "the value when false")});
        out << s;
    }
    out << fn("", "instanceOfBoolean", AT::Bool, "Whether the value is a bool",
              {p("arg", A, Required, "the value")});
    out << fn("", "instanceOfDouble", AT::Bool, "Whether the value is a double",
              {p("arg", A, Required, "the value")});
    out << fn("", "instanceOfFloat", AT::Bool, "Whether the value is a float",
              {p("arg", A, Required, "the value")});
    out << fn("", "instanceOfInteger", AT::Bool, "Whether the value is an int",
              {p("arg", A, Required, "the value")});
    out << fn("", "instanceOfLong", AT::Bool, "Whether the value is a long",
              {p("arg", A, Required, "the value")});
    out << fn("", "instanceOfString", AT::Bool, "Whether the value is a string",
              {p("arg", A, Required, "the value")});
    out << fnRule("", "maximum", R::WidestNumeric, 0, "The largest of the arguments",
                  {p("arg", N, Repeating, "numbers to compare")});
    out << fnRule("", "minimum", R::WidestNumeric, 0, "The smallest of the arguments",
                  {p("arg", N, Repeating, "numbers to compare")});
    out << fn("", "sizeOfSet", AT::Int, "The number of elements in a set",
              {p("set", O, Required, "a set from createSet or unionSet")});
    out << fn("", "UUID", AT::String,
              "A new random UUID, such as '2b2ba7e8-4a27-4d8e-9c5f-9b1f0f0b2a11'");

    // ---- Core aggregates ------------------------------------------------------------------
    out << agg("sum", R::SumLike, AT::Unknown,
               "The sum of the values (long for int/long, double for float/double)",
               {p("arg", N, Required, "the value to add up")});
    out << agg("count", R::Fixed, AT::Long, "The number of events",
               {p("arg", A, Optional, "count only events where this is not null")});
    out << agg("avg", R::Fixed, AT::Double, "The average of the values",
               {p("arg", N, Required, "the value to average")});
    out << agg("min", R::SameAsArg, AT::Unknown, "The smallest value in the window",
               {p("arg", N, Required, "the value")});
    out << agg("max", R::SameAsArg, AT::Unknown, "The largest value in the window",
               {p("arg", N, Required, "the value")});
    out << agg("distinctCount", R::Fixed, AT::Long, "The number of distinct values",
               {p("arg", A, Required, "the value")});
    out << agg("maxForever", R::SameAsArg, AT::Unknown,
               "The largest value ever seen (windows do not reduce it)",
               {p("arg", N, Required, "the value")});
    out << agg("minForever", R::SameAsArg, AT::Unknown,
               "The smallest value ever seen (windows do not reduce it)",
               {p("arg", N, Required, "the value")});
    out << agg("stdDev", R::Fixed, AT::Double, "The standard deviation of the values",
               {p("arg", N, Required, "the value")});
    out << agg("and", R::Fixed, AT::Bool, "Whether all the values are true",
               {p("arg", B, Required, "the condition")});
    out << agg("or", R::Fixed, AT::Bool, "Whether any of the values is true",
               {p("arg", B, Required, "the condition")});
    out << agg("unionSet", R::Fixed, AT::Object, "The union of the sets",
               {p("set", O, Required, "a set from createSet")});

    // ---- str: ------------------------------------------------------------------------------
    out << fn(
        "str", "charAt", AT::String, "The character at an index",
        {p("input.value", S, Required, "the text"), p("index", I, Required, "zero-based index")});
    out << fn(
        "str", "charFrequency", AT::Long, "How often a character occurs",
        {p("input.string", S, Required, "the text"), p("char", S, Required, "the character")});
    out << fn("str", "coalesce", AT::String, "The first string that is not null",
              {p("arg", S, Repeating, "strings to try")});
    out << fn("str", "concat", AT::String, "The arguments joined into one string",
              {p("arg", I | L | F | D | S | B, Repeating, "values to join")});
    out << fn("str", "contains", AT::Bool, "Whether the text contains the search string",
              {p("input.string", S, Required, "the text"),
               p("search.string", S, Required, "what to look for")});
    out << fn("str", "endsWith", AT::Bool, "Whether the text ends with the suffix",
              {p("input.string", S, Required, "the text"), p("suffix", S, Required, "the suffix")});
    out << fn("str", "equalsIgnoreCase", AT::Bool, "Whether two strings are equal ignoring case",
              {p("arg1", S, Required, "first"), p("arg2", S, Required, "second")});
    out << fn(
        "str", "fillTemplate", AT::String, "Fills {{1}}, {{2}}... in a template with the arguments",
        {p("template", S, Required, "the template"), p("replacement", A, Repeating, "values")});
    out << fn("str", "hex", AT::String, "The hexadecimal form of the UTF-8 bytes of the text",
              {p("input.string", S, Required, "the text")});
    out << fn("str", "isEmpty", AT::Bool, "Whether the text is empty",
              {p("input.string", S, Required, "the text")});
    out << fn("str", "length", AT::Int, "The number of characters",
              {p("input.value", S, Required, "the text")});
    out << fn("str", "locate", AT::Int, "The index of the search string, or -1",
              {p("input.string", S, Required, "the text"),
               p("search.string", S, Required, "what to look for"),
               p("start.index", I, Optional, "where to start", "0")});
    out << fn("str", "lower", AT::String, "The text in lower case",
              {p("input.value", S, Required, "the text")});
    out << fn("str", "regexp", AT::Bool, "Whether the whole text matches the regular expression",
              {p("input.string", S, Required, "the text"),
               p("regex", S, Required, "the regular expression")});
    out << fn(
        "str", "repeat", AT::String, "The text repeated n times",
        {p("input.string", S, Required, "the text"), p("times", I, Required, "how many times")});
    out << fn("str", "replaceAll", AT::String, "Replaces every match of a regular expression",
              {p("input.string", S, Required, "the text"),
               p("regex", S, Required, "the regular expression"),
               p("replacement.string", S, Required, "the replacement")});
    out << fn("str", "replaceFirst", AT::String, "Replaces the first match of a regular expression",
              {p("input.string", S, Required, "the text"),
               p("regex", S, Required, "the regular expression"),
               p("replacement.string", S, Required, "the replacement")});
    out << fn("str", "reverse", AT::String, "The text reversed",
              {p("input.string", S, Required, "the text")});
    out << fn("str", "split", AT::String, "One part of the text split by a regular expression",
              {p("input.string", S, Required, "the text"),
               p("split.string", S, Required, "the separator (regex)"),
               p("group.number", I, Required, "which part, from 0")});
    out << fn("str", "startsWith", AT::Bool, "Whether the text starts with the prefix",
              {p("input.string", S, Required, "the text"), p("prefix", S, Required, "the prefix")});
    out << fn("str", "strcmp", AT::Int, "Compares two strings lexicographically",
              {p("arg1", S, Required, "first"), p("arg2", S, Required, "second")});
    out << fn(
        "str", "substr", AT::String, "A part of the text from an index, optionally of a length",
        {p("input.value", S, Required, "the text"), p("begin.index", I, Required, "start index"),
         p("length", I, Optional, "number of characters", "to the end")});
    out << fn("str", "trim", AT::String, "The text without leading and trailing spaces",
              {p("input.string", S, Required, "the text")});
    out << fn("str", "unhex", AT::String, "The text whose UTF-8 bytes the hexadecimal string holds",
              {p("input.string", S, Required, "hexadecimal text")});
    out << fn("str", "upper", AT::String, "The text in upper case",
              {p("input.value", S, Required, "the text")});

    // ---- math: -----------------------------------------------------------------------------
    auto m1 = [&](const char *name, const char *doc) {
        out << fn("math", name, AT::Double, doc, {p("p1", N, Required, "the number")});
    };
    out << fnRule("math", "abs", R::SameAsArg, 0, "The absolute value",
                  {p("p1", N, Required, "the number")});
    m1("acos", "Arc cosine, in radians");
    m1("asin", "Arc sine, in radians");
    m1("atan", "Arc tangent, in radians");
    m1("cbrt", "Cube root");
    m1("ceil", "The smallest whole number not below the value (as a double)");
    m1("cos", "Cosine of an angle in radians");
    m1("cosh", "Hyperbolic cosine");
    m1("exp", "e raised to the value");
    m1("floor", "The largest whole number not above the value (as a double)");
    m1("ln", "Natural logarithm");
    m1("log10", "Base-10 logarithm");
    m1("log2", "Base-2 logarithm");
    m1("signum", "-1, 0 or 1 by the sign of the value");
    m1("sin", "Sine of an angle in radians");
    m1("sinh", "Hyperbolic sine");
    m1("sqrt", "Square root");
    m1("tan", "Tangent of an angle in radians");
    m1("tanh", "Hyperbolic tangent");
    m1("toDegrees", "Radians to degrees");
    m1("toRadians", "Degrees to radians");
    out << fn("math", "log", AT::Double,
              "Logarithm of a number in a base (natural logarithm without a base)",
              {p("number", N, Required, "the number"), p("base", N, Optional, "the base", "e")});
    out << fn("math", "power", AT::Double, "The value raised to a power",
              {p("value", N, Required, "the base"), p("to.power", N, Required, "the exponent")});
    out << fnRule("math", "round", R::RoundLike, 0,
                  "The nearest whole number (int for float, long for double)",
                  {p("p1", N, Required, "the number")});
    out << fnRule("math", "max", R::WidestNumeric, 0, "The larger of two numbers",
                  {p("p1", N, Required, "first"), p("p2", N, Required, "second")});
    out << fnRule("math", "min", R::WidestNumeric, 0, "The smaller of two numbers",
                  {p("p1", N, Required, "first"), p("p2", N, Required, "second")});
    out << fn("math", "pi", AT::Double, "The constant pi");
    out << fn("math", "e", AT::Double, "The constant e");
    out << fn("math", "rand", AT::Double, "A random number in [0, 1), optionally from a seed",
              {p("seed", I | L, Optional | Constant, "the seed")});
    out << fn("math", "parseDouble", AT::Double, "Parses a string as a double",
              {p("p1", S, Required, "the text")});
    out << fn("math", "parseFloat", AT::Float, "Parses a string as a float",
              {p("p1", S, Required, "the text")});
    out << fn("math", "parseInt", AT::Int, "Parses a string as an int",
              {p("p1", S, Required, "the text")});
    out << fn("math", "parseLong", AT::Long, "Parses a string as a long",
              {p("p1", S, Required, "the text")});
    {
        // An aggregate function of the math extension (siddhi-execution-math).
        BuiltinSpec s = agg("percentile", R::Fixed, AT::Double,
                            "The value below which the given percentage of the values fall",
                            {p("arg", N, Required, "the value"),
                             p("p", D, Constant, "the percentile, from 0.0 to 100.0")});
        s.ns = QStringLiteral("math");
        out << s;
    }

    // ---- time: -----------------------------------------------------------------------------
    out << fn("time", "currentTimestamp", AT::String,
              "The current time as 'yyyy-MM-dd HH:mm:ss' (or in a given format)",
              {p("date.format", S, Optional, "the format", "yyyy-MM-dd HH:mm:ss")});
    out << fn("time", "currentDate", AT::String, "The current date as 'yyyy-MM-dd'");
    out << fn("time", "currentTime", AT::String, "The current time of day as 'HH:mm:ss'");
    out << fn("time", "utcTimestamp", AT::String, "The current UTC time as 'yyyy-MM-dd HH:mm:ss'");
    out << fn("time", "dateFormat", AT::String,
              "Formats a date (text or epoch millis) in another format",
              {p("date.value", S | L, Required, "the date, as text or epoch milliseconds"),
               p("date.target.format", S, Required, "the format to produce"),
               p("date.source.format", S, Optional, "the format of a text date",
                 "yyyy-MM-dd HH:mm:ss.SSS")});
    out << fn("time", "timestampInMilliseconds", AT::Long,
              "Epoch milliseconds of a date (now when none is given)",
              {p("date.value", S, Optional, "the date"),
               p("date.format", S, Optional, "its format", "yyyy-MM-dd HH:mm:ss.SSS")});
    out << fn(
        "time", "extract", AT::Int, "A field (YEAR, MONTH, DAY, HOUR, MINUTE, SECOND...) of a date",
        {p("unit", S, Required, "the field"),
         p("date.value", S | L, Required, "the date, as text or epoch milliseconds"),
         p("date.format", S, Optional, "the format of a text date", "yyyy-MM-dd HH:mm:ss.SSS")});
    out << fn("time", "dateAdd", AT::String, "Adds an amount of a unit to a date",
              {p("date.value", S | L, Required, "the date"), p("expr", I, Required, "how many"),
               p("unit", S, Required, "the unit (YEAR, MONTH, DAY...)"),
               p("date.format", S, Optional, "its format", "yyyy-MM-dd HH:mm:ss.SSS")});
    out << fn("time", "dateSub", AT::String, "Subtracts an amount of a unit from a date",
              {p("date.value", S | L, Required, "the date"), p("expr", I, Required, "how many"),
               p("unit", S, Required, "the unit (YEAR, MONTH, DAY...)"),
               p("date.format", S, Optional, "its format", "yyyy-MM-dd HH:mm:ss.SSS")});
    out << fn("time", "dateDiff", AT::Int, "The number of days between two dates",
              {p("date.value1", S | L, Required, "the first date"),
               p("date.value2", S | L, Required, "the second date"),
               p("date.format1", S, Optional, "format of the first", "yyyy-MM-dd HH:mm:ss"),
               p("date.format2", S, Optional, "format of the second", "yyyy-MM-dd HH:mm:ss")});
    out << fn("time", "dayOfWeek", AT::String, "The day of the week of a date, such as 'Monday'",
              {p("date.value", S, Required, "the date"),
               p("date.format", S, Optional, "its format", "yyyy-MM-dd")});
    out << fn("time", "date", AT::String, "The date part 'yyyy-MM-dd' of a date",
              {p("date.value", S, Required, "the date"),
               p("date.format", S, Optional, "its format", "yyyy-MM-dd HH:mm:ss.SSS")});

    // ---- Windows ---------------------------------------------------------------------------
    out << win("length", "A sliding window of the last n events",
               {p("window.length", I, Constant, "the number of events")});
    out << win("lengthBatch", "Tumbling batches of n events",
               {p("window.length", I, Constant, "the number of events"),
                p("stream.current.event", B, Optional | Constant, "emit each current event at once",
                  "false")});
    out << win("time", "A sliding window of the events of the last period",
               {p("window.time", T, Constant, "the period, such as 1 min")});
    {
        BuiltinSpec s = win("timeBatch", "Tumbling batches of the events of each period",
                            {p("window.time", T, Constant, "the period"),
                             p("start.time", T, Optional | Constant,
                               "the offset of the batches' start", "the first event's time"),
                             p("stream.current.event", B, Optional | Constant,
                               "emit each current event at once", "false")});
        s.overloads = {{0}, {0, 1}, {0, 2}, {0, 1, 2}};
        out << s;
    }
    out << win("timeLength", "A sliding window of the last period, holding at most n events",
               {p("window.time", T, Constant, "the period"),
                p("window.length", I, Constant, "the maximum number of events")});
    out << win("externalTime", "A sliding window over a timestamp attribute of the events",
               {p("timestamp", L, Required, "the attribute holding the event time"),
                p("window.time", T, Constant, "the period")});
    out << win("externalTimeBatch", "Tumbling batches over a timestamp attribute of the events",
               {p("timestamp", L, Required, "the attribute holding the event time"),
                p("window.time", T, Constant, "the period"),
                p("start.time", T, Optional, "the batches' start (constant or attribute)",
                  "the first event's timestamp"),
                p("timeout", T, Optional | Constant, "flush a batch after this wait",
                  "wait for the next batch"),
                p("replace.with.batchtime", B, Optional | Constant,
                  "use the batch end time as the timestamp", "false")});
    out << win(
        "session", "Groups events into sessions separated by a gap of inactivity",
        {p("session.gap", T, Constant, "the gap that ends a session"),
         p("session.key", S, Optional, "the attribute that identifies the session", "one session"),
         p("allowed.latency", T, Optional | Constant,
           "how late an event may still join its session", "0")});
    out << win("sort", "Keeps the n events that sort first by the given attributes",
               {p("window.length", I, Constant, "the number of events"),
                p("attribute", A, Optional | Repeating,
                  "attributes to sort by, each optionally followed by 'asc' or 'desc'")});
    out << win("cron", "Tumbling batches emitted on a cron schedule",
               {p("cron.expression", S, Constant, "the schedule, such as '*/5 * * * * ?'")});
    out << win("delay", "Delays each event by a period",
               {p("window.delay", T, Constant, "the delay")});
    out << win("batch", "Batches of the events that arrive together",
               {p("window.length", I, Optional | Constant, "the largest batch", "no limit")});
    out << win("frequent", "Keeps the most frequent events (Misra-Gries)",
               {p("event.count", I, Constant, "how many to keep"),
                p("attribute", A, Optional | Repeating, "the attributes that make events equal")});
    out << win(
        "lossyFrequent", "Keeps events whose frequency exceeds a threshold (lossy counting)",
        {p("support.threshold", D, Constant, "the threshold"),
         p("error.bound", D, Optional | Constant, "the error bound", "support.threshold / 10"),
         p("attribute", A, Optional | Repeating, "the attributes that make events equal")});
    out << win("expression", "A sliding window that keeps events while an expression holds",
               {p("expression", S, Constant, "a condition such as 'count() <= 20'"),
                p("include.triggering.event", B, Optional | Constant,
                  "keep the event that broke the condition", "false")});
    out << win("expressionBatch", "Batches that end when an expression stops holding",
               {p("expression", S, Constant, "a condition such as 'sum(price) < 100'"),
                p("include.triggering.event", B, Optional | Constant,
                  "keep the event that broke the condition in the batch", "false"),
                p("stream.current.event", B, Optional | Constant, "emit each current event at once",
                  "false")});

    // ---- Stream processors -------------------------------------------------------------------
    {
        BuiltinSpec s =
            spec(BuiltinKind::StreamProcessor, "", "log", "Logs each event (and passes it on)",
                 {p("priority", S, Optional | Constant,
                    "FATAL, ERROR, WARN, INFO, DEBUG, TRACE or OFF", "INFO"),
                  p("log.message", S, Optional, "a message to log with the event", "<app> :"),
                  p("is.event.logged", B, Optional, "whether to log the event itself", "true")});
        s.overloads = {{}, {1}, {2}, {1, 2}, {0, 1}, {0, 1, 2}};
        out << s;
    }
    out << spec(BuiltinKind::StreamProcessor, "", "pol2Cart",
                "Adds x, y (and z) Cartesian coordinates from polar ones",
                {p("theta", D, Required, "the angle in degrees"),
                 p("rho", D, Required, "the distance"), p("z", D, Optional, "the height")});
    out << spec(BuiltinKind::StreamProcessor, "str", "tokenize",
                "Emits one event per token of the text, with the token in attribute 'token'",
                {p("input.string", S, Required, "the text"),
                 p("regex", S, Required, "the separator (regex)"),
                 p("distinct", B, Optional | Constant, "emit each token once", "false")});

    // ---- Sources -------------------------------------------------------------------------------
    out << spec(
        BuiltinKind::Source, "", "http", "Receives events as HTTP POST requests",
        {opt("receiver.url", "http://0.0.0.0:9763/<app>/<stream>", "the URL to listen on"),
         opt("basic.auth.enabled", "false",
             "require HTTP Basic authentication with the deployment's users"),
         opt("worker.count", "1", "threads handling requests (accepted for compatibility)"),
         opt("socket.idle.timeout", "120000", "idle timeout of a connection in milliseconds"),
         opt("ssl.enabled.protocols", "", "accepted for compatibility"),
         opt("parameters", "", "accepted for compatibility"),
         opt("ciphers", "", "accepted for compatibility"),
         opt("ssl.protocol", "", "accepted for compatibility")});
    out << spec(BuiltinKind::Source, "", "websocket-server",
                "Listens for WebSocket clients (sensors) that push events as text frames",
                {req("host", "the address to listen on"), req("port", "the port to listen on"),
                 opt("sub.protocol", "", "the sub-protocols offered"),
                 opt("idle.timeout", "-1",
                     "close a silent connection after this many milliseconds (-1: never)"),
                 opt("tls.enabled", "false", "accepted for compatibility"),
                 opt("keystore.path", "", "accepted for compatibility"),
                 opt("keystore.password", "", "accepted for compatibility")});
    out << spec(
        BuiltinKind::Source, "", "websocket",
        "Connects to a WebSocket server and receives its text frames as events",
        {req("url", "the ws:// or wss:// URL"),
         opt("headers", "", "extra handshake headers: 'name:value','name:value'"),
         opt("sub.protocol", "", "the sub-protocols to ask for (comma-separated)"),
         opt("reconnect.interval", "1000",
             "first reconnection delay in milliseconds (doubles each attempt, with "
             "jitter)"),
         opt("reconnect.max.interval", "30000", "longest reconnection delay in milliseconds"),
         opt("idle.timeout", "-1", "accepted for compatibility")});
    out << spec(BuiltinKind::Source, "", "inMemory",
                "Receives events published to an in-process topic",
                {req("topic", "the topic name")});

    // ---- Sinks -----------------------------------------------------------------------------
    out << spec(BuiltinKind::Sink, "", "log", "Logs each event",
                {opt("priority", "INFO", "FATAL, ERROR, WARN, INFO, DEBUG or TRACE"),
                 opt("prefix", "<app> : <stream>", "text in front of each logged event")});
    out << spec(BuiltinKind::Sink, "", "inMemory",
                "Publishes events to an in-process topic (as they are, unless a @map says "
                "otherwise)",
                {req("topic", "the topic name", Dynamic)});
    out << spec(
        BuiltinKind::Sink, "", "websocket-server",
        "Serves events to every connected WebSocket client",
        {req("host", "the address to listen on"), req("port", "the port to listen on"),
         opt("sub.protocol", "", "the sub-protocols offered"),
         opt("idle.timeout", "-1", "close an idle client after this many milliseconds (-1: never)"),
         opt("send.queue.size", "1024",
             "events queued per client before the slow client is dropped"),
         opt("slow.client.policy", "close", "'close' (code 1008) or 'drop-oldest'"),
         opt("tls.enabled", "false", "accepted for compatibility"),
         opt("keystore.path", "", "accepted for compatibility"),
         opt("keystore.password", "", "accepted for compatibility")});
    out << spec(
        BuiltinKind::Sink, "", "websocket", "Sends events to a WebSocket server",
        {req("url", "the ws:// or wss:// URL"),
         opt("headers", "", "extra handshake headers: 'name:value','name:value'"),
         opt("sub.protocol", "", "the sub-protocols to ask for (comma-separated)"),
         opt("reconnect.interval", "1000",
             "first reconnection delay in milliseconds (doubles each attempt, with "
             "jitter)"),
         opt("reconnect.max.interval", "30000", "longest reconnection delay in milliseconds"),
         opt("queue.size", "1024",
             "messages kept while disconnected; past it the oldest are dropped")});
    out << spec(
        BuiltinKind::Sink, "", "http", "POSTs (or PUTs...) each event to a URL",
        {req("publisher.url", "the URL", Dynamic),
         opt("method", "POST", "the HTTP method", Optional | Dynamic),
         opt("headers", "", "extra headers: 'name:value','name:value'", Optional | Dynamic),
         opt("basic.auth.enabled", "false", "send HTTP Basic authentication"),
         opt("basic.auth.username", "", "user for HTTP Basic authentication"),
         opt("basic.auth.password", "", "password for HTTP Basic authentication"),
         opt("retry.count", "3", "retries after a failure, with backoff (LOG and STREAM)"),
         opt("retry.interval", "500", "first retry delay in milliseconds (doubles each time)"),
         opt("retry.max.interval", "30000", "longest retry delay in milliseconds"),
         opt("queue.size", "1024",
             "requests waiting to be sent; past it new events fail (logged and counted)"),
         opt("on.error", "LOG",
             "LOG (retry, then log), WAIT (retry in order until delivered) or STREAM (retry, "
             "then send the event with _error to the fault stream)"),
         opt("socket.idle.timeout", "6000",
             "milliseconds without progress before a request fails")});

    // Every sink takes on.error, as in Siddhi's Sink base class.
    for (BuiltinSpec &s : out) {
        if (s.kind != BuiltinKind::Sink)
            continue;
        const bool has = std::any_of(s.params.cbegin(), s.params.cend(), [](const ParamSpec &p) {
            return p.name == QLatin1String("on.error");
        });
        if (!has)
            s.params << opt("on.error", "LOG",
                            "LOG, WAIT or STREAM: what to do when publishing fails");
    }

    // ---- Mappers ---------------------------------------------------------------------------
    out << spec(
        BuiltinKind::SourceMapper, "", "json",
        "Reads events from JSON: {\"event\":{...}}, an array of them, or @attributes JSON paths",
        {opt("enclosing.element", "$", "JSON path of the element holding the events"),
         opt("fail.on.missing.attribute", "true",
             "reject events that lack an attribute (else use null)")});
    out << spec(BuiltinKind::SourceMapper, "", "text",
                "Reads events from text: attr:value lines, or @attributes regular expressions",
                {opt("regex.*", "",
                     "a regular expression under any ID (regex.A='(\\w+) ([0-9]+)'); "
                     "@attributes take its groups as 'A[1]' ('A' is group 1)"),
                 opt("fail.on.missing.attribute", "true",
                     "reject events that lack an attribute (else use null)"),
                 opt("event.grouping.enabled", "false", "several events in one message"),
                 opt("delimiter", "~~~~~~~~~~", "separator between grouped events"),
                 opt("new.line.character", "\\n", "line separator")});
    out << spec(
        BuiltinKind::SourceMapper, "", "csv", "Reads events from CSV lines",
        {opt("delimiter", ",", "the field separator ('\\t' for a tab)"),
         opt("header", "false", "whether the first record is a header (skipped)"),
         opt("header.present", "false", "the same as header"),
         opt("fail.on.unknown.attribute", "true", "reject lines with a wrong number of fields"),
         opt("event.grouping.enabled", "false", "several events in one message")});
    out << spec(BuiltinKind::SourceMapper, "", "passThrough",
                "Takes events as they are (in-process transports)", {});
    out << spec(BuiltinKind::SinkMapper, "", "json",
                "Writes events as JSON: {\"event\":{...}}, or a @payload template",
                {opt("validate.json", "false", "check that a @payload template yields valid JSON"),
                 opt("enclosing.element", "", "JSON path of an element to wrap the events in")});
    out << spec(BuiltinKind::SinkMapper, "", "text",
                "Writes events as text: attr:\"value\" lines, or a @payload template",
                {opt("event.grouping.enabled", "false", "several events in one message"),
                 opt("delimiter", "~~~~~~~~~~", "separator between grouped events"),
                 opt("new.line.character", "\\n", "line separator")});
    out << spec(BuiltinKind::SinkMapper, "", "csv",
                "Writes events as CSV lines; @payload(attr='position') orders the fields",
                {opt("delimiter", ",", "the field separator ('\\t' for a tab)"),
                 opt("header", "false", "write a header line"),
                 opt("event.grouping.enabled", "false", "several events in one message")});
    out << spec(BuiltinKind::SinkMapper, "", "passThrough",
                "Passes events as they are (in-process transports)", {});
    return out;
}

QString key(BuiltinKind kind, const QString &ns, const QString &name)
{
    // Case-sensitive, as Siddhi's extension holders (a HashMap of namespace:name).
    return QString::number(int(kind)) + u'|' + ns + u'|' + name;
}

} // namespace

QString builtinKindName(BuiltinKind kind)
{
    switch (kind) {
    case BuiltinKind::Function:
        return QStringLiteral("function");
    case BuiltinKind::Aggregate:
        return QStringLiteral("aggregate function");
    case BuiltinKind::Window:
        return QStringLiteral("window");
    case BuiltinKind::StreamProcessor:
        return QStringLiteral("stream processor");
    case BuiltinKind::Source:
        return QStringLiteral("source");
    case BuiltinKind::Sink:
        return QStringLiteral("sink");
    case BuiltinKind::SourceMapper:
        return QStringLiteral("source mapper");
    case BuiltinKind::SinkMapper:
        return QStringLiteral("sink mapper");
    case BuiltinKind::Store:
        return QStringLiteral("store");
    }
    return {};
}

int BuiltinSpec::requiredCount() const
{
    int n = 0;
    for (const ParamSpec &p : params) {
        if (!p.optional)
            ++n;
    }
    return n;
}

bool BuiltinSpec::acceptsCount(int count) const
{
    if (!overloads.isEmpty())
        return !forms(count).isEmpty();
    if (count < requiredCount())
        return false;
    if (!params.isEmpty() && params.constLast().repeating)
        return true;
    return count <= params.size();
}

QList<QList<int>> BuiltinSpec::forms(int count) const
{
    QList<QList<int>> out;
    if (overloads.isEmpty()) {
        if (acceptsCount(count)) {
            QList<int> positional;
            for (int i = 0; i < count; ++i)
                positional << qMin(i, int(params.size()) - 1);
            out << positional;
        }
        return out;
    }
    for (const QList<int> &o : overloads) {
        if (o.size() == count)
            out << o;
    }
    return out;
}

namespace {

QString paramText(const ParamSpec &p)
{
    const QString t = typeSetText(p.types)
                          .replace(QStringLiteral(" or "), QStringLiteral("|"))
                          .replace(QStringLiteral(", "), QStringLiteral("|"));
    return t + u' ' + p.name;
}

} // namespace

QStringList BuiltinSpec::overloadSignatures() const
{
    if (overloads.isEmpty())
        return {signature()};
    QStringList out;
    for (const QList<int> &o : overloads) {
        QStringList parts;
        for (int i : o)
            parts << paramText(params[i]);
        out << qualifiedName() + u'(' + parts.join(QStringLiteral(", ")) + u')';
    }
    return out;
}

QString BuiltinSpec::signature() const
{
    QStringList parts;
    for (const ParamSpec &p : params) {
        QString s = paramText(p);
        if (p.repeating)
            s += QStringLiteral(", ...");
        if (p.optional)
            s = u'[' + s + u']';
        parts << s;
    }
    QString sig = qualifiedName() + u'(' + parts.join(QStringLiteral(", ")) + u')';
    if (returnRule == ReturnRule::Fixed && returnType != AttrType::Unknown)
        sig += QStringLiteral(" -> ") + typeName(returnType);
    return sig;
}

const Registry &Registry::builtins()
{
    static const Registry registry;
    return registry;
}

Registry::Registry()
    : m_specs(makeSpecs())
{
    for (int i = 0; i < m_specs.size(); ++i) {
        const BuiltinSpec &s = m_specs[i];
        m_index.insert(key(s.kind, s.ns, s.name), i);
        if (!s.ns.isEmpty() && !m_namespaces.contains(s.ns))
            m_namespaces << s.ns;
    }
}

const BuiltinSpec *Registry::find(BuiltinKind kind, const QString &ns, const QString &name) const
{
    const auto it = m_index.constFind(key(kind, ns, name));
    return it == m_index.constEnd() ? nullptr : &m_specs[*it];
}

QList<const BuiltinSpec *> Registry::all(BuiltinKind kind) const
{
    QList<const BuiltinSpec *> out;
    for (const BuiltinSpec &s : m_specs) {
        if (s.kind == kind)
            out << &s;
    }
    return out;
}

bool Registry::isKnownNamespace(const QString &ns) const
{
    for (const QString &n : m_namespaces) {
        if (n == ns)
            return true;
    }
    return false;
}

QStringList Registry::names(BuiltinKind kind, const QString &ns) const
{
    QStringList out;
    for (const BuiltinSpec &s : m_specs) {
        if (s.kind == kind && s.ns == ns)
            out << s.name;
    }
    return out;
}

namespace {

int editDistance(const QString &a, const QString &b, int limit)
{
    const int n = int(a.size());
    const int m = int(b.size());
    if (std::abs(n - m) > limit)
        return limit + 1;
    std::vector<int> prev(m + 1), cur(m + 1);
    for (int j = 0; j <= m; ++j)
        prev[j] = j;
    for (int i = 1; i <= n; ++i) {
        cur[0] = i;
        int best = cur[0];
        for (int j = 1; j <= m; ++j) {
            const int cost = a[i - 1].toLower() == b[j - 1].toLower() ? 0 : 1;
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
            best = std::min(best, cur[j]);
        }
        if (best > limit)
            return limit + 1;
        std::swap(prev, cur);
    }
    return prev[m];
}

} // namespace

QString closestMatch(const QString &word, const QStringList &candidates)
{
    const int limit = std::max(1, int(word.size()) / 3);
    QString best;
    int bestDistance = limit + 1;
    for (const QString &c : candidates) {
        if (c.compare(word, Qt::CaseInsensitive) == 0)
            return c;
        const int d = editDistance(word, c, limit);
        if (d < bestDistance) {
            bestDistance = d;
            best = c;
        }
    }
    return best;
}

} // namespace Rivulet::Lang
