#include "keywords.h"

#include <QHash>

namespace Rivulet::Lang {

namespace {

QList<KeywordInfo> makeTable()
{
    using K = Keyword;
    using C = KeywordCategory;
    auto s = [](std::initializer_list<const char *> words) {
        QList<QString> out;
        for (const char *w : words)
            out << QString::fromLatin1(w);
        return out;
    };
    return {
        {K::App, C::Reserved, "app", s({"app"}), "app-level annotations: @App:name('...')"},
        {K::Stream, C::Reserved, "stream", s({"stream"}), "define stream Name (attr type, ...)"},
        {K::Define, C::Reserved, "define", s({"define"}), "starts a definition"},
        {K::Function, C::Reserved, "function", s({"function"}),
         "define function name[lang] return type {...}"},
        {K::Trigger, C::Reserved, "trigger", s({"trigger"}),
         "define trigger Name at every <time> | 'start' | '<cron>'"},
        {K::Table, C::Reserved, "table", s({"table"}), "define table Name (attr type, ...)"},
        {K::From, C::Reserved, "from", s({"from"}),
         "starts a query: from <input> select ... insert into ..."},
        {K::Partition, C::Reserved, "partition", s({"partition"}),
         "partition with (attr of Stream) begin ... end"},
        {K::Window, C::Reserved, "window", s({"window"}), "#window.name(...) or define window"},
        {K::Select, C::Reserved, "select", s({"select"}), "the attributes a query emits"},
        {K::Group, C::Reserved, "group", s({"group"}), "group by attr, ..."},
        {K::By, C::Reserved, "by", s({"by"}), "group by / order by / aggregate by"},
        {K::Order, C::Reserved, "order", s({"order"}), "order by attr [asc|desc]"},
        {K::Limit, C::Reserved, "limit", s({"limit"}), "limit the number of output events"},
        {K::Offset, C::Reserved, "offset", s({"offset"}), "skip the first output events"},
        {K::Asc, C::Reserved, "asc", s({"asc"}), "ascending order"},
        {K::Desc, C::Reserved, "desc", s({"desc"}), "descending order"},
        {K::Having, C::Reserved, "having", s({"having"}),
         "filter on the selected (aggregated) attributes"},
        {K::Insert, C::Reserved, "insert", s({"insert"}),
         "insert [current|expired|all] events into Target"},
        {K::Delete, C::Reserved, "delete", s({"delete"}), "delete Table on <condition>"},
        {K::Update, C::Reserved, "update", s({"update"}), "update Table set ... on <condition>"},
        {K::Set, C::Reserved, "set", s({"set"}), "set Table.attr = expression, ..."},
        {K::Return, C::Reserved, "return", s({"return"}),
         "return (anonymous streams, function definitions)"},
        {K::Events, C::Reserved, "events", s({"events"}), "current/expired/all events"},
        {K::Into, C::Reserved, "into", s({"into"}), "insert into Target"},
        {K::Output, C::Reserved, "output", s({"output"}),
         "output [first|last|all|snapshot] every ..."},
        {K::Expired, C::Reserved, "expired", s({"expired"}), "events leaving a window"},
        {K::Current, C::Reserved, "current", s({"current"}), "events arriving"},
        {K::Snapshot, C::Reserved, "snapshot", s({"snapshot"}), "output snapshot every <time>"},
        {K::For, C::Reserved, "for", s({"for"}), "not Stream for <time>; delete ... for <events>"},
        {K::Raw, C::Reserved, "raw", s({"raw"}), "reserved"},
        {K::Of, C::Reserved, "of", s({"of"}), "partition with (attr of Stream)"},
        {K::As, C::Reserved, "as", s({"as"}), "rename: expression as name"},
        {K::At, C::Reserved, "at", s({"at"}), "define trigger Name at ..."},
        {K::Or, C::Reserved, "or", s({"or"}), "logical or"},
        {K::And, C::Reserved, "and", s({"and"}), "logical and"},
        {K::In, C::Reserved, "in", s({"in"}), "condition in Table: table membership"},
        {K::On, C::Reserved, "on", s({"on"}), "join or table condition"},
        {K::Is, C::Reserved, "is", s({"is"}), "x is null"},
        {K::Not, C::Reserved, "not", s({"not"}),
         "logical not; absent pattern: not Stream for <time>"},
        {K::Within, C::Reserved, "within", s({"within"}),
         "time bound of a pattern or aggregation range"},
        {K::With, C::Reserved, "with", s({"with"}), "partition with (...)"},
        {K::Begin, C::Reserved, "begin", s({"begin"}), "starts a partition's queries"},
        {K::End, C::Reserved, "end", s({"end"}), "ends a partition"},
        {K::Null, C::Literal, "null", s({"null"}), "the missing value"},
        {K::Every, C::Reserved, "every", s({"every"}), "output every ...; every pattern"},
        {K::Last, C::Reserved, "last", s({"last"}), "output last; e[last]"},
        {K::All, C::Reserved, "all", s({"all"}), "output all; insert all events"},
        {K::First, C::Reserved, "first", s({"first"}), "output first"},
        {K::Join, C::Reserved, "join", s({"join"}), "join two sources"},
        {K::Inner, C::Reserved, "inner", s({"inner"}), "inner join"},
        {K::Outer, C::Reserved, "outer", s({"outer"}), "left/right/full outer join"},
        {K::Right, C::Reserved, "right", s({"right"}), "right outer join"},
        {K::Left, C::Reserved, "left", s({"left"}), "left outer join"},
        {K::Full, C::Reserved, "full", s({"full"}), "full outer join"},
        {K::Unidirectional, C::Reserved, "unidirectional", s({"unidirectional"}),
         "only this side triggers the join"},
        {K::Years, C::TimeUnit, "years", s({"year", "years"}), "time unit: 365 days"},
        {K::Months, C::TimeUnit, "months", s({"month", "months"}), "time unit: 30 days"},
        {K::Weeks, C::TimeUnit, "weeks", s({"week", "weeks"}), "time unit: 7 days"},
        {K::Days, C::TimeUnit, "days", s({"day", "days"}), "time unit: 24 hours"},
        {K::Hours, C::TimeUnit, "hours", s({"hour", "hours"}), "time unit: 60 minutes"},
        {K::Minutes, C::TimeUnit, "min", s({"min", "minute", "minutes"}), "time unit: 60 seconds"},
        {K::Seconds, C::TimeUnit, "sec", s({"sec", "second", "seconds"}),
         "time unit: 1000 milliseconds"},
        {K::Milliseconds, C::TimeUnit, "millisec", s({"millisec", "millisecond", "milliseconds"}),
         "time unit"},
        {K::False, C::Literal, "false", s({"false"}), "boolean false"},
        {K::True, C::Literal, "true", s({"true"}), "boolean true"},
        {K::String, C::Type, "string", s({"string"}), "attribute type: text"},
        {K::Int, C::Type, "int", s({"int"}), "attribute type: 32-bit integer"},
        {K::Long, C::Type, "long", s({"long"}), "attribute type: 64-bit integer"},
        {K::Float, C::Type, "float", s({"float"}), "attribute type: 32-bit floating point"},
        {K::Double, C::Type, "double", s({"double"}), "attribute type: 64-bit floating point"},
        {K::Bool, C::Type, "bool", s({"bool"}), "attribute type: true or false"},
        {K::Object, C::Type, "object", s({"object"}), "attribute type: any value"},
        {K::Aggregation, C::Reserved, "aggregation", s({"aggregation"}),
         "define aggregation Name from ..."},
        {K::Aggregate, C::Reserved, "aggregate", s({"aggregate"}),
         "aggregate [by attr] every sec ... year"},
        {K::Per, C::Reserved, "per", s({"per"}), "within ... per '<granularity>'"},
    };
}

struct Lookup
{
    QList<KeywordInfo> table = makeTable();
    QHash<QByteArray, Keyword> bySpelling;
    const KeywordInfo *byKeyword[int(Keyword::Count_)] = {};

    Lookup()
    {
        for (const KeywordInfo &info : table) {
            byKeyword[int(info.keyword)] = &info;
            for (const QString &spelling : info.spellings)
                bySpelling.insert(spelling.toLatin1(), info.keyword);
        }
    }
};

const Lookup &lookup()
{
    static const Lookup instance;
    return instance;
}

} // namespace

const QList<KeywordInfo> &keywordTable()
{
    return lookup().table;
}

const KeywordInfo &keywordInfo(Keyword keyword)
{
    static const KeywordInfo none{Keyword::None, KeywordCategory::Reserved, "", {}, ""};
    const KeywordInfo *info = lookup().byKeyword[int(keyword)];
    return info ? *info : none;
}

Keyword lookupKeyword(QByteArrayView word)
{
    if (word.size() < 2 || word.size() > 14)
        return Keyword::None;
    char lower[16];
    for (qsizetype i = 0; i < word.size(); ++i) {
        const char c = word[i];
        lower[i] = (c >= 'A' && c <= 'Z') ? char(c + 32) : c;
    }
    return lookup().bySpelling.value(QByteArray::fromRawData(lower, word.size()), Keyword::None);
}

qint64 timeUnitMillis(Keyword keyword)
{
    switch (keyword) {
    case Keyword::Milliseconds:
        return 1;
    case Keyword::Seconds:
        return 1000;
    case Keyword::Minutes:
        return 60 * 1000;
    case Keyword::Hours:
        return 60 * 60 * 1000;
    case Keyword::Days:
        return 24LL * 60 * 60 * 1000;
    case Keyword::Weeks:
        return 7LL * 24 * 60 * 60 * 1000;
    case Keyword::Months:
        return 30LL * 24 * 60 * 60 * 1000;
    case Keyword::Years:
        return 365LL * 24 * 60 * 60 * 1000;
    default:
        return 0;
    }
}

} // namespace Rivulet::Lang
