#include "properties.h"

#include <QDateTime>

#include <algorithm>
#include <cstdio>
#include <iterator>

namespace Rivulet::Simulator {

enum class PropertyGenerator::Id {
    Time12h,
    Time24h,
    Second,
    Minute,
    Month,
    MonthNum,
    Year,
    Day,
    DayOfWeek,
    Date,
    FullName,
    FirstName,
    LastName,
    Words,
    Bsn,
    Address,
    Email,
    PhoneNum,
    PostCode,
    State,
    City,
    Company,
    Country,
    StreetName,
    HouseNo,
    HeightCm,
    HeightM,
    Weight,
    Occupation,
    Iban,
    Bic,
    VisaCard,
    PinCode,
    Url,
    Ip,
    IpV6,
    MacAddress,
    Uuid,
    Username,
    Colour,
    Altitude,
    Depth,
    Coordinates,
    Latitude,
    Longitude,
    GeoHash,
    Sentence,
    Paragraph,
};

namespace {

using Id = PropertyGenerator::Id;
using Kind = PropertyGenerator::Kind;

struct PropertyInfo
{
    const char *name;
    Id id;
    Kind kind;
};

const PropertyInfo kProperties[] = {
    {"TIME_12H", Id::Time12h, Kind::Text},
    {"TIME_24H", Id::Time24h, Kind::Text},
    {"SECOND", Id::Second, Kind::Integer},
    {"MINUTE", Id::Minute, Kind::Integer},
    {"MONTH", Id::Month, Kind::Text},
    {"MONTH_NUM", Id::MonthNum, Kind::Integer},
    {"YEAR", Id::Year, Kind::Integer},
    {"DAY", Id::Day, Kind::Integer},
    {"DAY_OF_WEEK", Id::DayOfWeek, Kind::Text},
    {"DATE", Id::Date, Kind::Text},
    {"FULL_NAME", Id::FullName, Kind::Text},
    {"FIRST_NAME", Id::FirstName, Kind::Text},
    {"LAST_NAME", Id::LastName, Kind::Text},
    {"WORDS", Id::Words, Kind::Text},
    {"BSN", Id::Bsn, Kind::Text},
    {"ADDRESS", Id::Address, Kind::Text},
    {"EMAIL", Id::Email, Kind::Text},
    {"PHONE_NUM", Id::PhoneNum, Kind::Text},
    {"POST_CODE", Id::PostCode, Kind::Text},
    {"STATE", Id::State, Kind::Text},
    {"CITY", Id::City, Kind::Text},
    {"COMPANY", Id::Company, Kind::Text},
    {"COUNTRY", Id::Country, Kind::Text},
    {"STREET_NAME", Id::StreetName, Kind::Text},
    {"HOUSE_NO", Id::HouseNo, Kind::Integer},
    {"HEIGHT_CM", Id::HeightCm, Kind::Integer},
    {"HEIGHT_M", Id::HeightM, Kind::Real},
    {"WEIGHT", Id::Weight, Kind::Integer},
    {"OCCUPATION", Id::Occupation, Kind::Text},
    {"IBAN", Id::Iban, Kind::Text},
    {"BIC", Id::Bic, Kind::Text},
    {"VISA_CARD", Id::VisaCard, Kind::Text},
    {"PIN_CODE", Id::PinCode, Kind::Text},
    {"URL", Id::Url, Kind::Text},
    {"IP", Id::Ip, Kind::Text},
    {"IP_V6", Id::IpV6, Kind::Text},
    {"MAC_ADDRESS", Id::MacAddress, Kind::Text},
    {"UUID", Id::Uuid, Kind::Text},
    {"USERNAME", Id::Username, Kind::Text},
    {"COLOUR", Id::Colour, Kind::Text},
    {"ALTITUDE", Id::Altitude, Kind::Real},
    {"DEPTH", Id::Depth, Kind::Real},
    {"COORDINATES", Id::Coordinates, Kind::Text},
    {"LATITUDE", Id::Latitude, Kind::Real},
    {"LONGITUDE", Id::Longitude, Kind::Real},
    {"GEO_HASH", Id::GeoHash, Kind::Text},
    {"SENTENCE", Id::Sentence, Kind::Text},
    {"PARAGRAPH", Id::Paragraph, Kind::Text},
};

// Small word lists of our own: enough variety to look real in a dashboard.
const char *const kFirstNames[] = {
    "Amara",   "Bruno",  "Chen",   "Dilani", "Elena",  "Farid",   "Grace", "Hugo",  "Ines",
    "Jonas",   "Kavya",  "Liam",   "Maya",   "Nikhil", "Olga",    "Pedro", "Qiang", "Rosa",
    "Sanjay",  "Tara",   "Umar",   "Vera",   "Wei",    "Ximena",  "Yusuf", "Zoe",   "Anil",
    "Beatriz", "Carlos", "Dmitri", "Emma",   "Fatima", "Gabriel", "Hana",  "Ivan",  "Julia"};
const char *const kLastNames[] = {
    "Perera",   "Silva",     "Okafor",   "Nakamura", "Schmidt", "Dubois", "Rossi",  "Novak",
    "Kowalski", "Haddad",    "Fernando", "Jensen",   "Murphy",  "Garcia", "Kim",    "Singh",
    "Ivanova",  "Andersson", "Costa",    "Mensah",   "Yilmaz",  "Tanaka", "Moreau", "Bianchi",
    "Larsen",   "Wong",      "Petrov",   "Ahmed",    "Lopez",   "Muller"};
const char *const kCities[] = {"Colombo", "Lisbon",   "Nairobi", "Osaka",   "Lyon",   "Turin",
                               "Gdansk",  "Porto",    "Kandy",   "Bergen",  "Cork",   "Valencia",
                               "Busan",   "Pune",     "Kazan",   "Malmo",   "Recife", "Accra",
                               "Izmir",   "Sapporo",  "Nantes",  "Bologna", "Aarhus", "Leeds",
                               "Cebu",    "Curitiba", "Mombasa", "Galle"};
const char *const kStates[] = {"Western",  "Central",    "Northern", "Southern",
                               "Eastern",  "Uva",        "Bavaria",  "Ontario",
                               "Victoria", "Queensland", "Texas",    "Oregon",
                               "Kerala",   "Andalusia",  "Tuscany",  "Brittany"};
const char *const kCountries[] = {
    "Sri Lanka", "Portugal", "Kenya",   "Japan",   "France",      "Italy",     "Poland",
    "Norway",    "Ireland",  "Spain",   "Korea",   "India",       "Russia",    "Sweden",
    "Brazil",    "Ghana",    "Turkey",  "Germany", "Canada",      "Australia", "Mexico",
    "Chile",     "Vietnam",  "Morocco", "Finland", "New Zealand", "Peru",      "Egypt"};
const char *const kCompanySyllables[] = {"Blue",  "North",  "River",  "Stone", "Bright", "Iron",
                                         "Cedar", "Summit", "Harbor", "Maple", "Swift",  "Delta"};
const char *const kCompanySuffixes[] = {"Logistics", "Systems", "Foods",    "Rail",      "Labs",
                                        "Energy",    "Works",   "Partners", "Analytics", "Motors"};
const char *const kCompanyForms[] = {"Ltd", "Inc", "GmbH", "PLC", "Co", "LLC"};
const char *const kStreets[] = {"Station", "Market", "Church", "Lake",   "Mill",  "Park",
                                "Harbour", "Temple", "Garden", "Hill",   "River", "Bridge",
                                "Orchard", "Castle", "Forest", "Meadow", "Canal", "Palm"};
const char *const kStreetKinds[] = {"Road", "Street", "Lane", "Avenue", "Way", "Drive"};
const char *const kOccupations[] = {
    "engineer", "nurse",      "teacher", "driver",    "conductor",  "pilot",   "chef",
    "farmer",   "architect",  "analyst", "carpenter", "librarian",  "dentist", "electrician",
    "designer", "pharmacist", "plumber", "surveyor",  "accountant", "mechanic"};
const char *const kColours[] = {"red",    "green", "blue", "yellow", "orange", "purple",
                                "black",  "white", "grey", "pink",   "brown",  "cyan",
                                "maroon", "olive", "teal", "navy",   "silver", "gold"};
const char *const kWords[] = {
    "signal",  "track",  "station", "platform", "engine",   "carriage", "switch", "route",
    "arrival", "depart", "speed",   "brake",    "junction", "freight",  "ticket", "window",
    "river",   "bridge", "tunnel",  "valley",   "morning",  "evening",  "quiet",  "rapid",
    "steady",  "bright", "north",   "south",    "green",    "silver",   "stream", "event"};
const char *const kDomains[] = {"example.com", "example.org", "example.net", "mail.test",
                                "rivulet.test"};
const char *const kTlds[] = {"com", "org", "net", "io", "dev"};
const char *const kMonths[] = {"January",   "February", "March",    "April",
                               "May",       "June",     "July",     "August",
                               "September", "October",  "November", "December"};
const char *const kBicCountries[] = {"NL", "DE", "FR", "PT", "IE", "GB"};
const char *const kDays[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                             "Friday", "Saturday", "Sunday"};

template<size_t N>
const char *pick(Random &rng, const char *const (&list)[N])
{
    return list[rng.below(N)];
}

void appendf(std::string &out, const char *format, auto... args)
{
    char buf[128];
    const int n = std::snprintf(buf, sizeof buf, format, args...);
    if (n > 0)
        out.append(buf, size_t(std::min(n, int(sizeof buf) - 1)));
}

void appendDigits(Random &rng, std::string &out, int n)
{
    for (int i = 0; i < n; ++i)
        out += char('0' + rng.below(10));
}

void appendLower(std::string &out, const char *s)
{
    for (; *s; ++s)
        out += (*s >= 'A' && *s <= 'Z') ? char(*s - 'A' + 'a') : (*s == ' ' ? '-' : *s);
}

void appendSentence(Random &rng, std::string &out)
{
    const int n = int(rng.between(5, 12));
    for (int i = 0; i < n; ++i) {
        const char *w = pick(rng, kWords);
        if (i == 0) {
            out += char(w[0] - 'a' + 'A');
            out += w + 1;
        } else {
            out += ' ';
            out += w;
        }
    }
    out += '.';
}

} // namespace

QStringList PropertyGenerator::propertyNames()
{
    QStringList names;
    for (const PropertyInfo &p : kProperties)
        names << QLatin1String(p.name);
    return names;
}

bool PropertyGenerator::setProperty(const QString &name, QString *error)
{
    const QString upper = name.trimmed().toUpper();
    for (const PropertyInfo &p : kProperties) {
        if (upper == QLatin1String(p.name)) {
            m_name = upper;
            m_id = p.id;
            m_kind = p.kind;
            return true;
        }
    }
    if (error)
        *error = QStringLiteral("unknown property '%1' (properties: %2)")
                     .arg(name, propertyNames().join(QStringLiteral(", ")));
    return false;
}

void PropertyGenerator::generate(Random &rng, int64_t timestamp, std::string &text,
                                 double *number) const
{
    static const char kHex[] = "0123456789abcdef";
    switch (m_id) {
    case Id::Time12h: {
        const int h = int(rng.between(1, 12));
        appendf(text, "%02d:%02d %s", h, int(rng.below(60)), rng.coin() ? "AM" : "PM");
        break;
    }
    case Id::Time24h:
        appendf(text, "%02d:%02d", int(rng.below(24)), int(rng.below(60)));
        break;
    case Id::Second:
    case Id::Minute:
        *number = double(rng.below(60));
        break;
    case Id::Month:
        text += pick(rng, kMonths);
        break;
    case Id::MonthNum:
        *number = double(rng.between(1, 12));
        break;
    case Id::Year:
        *number = double(rng.between(1970, 2035));
        break;
    case Id::Day:
        *number = double(rng.between(1, 28));
        break;
    case Id::DayOfWeek:
        text += pick(rng, kDays);
        break;
    case Id::Date: {
        // Within ten days after the event's time, in UTC.
        const QDateTime t = QDateTime::fromMSecsSinceEpoch(
            timestamp + int64_t(rng.below(10 * 86400)) * 1000, Qt::UTC);
        text += t.toString(QStringLiteral("dd-MM-yyyy HH:mm:ss")).toStdString();
        break;
    }
    case Id::FullName:
        text += pick(rng, kFirstNames);
        text += ' ';
        text += pick(rng, kLastNames);
        break;
    case Id::FirstName:
        text += pick(rng, kFirstNames);
        break;
    case Id::LastName:
        text += pick(rng, kLastNames);
        break;
    case Id::Words:
        text += pick(rng, kWords);
        break;
    case Id::Bsn: {
        // Nine digits passing the Dutch "eleven test", as a BSN does.
        while (true) {
            int d[9];
            int sum = 0;
            for (int i = 0; i < 8; ++i) {
                d[i] = int(rng.below(10));
                sum += d[i] * (9 - i);
            }
            d[8] = sum % 11;
            if (d[8] == 10 || d[0] == 0)
                continue;
            for (int i = 0; i < 9; ++i)
                text += char('0' + d[i]);
            break;
        }
        break;
    }
    case Id::Address:
        appendf(text, "%d %s %s, %s", int(rng.between(1, 300)), pick(rng, kStreets),
                pick(rng, kStreetKinds), pick(rng, kCities));
        break;
    case Id::Email:
        appendLower(text, pick(rng, kFirstNames));
        text += '.';
        appendLower(text, pick(rng, kLastNames));
        text += '@';
        text += pick(rng, kDomains);
        break;
    case Id::PhoneNum:
        appendf(text, "+%d ", int(rng.between(1, 99)));
        appendDigits(rng, text, 3);
        text += ' ';
        appendDigits(rng, text, 3);
        text += ' ';
        appendDigits(rng, text, 4);
        break;
    case Id::PostCode:
        appendf(text, "%05d", int(rng.below(100000)));
        break;
    case Id::State:
        text += pick(rng, kStates);
        break;
    case Id::City:
        text += pick(rng, kCities);
        break;
    case Id::Company:
        text += pick(rng, kCompanySyllables);
        text += ' ';
        text += pick(rng, kCompanySuffixes);
        text += ' ';
        text += pick(rng, kCompanyForms);
        break;
    case Id::Country:
        text += pick(rng, kCountries);
        break;
    case Id::StreetName:
        text += pick(rng, kStreets);
        text += ' ';
        text += pick(rng, kStreetKinds);
        break;
    case Id::HouseNo:
        *number = double(rng.between(1, 300));
        break;
    case Id::HeightCm:
        *number = double(rng.between(150, 200));
        break;
    case Id::HeightM:
        *number = double(rng.between(150, 200)) / 100.0;
        break;
    case Id::Weight:
        *number = double(rng.between(45, 120));
        break;
    case Id::Occupation:
        text += pick(rng, kOccupations);
        break;
    case Id::Iban: {
        // A country code, two check digits and 18 digits: IBAN-shaped (not a real account).
        static const char *const kCodes[] = {"NL", "DE", "FR", "PT", "IE", "ES", "IT", "GB"};
        text += pick(rng, kCodes);
        appendDigits(rng, text, 20);
        break;
    }
    case Id::Bic:
        for (int i = 0; i < 4; ++i)
            text += char('A' + rng.below(26));
        text += pick(rng, kBicCountries);
        text += char('A' + rng.below(26));
        text += char('0' + rng.below(10));
        break;
    case Id::VisaCard: {
        // 16 digits starting with 4, with a valid Luhn check digit.
        int d[16];
        d[0] = 4;
        for (int i = 1; i < 15; ++i)
            d[i] = int(rng.below(10));
        int sum = 0;
        for (int i = 0; i < 15; ++i) {
            int v = d[i];
            if (i % 2 == 0) { // doubled positions, counted from the check digit
                v *= 2;
                if (v > 9)
                    v -= 9;
            }
            sum += v;
        }
        d[15] = (10 - sum % 10) % 10;
        for (int v : d)
            text += char('0' + v);
        break;
    }
    case Id::PinCode:
        appendDigits(rng, text, 4);
        break;
    case Id::Url:
        text += "https://www.";
        appendLower(text, pick(rng, kWords));
        text += '-';
        appendLower(text, pick(rng, kWords));
        text += '.';
        text += pick(rng, kTlds);
        text += '/';
        appendLower(text, pick(rng, kWords));
        break;
    case Id::Ip:
        appendf(text, "%d.%d.%d.%d", int(rng.between(1, 223)), int(rng.below(256)),
                int(rng.below(256)), int(rng.between(1, 254)));
        break;
    case Id::IpV6:
        for (int i = 0; i < 8; ++i) {
            if (i)
                text += ':';
            appendf(text, "%x", unsigned(rng.below(0x10000)));
        }
        break;
    case Id::MacAddress:
        for (int i = 0; i < 6; ++i) {
            if (i)
                text += ':';
            const unsigned b = unsigned(rng.below(256));
            text += kHex[b >> 4];
            text += kHex[b & 15];
        }
        break;
    case Id::Uuid: {
        // A version 4 UUID.
        uint8_t b[16];
        for (uint8_t &x : b)
            x = uint8_t(rng.below(256));
        b[6] = uint8_t((b[6] & 0x0f) | 0x40);
        b[8] = uint8_t((b[8] & 0x3f) | 0x80);
        for (int i = 0; i < 16; ++i) {
            if (i == 4 || i == 6 || i == 8 || i == 10)
                text += '-';
            text += kHex[b[i] >> 4];
            text += kHex[b[i] & 15];
        }
        break;
    }
    case Id::Username:
        appendLower(text, pick(rng, kFirstNames));
        text += '_';
        appendLower(text, pick(rng, kWords));
        appendDigits(rng, text, 2);
        break;
    case Id::Colour:
        text += pick(rng, kColours);
        break;
    case Id::Altitude:
        *number = double(rng.between(0, 880000)) / 100.0; // 0 to 8,800 m
        break;
    case Id::Depth:
        *number = double(rng.between(0, 1100000)) / 100.0; // 0 to 11,000 m
        break;
    case Id::Coordinates:
        appendf(text, "%.6f, %.6f", rng.uniform(-90, 90), rng.uniform(-180, 180));
        break;
    case Id::Latitude:
        *number = double(rng.between(-90000000, 90000000)) / 1e6;
        break;
    case Id::Longitude:
        *number = double(rng.between(-180000000, 180000000)) / 1e6;
        break;
    case Id::GeoHash: {
        static const char kBase32[] = "0123456789bcdefghjkmnpqrstuvwxyz";
        for (int i = 0; i < 9; ++i)
            text += kBase32[rng.below(32)];
        break;
    }
    case Id::Sentence:
        appendSentence(rng, text);
        break;
    case Id::Paragraph: {
        const int n = int(rng.between(3, 6));
        for (int i = 0; i < n; ++i) {
            if (i)
                text += ' ';
            appendSentence(rng, text);
        }
        break;
    }
    }
}

} // namespace Rivulet::Simulator
