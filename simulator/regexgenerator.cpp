#include "regexgenerator.h"

#include <QList>

#include <algorithm>
#include <utility>

namespace Rivulet::Simulator {

namespace {

constexpr char32_t kPrintableFirst = 0x20;
constexpr char32_t kPrintableLast = 0x7e;

// A set of code points as sorted, disjoint, inclusive ranges.
struct CharSet
{
    std::vector<std::pair<char32_t, char32_t>> ranges;
    uint64_t count = 0;

    void add(char32_t lo, char32_t hi) { ranges.emplace_back(lo, hi); }
    void normalize()
    {
        std::sort(ranges.begin(), ranges.end());
        std::vector<std::pair<char32_t, char32_t>> merged;
        for (const auto &r : ranges) {
            if (!merged.empty() && r.first <= merged.back().second + 1)
                merged.back().second = std::max(merged.back().second, r.second);
            else
                merged.push_back(r);
        }
        ranges = std::move(merged);
        count = 0;
        for (const auto &r : ranges)
            count += uint64_t(r.second - r.first) + 1;
    }
    // The printable ASCII characters not in this set.
    CharSet complement() const
    {
        CharSet out;
        char32_t next = kPrintableFirst;
        for (const auto &r : ranges) {
            if (r.second < kPrintableFirst || r.first > kPrintableLast)
                continue;
            if (r.first > next)
                out.add(next, r.first - 1);
            next = std::max(next, char32_t(r.second + 1));
        }
        if (next <= kPrintableLast)
            out.add(next, kPrintableLast);
        out.normalize();
        return out;
    }
    char32_t pick(Random &rng) const
    {
        uint64_t i = rng.below(count);
        for (const auto &r : ranges) {
            const uint64_t n = uint64_t(r.second - r.first) + 1;
            if (i < n)
                return char32_t(r.first + i);
            i -= n;
        }
        return ranges.back().second;
    }
};

void appendUtf8(std::string &out, char32_t c)
{
    if (c < 0x80) {
        out += char(c);
    } else if (c < 0x800) {
        out += char(0xc0 | (c >> 6));
        out += char(0x80 | (c & 0x3f));
    } else if (c < 0x10000) {
        out += char(0xe0 | (c >> 12));
        out += char(0x80 | ((c >> 6) & 0x3f));
        out += char(0x80 | (c & 0x3f));
    } else {
        out += char(0xf0 | (c >> 18));
        out += char(0x80 | ((c >> 12) & 0x3f));
        out += char(0x80 | ((c >> 6) & 0x3f));
        out += char(0x80 | (c & 0x3f));
    }
}

} // namespace

struct RegexItem;

// A group: one of several sequences.
struct RegexGenerator::Alternatives
{
    std::vector<std::vector<RegexItem>> sequences;
};

struct RegexItem
{
    enum Kind { Literal, Set, Group } kind = Literal;
    char32_t literal = 0;
    CharSet set;
    std::unique_ptr<RegexGenerator::Alternatives> group;
    int min = 1;
    int max = 1;
};

namespace {

class Parser
{
public:
    explicit Parser(const QString &pattern)
        : m_text(pattern.toUcs4())
    {}

    std::unique_ptr<RegexGenerator::Alternatives> parse(QString *error)
    {
        auto root = parseAlternatives();
        if (m_error.isEmpty() && m_pos < m_text.size())
            fail(QStringLiteral("unbalanced ')'"));
        if (!m_error.isEmpty()) {
            if (error)
                *error = m_error;
            return nullptr;
        }
        return root;
    }

private:
    bool atEnd() const { return m_pos >= m_text.size(); }
    char32_t peek() const { return atEnd() ? 0 : m_text[m_pos]; }
    void fail(const QString &message)
    {
        if (m_error.isEmpty())
            m_error = QStringLiteral("%1 at position %2").arg(message).arg(m_pos + 1);
    }

    std::unique_ptr<RegexGenerator::Alternatives> parseAlternatives()
    {
        auto alts = std::make_unique<RegexGenerator::Alternatives>();
        alts->sequences.emplace_back();
        while (!atEnd() && m_error.isEmpty()) {
            const char32_t c = peek();
            if (c == U')')
                break;
            if (c == U'|') {
                ++m_pos;
                alts->sequences.emplace_back();
                continue;
            }
            RegexItem item;
            if (!parseAtom(&item))
                break;
            if (item.kind == RegexItem::Literal && item.literal == 0 && item.min == 0
                && item.max == 0)
                continue; // an anchor: matches the empty string
            parseQuantifier(&item);
            alts->sequences.back().push_back(std::move(item));
        }
        return alts;
    }

    bool parseAtom(RegexItem *item)
    {
        const char32_t c = m_text[m_pos++];
        switch (c) {
        case U'(': {
            if (peek() == U'?') {
                if (m_pos + 1 < m_text.size() && m_text[m_pos + 1] == U':') {
                    m_pos += 2;
                } else {
                    --m_pos;
                    fail(QStringLiteral("lookaround, named groups and inline flags are not "
                                        "supported"));
                    return false;
                }
            }
            item->kind = RegexItem::Group;
            item->group = parseAlternatives();
            if (!m_error.isEmpty())
                return false;
            if (peek() != U')') {
                fail(QStringLiteral("missing ')'"));
                return false;
            }
            ++m_pos;
            return true;
        }
        case U'[':
            item->kind = RegexItem::Set;
            return parseClass(&item->set);
        case U'.':
            item->kind = RegexItem::Set;
            item->set.add(kPrintableFirst, kPrintableLast);
            item->set.normalize();
            return true;
        case U'^':
        case U'$':
            item->kind = RegexItem::Literal;
            item->literal = 0;
            item->min = item->max = 0;
            return true;
        case U'*':
        case U'+':
        case U'?':
            --m_pos;
            fail(QStringLiteral("nothing to repeat"));
            return false;
        case U'\\':
            return parseEscape(item, false);
        default:
            item->kind = RegexItem::Literal;
            item->literal = c;
            return true;
        }
    }

    // After a backslash. In a class, a class escape (\d) adds to set; elsewhere it makes item
    // a set. Returns false on error.
    bool parseEscape(RegexItem *item, bool inClass, CharSet *classSet = nullptr,
                     char32_t *single = nullptr)
    {
        if (atEnd()) {
            fail(QStringLiteral("trailing backslash"));
            return false;
        }
        const char32_t c = m_text[m_pos++];
        CharSet set;
        bool isSet = true;
        switch (c) {
        case U'd':
            set.add(U'0', U'9');
            break;
        case U'w':
            set.add(U'a', U'z');
            set.add(U'A', U'Z');
            set.add(U'0', U'9');
            set.add(U'_', U'_');
            break;
        case U's':
            set.add(U' ', U' ');
            break;
        case U'D':
        case U'W':
        case U'S': {
            CharSet base;
            if (c == U'D')
                base.add(U'0', U'9');
            else if (c == U'W') {
                base.add(U'a', U'z');
                base.add(U'A', U'Z');
                base.add(U'0', U'9');
                base.add(U'_', U'_');
            } else {
                base.add(U' ', U' ');
                base.add(U'\t', U'\r');
            }
            base.normalize();
            set = base.complement();
            break;
        }
        default:
            isSet = false;
            break;
        }
        if (isSet) {
            set.normalize();
            if (inClass) {
                for (const auto &r : set.ranges)
                    classSet->add(r.first, r.second);
                if (single)
                    *single = 0xffffffff;
            } else {
                item->kind = RegexItem::Set;
                item->set = std::move(set);
            }
            return true;
        }
        char32_t literal = c;
        switch (c) {
        case U't':
            literal = U'\t';
            break;
        case U'n':
            literal = U'\n';
            break;
        case U'r':
            literal = U'\r';
            break;
        case U'f':
            literal = U'\f';
            break;
        case U'v':
            literal = U'\v';
            break;
        case U'x':
        case U'u': {
            const int digits = c == U'x' ? 2 : 4;
            char32_t v = 0;
            for (int i = 0; i < digits; ++i) {
                const char32_t h = peek();
                int d;
                if (h >= U'0' && h <= U'9')
                    d = int(h - U'0');
                else if (h >= U'a' && h <= U'f')
                    d = int(h - U'a') + 10;
                else if (h >= U'A' && h <= U'F')
                    d = int(h - U'A') + 10;
                else {
                    fail(QStringLiteral("bad hexadecimal escape"));
                    return false;
                }
                v = v * 16 + char32_t(d);
                ++m_pos;
            }
            literal = v;
            break;
        }
        case U'b':
        case U'B':
            if (!inClass) {
                // Word boundaries match the empty string; generated text keeps its own words.
                item->kind = RegexItem::Literal;
                item->literal = 0;
                item->min = item->max = 0;
                return true;
            }
            literal = U'\b';
            break;
        default:
            if (c >= U'1' && c <= U'9') {
                --m_pos;
                fail(QStringLiteral("backreferences are not supported"));
                return false;
            }
            if ((c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z')) {
                m_pos -= 1;
                fail(QStringLiteral("unknown escape '\\%1'").arg(QChar(char16_t(c))));
                return false;
            }
            break; // an escaped metacharacter or punctuation: itself
        }
        if (inClass) {
            if (single)
                *single = literal;
        } else {
            item->kind = RegexItem::Literal;
            item->literal = literal;
        }
        return true;
    }

    bool parseClass(CharSet *set)
    {
        bool negate = false;
        if (peek() == U'^') {
            negate = true;
            ++m_pos;
        }
        bool first = true;
        while (true) {
            if (atEnd()) {
                fail(QStringLiteral("missing ']'"));
                return false;
            }
            char32_t c = m_text[m_pos++];
            if (c == U']' && !first)
                break;
            first = false;
            char32_t lo = c;
            if (c == U'\\') {
                char32_t single = 0;
                if (!parseEscape(nullptr, true, set, &single))
                    return false;
                if (single == 0xffffffff)
                    continue; // a class escape such as \d
                lo = single;
            }
            // A range a-z (a '-' before ']' is a literal).
            if (peek() == U'-' && m_pos + 1 < m_text.size() && m_text[m_pos + 1] != U']') {
                ++m_pos;
                char32_t hi = m_text[m_pos++];
                if (hi == U'\\') {
                    char32_t single = 0;
                    if (!parseEscape(nullptr, true, set, &single))
                        return false;
                    if (single == 0xffffffff) {
                        fail(QStringLiteral("a class escape cannot end a range"));
                        return false;
                    }
                    hi = single;
                }
                if (hi < lo) {
                    fail(QStringLiteral("range out of order"));
                    return false;
                }
                set->add(lo, hi);
            } else {
                set->add(lo, lo);
            }
        }
        set->normalize();
        if (negate)
            *set = set->complement();
        if (set->count == 0) {
            fail(QStringLiteral("the class matches no printable character"));
            return false;
        }
        return true;
    }

    bool parseNumber(int *out)
    {
        const qsizetype start = m_pos;
        qint64 v = 0;
        while (!atEnd() && peek() >= U'0' && peek() <= U'9') {
            v = v * 10 + int(peek() - U'0');
            if (v > 100000) {
                fail(QStringLiteral("repetition count too large"));
                return false;
            }
            ++m_pos;
        }
        *out = int(v);
        return m_pos > start;
    }

    void parseQuantifier(RegexItem *item)
    {
        if (atEnd())
            return;
        const char32_t c = peek();
        if (c == U'?') {
            item->min = 0;
            item->max = 1;
        } else if (c == U'*') {
            item->min = 0;
            item->max = RegexGenerator::kUnboundedExtra;
        } else if (c == U'+') {
            item->min = 1;
            item->max = 1 + RegexGenerator::kUnboundedExtra;
        } else if (c == U'{') {
            const qsizetype open = m_pos;
            ++m_pos;
            int lo = 0;
            if (!parseNumber(&lo)) {
                m_pos = open; // not a quantifier (as in Java and PCRE): '{' is a literal
                return;
            }
            int hi = lo;
            if (peek() == U',') {
                ++m_pos;
                if (!parseNumber(&hi))
                    hi = lo + RegexGenerator::kUnboundedExtra;
            }
            if (peek() != U'}') {
                m_pos = open; // not a quantifier: '{' is a literal
                return;
            }
            if (hi < lo) {
                fail(QStringLiteral("repetition {%1,%2} out of order").arg(lo).arg(hi));
                return;
            }
            item->min = lo;
            item->max = hi;
        } else {
            return;
        }
        ++m_pos;
        if (peek() == U'?' || peek() == U'+')
            ++m_pos; // lazy or possessive: the same strings match
        if (!atEnd()
            && (peek() == U'*' || peek() == U'+' || peek() == U'?'
                || (peek() == U'{' && m_pos + 1 < m_text.size() && m_text[m_pos + 1] >= U'0'
                    && m_text[m_pos + 1] <= U'9')))
            fail(QStringLiteral("nested quantifier"));
    }

    QList<uint> m_text;
    qsizetype m_pos = 0;
    QString m_error;
};

void generateAlternatives(const RegexGenerator::Alternatives &alts, Random &rng, std::string &out);

void generateItem(const RegexItem &item, Random &rng, std::string &out)
{
    const int n = item.min == item.max ? item.min : int(rng.between(item.min, item.max));
    for (int i = 0; i < n; ++i) {
        switch (item.kind) {
        case RegexItem::Literal:
            appendUtf8(out, item.literal);
            break;
        case RegexItem::Set:
            appendUtf8(out, item.set.pick(rng));
            break;
        case RegexItem::Group:
            generateAlternatives(*item.group, rng, out);
            break;
        }
    }
}

void generateAlternatives(const RegexGenerator::Alternatives &alts, Random &rng, std::string &out)
{
    const auto &seq = alts.sequences.size() == 1 ? alts.sequences.front()
                                                 : alts.sequences[rng.below(alts.sequences.size())];
    for (const RegexItem &item : seq)
        generateItem(item, rng, out);
}

} // namespace

RegexGenerator::RegexGenerator() = default;
RegexGenerator::~RegexGenerator() = default;
RegexGenerator::RegexGenerator(RegexGenerator &&) noexcept = default;
RegexGenerator &RegexGenerator::operator=(RegexGenerator &&) noexcept = default;

bool RegexGenerator::compile(const QString &pattern, QString *error)
{
    m_pattern = pattern;
    Parser parser(pattern);
    QString message;
    m_root = parser.parse(&message);
    if (!m_root) {
        if (error)
            *error = QStringLiteral("pattern '%1': %2").arg(pattern, message);
        return false;
    }
    return true;
}

void RegexGenerator::generate(Random &rng, std::string &out) const
{
    if (m_root)
        generateAlternatives(*m_root, rng, out);
}

QString RegexGenerator::generate(Random &rng) const
{
    std::string out;
    generate(rng, out);
    return QString::fromUtf8(out.data(), qsizetype(out.size()));
}

} // namespace Rivulet::Simulator
