// The text mapper (siddhi-map-text). By default one event is `name:value` pairs separated by
// ",<new line>", strings in double quotes:
//     symbol:"WSO2",
//     price:55.6,
//     volume:100
// A source can pick values out with regular expressions instead (regex.A='(\w+)\s([-0-9]+)'
// and @attributes(symbol='A[1]', price='A[2]')); a sink can use a @payload template. With
// event.grouping.enabled several events travel in one message, separated by a line holding
// the delimiter (~~~~~~~~~~ by default).
#include "mappers.h"

#include <QRegularExpression>
#include <QStringList>

namespace Rivulet::Io {

using namespace Runtime;

namespace {

bool isFalse(const QString &v)
{
    return v.compare(QLatin1String("false"), Qt::CaseInsensitive) == 0;
}

bool isTrue(const QString &v)
{
    return v.compare(QLatin1String("true"), Qt::CaseInsensitive) == 0;
}

std::string_view view(const QByteArray &b)
{
    return {b.constData(), size_t(b.size())};
}

std::string_view trimmedView(std::string_view s)
{
    while (!s.empty()
           && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
        s.remove_prefix(1);
    while (!s.empty()
           && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
        s.remove_suffix(1);
    return s;
}

// Splits text at every occurrence of separator.
std::vector<std::string_view> split(std::string_view text, std::string_view separator)
{
    std::vector<std::string_view> parts;
    if (separator.empty()) {
        parts.push_back(text);
        return parts;
    }
    size_t start = 0;
    for (;;) {
        const size_t at = text.find(separator, start);
        if (at == std::string_view::npos) {
            parts.push_back(text.substr(start));
            return parts;
        }
        parts.push_back(text.substr(start, at - start));
        start = at + separator.size();
    }
}

class TextSourceMapper final : public SourceMapper
{
public:
    TextSourceMapper(const TransportConfig &config, const EventLayout &layout, QString *error)
    {
        m_failOnMissing =
            !isFalse(config.mapOptions.value(QStringLiteral("fail.on.missing.attribute")));
        m_grouping = isTrue(config.mapOptions.value(QStringLiteral("event.grouping.enabled")));
        m_newLine = unescapeOption(config.mapOptions.value(QStringLiteral("new.line.character"),
                                                           QStringLiteral("\\n")))
                        .toUtf8();
        if (m_newLine.isEmpty())
            m_newLine = "\n";
        m_delimiter = unescapeOption(config.mapOptions.value(QStringLiteral("delimiter"),
                                                             QStringLiteral("~~~~~~~~~~")))
                          .toUtf8();
        m_attributeSeparator = "," + m_newLine;

        if (!config.attributes)
            return;
        // Custom mapping: regex.<ID> options, and per attribute 'ID' (group 1) or 'ID[n]'.
        QHash<QString, int> regexById; // upper-cased ID -> index in m_regexes
        for (auto it = config.mapOptions.cbegin(); it != config.mapOptions.cend(); ++it) {
            if (!it.key().startsWith(QLatin1String("regex.")))
                continue;
            const QString id = it.key().mid(6).toUpper();
            QRegularExpression re(it.value());
            if (!re.isValid()) {
                *error = QStringLiteral("regex.%1 '%2' is not a valid regular expression: %3")
                             .arg(id, it.value(), re.errorString());
                return;
            }
            regexById.insert(id, int(m_regexes.size()));
            m_regexes.push_back(std::move(re));
        }
        const Lang::Ast::Annotation &a = *config.attributes;
        QList<QPair<int, QString>> mappings; // attribute, mapping
        const QStringList positional = a.positionalValues();
        if (!positional.isEmpty()) {
            for (int i = 0; i < layout.size() && i < positional.size(); ++i)
                mappings.append({i, positional[i]});
        } else {
            for (const auto &e : a.elements) {
                const int i = layout.indexOf(e.key);
                if (i < 0) {
                    *error =
                        QStringLiteral("@attributes names '%1', which the stream does not have")
                            .arg(e.key);
                    return;
                }
                mappings.append({i, e.value});
            }
        }
        static const QRegularExpression groupRef(
            QStringLiteral("^\\s*([A-Za-z0-9_]+)\\s*(?:\\[\\s*(\\d+)\\s*\\])?\\s*$"));
        m_custom.assign(size_t(layout.size()), {-1, 0});
        for (const auto &[attribute, mapping] : std::as_const(mappings)) {
            const auto m = groupRef.match(mapping);
            if (!m.hasMatch()) {
                *error =
                    QStringLiteral("@attributes maps '%1' to '%2'; write a regex group such as "
                                   "'A' or 'A[2]'")
                        .arg(layout.names().value(attribute), mapping);
                return;
            }
            const QString id = m.captured(1).toUpper();
            const int group = m.captured(2).isEmpty() ? 1 : m.captured(2).toInt();
            const auto found = regexById.constFind(id);
            if (found == regexById.constEnd()) {
                *error = QStringLiteral("@attributes maps '%1' to regex %2, but @map has no "
                                        "regex.%2 option")
                             .arg(layout.names().value(attribute), m.captured(1));
                return;
            }
            if (group > m_regexes[size_t(*found)].captureCount()) {
                *error = QStringLiteral("@attributes maps '%1' to group %2 of regex.%3, which has "
                                        "%4 group(s)")
                             .arg(layout.names().value(attribute))
                             .arg(group)
                             .arg(m.captured(1))
                             .arg(m_regexes[size_t(*found)].captureCount());
                return;
            }
            m_custom[size_t(attribute)] = {*found, group};
        }
        m_isCustom = true;
    }

    bool map(const QByteArray &input, EventLayout &layout, std::vector<Event *> &out,
             QString *error) override
    {
        QByteArray message = input;
        if (m_newLine == "\n" && message.contains('\r'))
            message.replace("\r\n", "\n"); // a sender on Windows
        if (!m_grouping)
            return mapOne(view(message), layout, out, error);
        // Events are separated by the delimiter on a line of its own.
        const QByteArray separator = m_newLine + m_delimiter + m_newLine;
        const std::vector<std::string_view> parts = split(view(message), view(separator));
        bool ok = true;
        int index = 0;
        for (std::string_view part : parts) {
            // A message may end with the delimiter line, or with a new line.
            if (trimmedView(part).empty() || trimmedView(part) == view(m_delimiter)) {
                ++index;
                continue;
            }
            QString partError;
            if (!mapOne(part, layout, out, &partError)) {
                if (ok)
                    *error = QStringLiteral("event %1 of the group: %2").arg(index).arg(partError);
                ok = false;
            }
            ++index;
        }
        return ok;
    }

private:
    bool mapOne(std::string_view text, EventLayout &layout, std::vector<Event *> &out,
                QString *error)
    {
        Event *e = layout.allocate();
        const bool ok =
            m_isCustom ? mapCustom(text, layout, e, error) : mapDefault(text, layout, e, error);
        if (!ok) {
            layout.release(e);
            return false;
        }
        out.push_back(e);
        return true;
    }

    bool mapDefault(std::string_view text, EventLayout &layout, Event *e, QString *error)
    {
        std::vector<bool> assigned(size_t(layout.size()), false);
        for (std::string_view pair : split(text, view(m_attributeSeparator))) {
            const size_t colon = pair.find(':');
            if (colon == std::string_view::npos)
                continue;
            const std::string_view keyText = trimmedView(pair.substr(0, colon));
            const std::string_view value = trimmedView(pair.substr(colon + 1));
            const int i =
                layout.indexOf(QString::fromUtf8(keyText.data(), qsizetype(keyText.size())));
            if (i < 0 || assigned[size_t(i)]) // unknown names are ignored; the first one counts
                continue;
            assigned[size_t(i)] = true;
            if (!setValue(layout, e, i, value, error))
                return false;
        }
        for (int i = 0; i < layout.size(); ++i) {
            if (assigned[size_t(i)])
                continue;
            if (m_failOnMissing) {
                *error = QStringLiteral("attribute '%1' is missing; expected name:value lines "
                                        "separated by ',' such as %1:...")
                             .arg(layout.names().value(i));
                return false;
            }
        }
        return true;
    }

    // A value as the default format writes it: strings quoted ("x" or 'x'), null bare;
    // numbers may carry thousands separators (1,000), which Siddhi drops.
    static bool setValue(EventLayout &layout, Event *e, int i, std::string_view value,
                         QString *error)
    {
        if (value == "null")
            return true; // attributes start null
        if (layout.type(i) == AttrType::String) {
            if (value.size() >= 2
                && ((value.front() == '"' && value.back() == '"')
                    || (value.front() == '\'' && value.back() == '\'')))
                value = value.substr(1, value.size() - 2);
            return setFromText(layout, e, i, value, error);
        }
        if (value.find(',') == std::string_view::npos)
            return setFromText(layout, e, i, value, error);
        std::string digits;
        digits.reserve(value.size());
        for (char c : value) {
            if (c != ',')
                digits += c;
        }
        return setFromText(layout, e, i, digits, error);
    }

    bool mapCustom(std::string_view text, EventLayout &layout, Event *e, QString *error)
    {
        const QString subject = QString::fromUtf8(text.data(), qsizetype(text.size()));
        m_matches.assign(m_regexes.size(), QRegularExpressionMatch());
        std::vector<bool> matched(m_regexes.size(), false);
        for (int i = 0; i < layout.size(); ++i) {
            const auto [regex, group] = m_custom[size_t(i)];
            QString value;
            bool found = false;
            if (regex >= 0) {
                if (!matched[size_t(regex)]) {
                    m_matches[size_t(regex)] = m_regexes[size_t(regex)].match(subject);
                    matched[size_t(regex)] = true;
                }
                const QRegularExpressionMatch &m = m_matches[size_t(regex)];
                if (m.hasMatch() && m.capturedStart(group) >= 0) {
                    value = m.captured(group);
                    found = true;
                }
            }
            if (!found) {
                if (m_failOnMissing) {
                    *error =
                        regex >= 0
                            ? QStringLiteral(
                                  "attribute '%1': regex.%2 found nothing in the message")
                                  .arg(layout.names().value(i), m_regexes[size_t(regex)].pattern())
                            : QStringLiteral("attribute '%1' has no mapping in @attributes")
                                  .arg(layout.names().value(i));
                    return false;
                }
                continue;
            }
            QByteArray bytes = value.toUtf8();
            if (layout.type(i) != AttrType::String)
                bytes.replace(',', QByteArray());
            if (!setFromText(layout, e, i, view(bytes), error))
                return false;
        }
        return true;
    }

    bool m_failOnMissing = true;
    bool m_grouping = false;
    bool m_isCustom = false;
    QByteArray m_newLine;
    QByteArray m_delimiter;
    QByteArray m_attributeSeparator;
    std::vector<QRegularExpression> m_regexes;
    std::vector<QRegularExpressionMatch> m_matches;
    std::vector<std::pair<int, int>> m_custom; // per attribute: regex index (-1: none), group
};

class TextSinkMapper final : public SinkMapper
{
public:
    TextSinkMapper(const TransportConfig &config, const EventLayout &layout)
    {
        m_grouping = isTrue(config.mapOptions.value(QStringLiteral("event.grouping.enabled")));
        const QByteArray newLine =
            unescapeOption(config.mapOptions.value(QStringLiteral("new.line.character"),
                                                   QStringLiteral("\\n")))
                .toUtf8();
        const QByteArray delimiter =
            unescapeOption(
                config.mapOptions.value(QStringLiteral("delimiter"), QStringLiteral("~~~~~~~~~~")))
                .toUtf8();
        m_attributeSeparator = "," + newLine;
        m_eventSeparator = newLine + delimiter + newLine;
        for (const QString &n : layout.names())
            m_prefixes << n.toUtf8() + ':';
        if (config.payload)
            m_template = Template(config.payload->value(), layout);
    }

    QByteArray map(const Event &e) override
    {
        QByteArray out;
        append(out, e);
        return out;
    }
    bool canGroup() const override { return m_grouping; }
    QByteArray mapGroup(const std::vector<const Event *> &events) override
    {
        QByteArray out;
        for (size_t i = 0; i < events.size(); ++i) {
            if (i)
                out += m_eventSeparator;
            append(out, *events[i]);
        }
        return out;
    }

private:
    void append(QByteArray &out, const Event &e) const
    {
        if (m_template.valid()) {
            out += m_template.fill(e, false);
            return;
        }
        for (int i = 0; i < e.size; ++i) {
            if (i)
                out += m_attributeSeparator;
            out += m_prefixes[i];
            const bool quoted = !e.isNull(i) && e.layout->type(i) == AttrType::String;
            if (quoted)
                out += '"';
            appendText(out, e, i);
            if (quoted)
                out += '"';
        }
    }

    bool m_grouping = false;
    QByteArray m_attributeSeparator;
    QByteArray m_eventSeparator;
    QList<QByteArray> m_prefixes;
    Template m_template;
};

} // namespace

std::unique_ptr<SourceMapper> makeTextSourceMapper(const TransportConfig &config,
                                                   const EventLayout &layout, QString *error)
{
    auto m = std::make_unique<TextSourceMapper>(config, layout, error);
    if (!error->isEmpty())
        return nullptr;
    return m;
}

std::unique_ptr<SinkMapper> makeTextSinkMapper(const TransportConfig &config,
                                               const EventLayout &layout, QString *)
{
    return std::make_unique<TextSinkMapper>(config, layout);
}

} // namespace Rivulet::Io
