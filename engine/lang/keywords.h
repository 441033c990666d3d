#pragma once

#include <QByteArrayView>
#include <QList>
#include <QString>

#include <cstdint>

namespace Rivulet::Lang {

// The reserved words of SiddhiQL. They are case-insensitive and, as in Siddhi's grammar, may
// still be used as names (of streams, attributes, functions) where a name is expected.
enum class Keyword : std::uint8_t {
    None,
    App,
    Stream,
    Define,
    Function,
    Trigger,
    Table,
    From,
    Partition,
    Window,
    Select,
    Group,
    By,
    Order,
    Limit,
    Offset,
    Asc,
    Desc,
    Having,
    Insert,
    Delete,
    Update,
    Set,
    Return,
    Events,
    Into,
    Output,
    Expired,
    Current,
    Snapshot,
    For,
    Raw,
    Of,
    As,
    At,
    Or,
    And,
    In,
    On,
    Is,
    Not,
    Within,
    With,
    Begin,
    End,
    Null,
    Every,
    Last,
    All,
    First,
    Join,
    Inner,
    Outer,
    Right,
    Left,
    Full,
    Unidirectional,
    Years,
    Months,
    Weeks,
    Days,
    Hours,
    Minutes,
    Seconds,
    Milliseconds,
    False,
    True,
    String,
    Int,
    Long,
    Float,
    Double,
    Bool,
    Object,
    Aggregation,
    Aggregate,
    Per,
    Count_ // number of keywords, not a keyword
};

enum class KeywordCategory : std::uint8_t { Reserved, TimeUnit, Type, Literal };

struct KeywordInfo
{
    Keyword keyword;
    KeywordCategory category;
    const char *canonical;    // the spelling the docs and completion use
    QList<QString> spellings; // every accepted spelling, lower case
    const char *doc;
};

// Every keyword with its spellings and category: the single list the lexer, the editor's
// highlighting and completion and the KSyntaxHighlighting definition read.
const QList<KeywordInfo> &keywordTable();
const KeywordInfo &keywordInfo(Keyword keyword);
// Looks up an identifier-shaped word (any case). Returns Keyword::None if it is not one.
Keyword lookupKeyword(QByteArrayView word);
// Milliseconds per unit for the time-unit keywords (months are 30 days, years 365 days, as in
// Siddhi); 0 for other keywords.
qint64 timeUnitMillis(Keyword keyword);

} // namespace Rivulet::Lang
