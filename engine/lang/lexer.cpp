#include "lexer.h"

#include "diagnostic.h"

namespace Rivulet::Lang {

namespace {

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}
bool isIdentStart(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool isIdentPart(char c)
{
    return isIdentStart(c) || isDigit(c);
}

// Whether a token (or whitespace) can start at this character; the others are unexpected.
bool startsToken(char c)
{
    if (isIdentStart(c) || isDigit(c))
        return true;
    switch (c) {
    case ' ':
    case '\t':
    case '\r':
    case '\n':
    case '\v':
    case '\f':
    case '\'':
    case '"':
    case '`':
    case '{':
    case ':':
    case ';':
    case '.':
    case '(':
    case ')':
    case '[':
    case ']':
    case ',':
    case '=':
    case '*':
    case '+':
    case '?':
    case '-':
    case '/':
    case '%':
    case '<':
    case '>':
    case '!':
    case '@':
    case '#':
        return true;
    default:
        return false;
    }
}

// Printable text for unexpected bytes: UTF-8 characters as they are, control characters and
// invalid UTF-8 as \xNN.
QString displayBytes(QByteArrayView bytes)
{
    QString out;
    qsizetype i = 0;
    while (i < bytes.size()) {
        const uchar c = uchar(bytes[i]);
        int len = 0;
        if (c >= 0x20 && c < 0x7f)
            len = 1;
        else if (c >= 0xc2 && c <= 0xdf)
            len = 2;
        else if (c >= 0xe0 && c <= 0xef)
            len = 3;
        else if (c >= 0xf0 && c <= 0xf4)
            len = 4;
        bool valid = len > 0 && i + len <= bytes.size();
        for (int k = 1; valid && k < len; ++k)
            valid = (uchar(bytes[i + k]) & 0xc0) == 0x80;
        if (valid) {
            out += QString::fromUtf8(bytes.sliced(i, len));
            i += len;
        } else {
            out += QStringLiteral("\\x") + QString::number(c, 16).rightJustified(2, u'0').toUpper();
            ++i;
        }
    }
    return out;
}

} // namespace

const char *tokenKindSpelling(TokenKind kind)
{
    switch (kind) {
    case TokenKind::EndOfFile:
        return "end of input";
    case TokenKind::Unexpected:
        return "unexpected character";
    case TokenKind::Identifier:
        return "name";
    case TokenKind::QuotedIdentifier:
        return "quoted name";
    case TokenKind::Keyword:
        return "keyword";
    case TokenKind::IntLiteral:
        return "int literal";
    case TokenKind::LongLiteral:
        return "long literal";
    case TokenKind::FloatLiteral:
        return "float literal";
    case TokenKind::DoubleLiteral:
        return "double literal";
    case TokenKind::StringLiteral:
        return "string literal";
    case TokenKind::TripleString:
        return "string literal";
    case TokenKind::Script:
        return "script body";
    case TokenKind::LineComment:
        return "comment";
    case TokenKind::BlockComment:
        return "comment";
    case TokenKind::Colon:
        return "':'";
    case TokenKind::Semicolon:
        return "';'";
    case TokenKind::Dot:
        return "'.'";
    case TokenKind::TripleDot:
        return "'...'";
    case TokenKind::LParen:
        return "'('";
    case TokenKind::RParen:
        return "')'";
    case TokenKind::LBracket:
        return "'['";
    case TokenKind::RBracket:
        return "']'";
    case TokenKind::Comma:
        return "','";
    case TokenKind::Assign:
        return "'='";
    case TokenKind::Star:
        return "'*'";
    case TokenKind::Plus:
        return "'+'";
    case TokenKind::Question:
        return "'?'";
    case TokenKind::Minus:
        return "'-'";
    case TokenKind::Slash:
        return "'/'";
    case TokenKind::Percent:
        return "'%'";
    case TokenKind::Lt:
        return "'<'";
    case TokenKind::LtEq:
        return "'<='";
    case TokenKind::Gt:
        return "'>'";
    case TokenKind::GtEq:
        return "'>='";
    case TokenKind::EqEq:
        return "'=='";
    case TokenKind::NotEq:
        return "'!='";
    case TokenKind::At:
        return "'@'";
    case TokenKind::Arrow:
        return "'->'";
    case TokenKind::Hash:
        return "'#'";
    case TokenKind::Bang:
        return "'!'";
    }
    return "token";
}

Lexer::Lexer(QByteArrayView source, Option option)
    : m_src(source)
    , m_option(option)
{
    // Skip a UTF-8 byte order mark.
    if (m_src.size() >= 3 && uchar(m_src[0]) == 0xEF && uchar(m_src[1]) == 0xBB
        && uchar(m_src[2]) == 0xBF)
        m_pos = 3;
}

void Lexer::reset(int offset, int line, int column)
{
    m_pos = offset;
    m_line = line;
    m_column = column;
}

void Lexer::advance()
{
    const char c = m_src[m_pos++];
    if (c == '\n') {
        ++m_line;
        m_column = 1;
    } else if ((uchar(c) & 0xC0) != 0x80) {
        // Count characters, not UTF-8 continuation bytes.
        ++m_column;
    }
}

void Lexer::skipWhitespace()
{
    while (!atEnd()) {
        const char c = peek();
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f')
            advance();
        else
            break;
    }
}

Token Lexer::make(TokenKind kind, int start, int line, int column)
{
    Token t;
    t.kind = kind;
    t.offset = start;
    t.length = m_pos - start;
    t.line = line;
    t.column = column;
    t.endLine = m_line;
    t.endColumn = m_column;
    return t;
}

Token Lexer::next()
{
    for (;;) {
        skipWhitespace();
        const int start = m_pos;
        const int line = m_line;
        const int column = m_column;
        if (atEnd())
            return make(TokenKind::EndOfFile, start, line, column);

        const char c = peek();
        // Comments.
        if (c == '-' && peek(1) == '-') {
            while (!atEnd() && peek() != '\n')
                advance();
            if (m_option == KeepComments)
                return make(TokenKind::LineComment, start, line, column);
            continue;
        }
        if (c == '/' && peek(1) == '*') {
            advance();
            advance();
            bool closed = false;
            while (!atEnd()) {
                if (peek() == '*' && peek(1) == '/') {
                    advance();
                    advance();
                    closed = true;
                    break;
                }
                advance();
            }
            if (m_option == KeepComments || !closed) {
                Token t = make(TokenKind::BlockComment, start, line, column);
                t.unterminated = !closed;
                if (m_option == KeepComments || t.unterminated)
                    return t;
            }
            continue;
        }

        if (isDigit(c) || (c == '.' && isDigit(peek(1))))
            return lexNumber(start, line, column);
        if (isIdentStart(c))
            return lexWord(start, line, column);
        if (c == '\'' || c == '"')
            return lexString(start, line, column);
        if (c == '{')
            return lexScript(start, line, column);
        if (c == '`') {
            advance();
            while (!atEnd() && peek() != '`' && peek() != '\n')
                advance();
            Token t;
            if (!atEnd() && peek() == '`') {
                advance();
                t = make(TokenKind::QuotedIdentifier, start, line, column);
            } else {
                t = make(TokenKind::QuotedIdentifier, start, line, column);
                t.unterminated = true;
            }
            return t;
        }

        advance();
        auto two = [&](char second, TokenKind twoKind, TokenKind oneKind) {
            if (peek() == second) {
                advance();
                return make(twoKind, start, line, column);
            }
            return make(oneKind, start, line, column);
        };
        switch (c) {
        case ':':
            return make(TokenKind::Colon, start, line, column);
        case ';':
            return make(TokenKind::Semicolon, start, line, column);
        case '.':
            if (peek() == '.' && peek(1) == '.') {
                advance();
                advance();
                return make(TokenKind::TripleDot, start, line, column);
            }
            return make(TokenKind::Dot, start, line, column);
        case '(':
            return make(TokenKind::LParen, start, line, column);
        case ')':
            return make(TokenKind::RParen, start, line, column);
        case '[':
            return make(TokenKind::LBracket, start, line, column);
        case ']':
            return make(TokenKind::RBracket, start, line, column);
        case ',':
            return make(TokenKind::Comma, start, line, column);
        case '=':
            return two('=', TokenKind::EqEq, TokenKind::Assign);
        case '*':
            return make(TokenKind::Star, start, line, column);
        case '+':
            return make(TokenKind::Plus, start, line, column);
        case '?':
            return make(TokenKind::Question, start, line, column);
        case '-':
            return two('>', TokenKind::Arrow, TokenKind::Minus);
        case '/':
            return make(TokenKind::Slash, start, line, column);
        case '%':
            return make(TokenKind::Percent, start, line, column);
        case '<':
            return two('=', TokenKind::LtEq, TokenKind::Lt);
        case '>':
            return two('=', TokenKind::GtEq, TokenKind::Gt);
        case '!':
            return two('=', TokenKind::NotEq, TokenKind::Bang);
        case '@':
            return make(TokenKind::At, start, line, column);
        case '#':
            return make(TokenKind::Hash, start, line, column);
        default:
            break;
        }
        // One Unexpected token for a run of characters that start no token (a multi-byte UTF-8
        // character, a line of binary garbage), so that it is reported once.
        while (!atEnd() && !startsToken(peek()))
            advance();
        return make(TokenKind::Unexpected, start, line, column);
    }
}

Token Lexer::lexNumber(int start, int line, int column)
{
    bool isReal = false;
    while (isDigit(peek()))
        advance();
    if (peek() == '.' && isDigit(peek(1))) {
        isReal = true;
        advance();
        while (isDigit(peek()))
            advance();
    } else if (peek() == '.' && !isIdentPart(peek(2))
               && (peek(1) == 'f' || peek(1) == 'F' || peek(1) == 'd' || peek(1) == 'D')) {
        // "5.f" and "5.d" are numbers in Siddhi's grammar (DIGIT+ '.' DIGIT* F); "e1.price" and
        // "5..." are not.
        isReal = true;
        advance();
    }
    if ((peek() == 'e' || peek() == 'E')
        && (isDigit(peek(1)) || ((peek(1) == '+' || peek(1) == '-') && isDigit(peek(2))))) {
        isReal = true;
        advance();
        if (peek() == '+' || peek() == '-')
            advance();
        while (isDigit(peek()))
            advance();
    }
    TokenKind kind = isReal ? TokenKind::DoubleLiteral : TokenKind::IntLiteral;
    const char suffix = peek();
    if (!isIdentPart(peek(1))) {
        if (suffix == 'f' || suffix == 'F') {
            advance();
            kind = TokenKind::FloatLiteral;
        } else if (suffix == 'd' || suffix == 'D') {
            advance();
            kind = TokenKind::DoubleLiteral;
        } else if ((suffix == 'l' || suffix == 'L') && !isReal) {
            advance();
            kind = TokenKind::LongLiteral;
        }
    }
    return make(kind, start, line, column);
}

Token Lexer::lexWord(int start, int line, int column)
{
    while (isIdentPart(peek()))
        advance();
    Token t = make(TokenKind::Identifier, start, line, column);
    const Keyword kw = lookupKeyword(m_src.sliced(start, m_pos - start));
    if (kw != Keyword::None) {
        t.kind = TokenKind::Keyword;
        t.keyword = kw;
    }
    return t;
}

Token Lexer::lexString(int start, int line, int column)
{
    const char quote = peek();
    if (quote == '"' && peek(1) == '"' && peek(2) == '"') {
        advance();
        advance();
        advance();
        bool closed = false;
        while (!atEnd()) {
            if (peek() == '"' && peek(1) == '"' && peek(2) == '"') {
                advance();
                advance();
                advance();
                closed = true;
                break;
            }
            advance();
        }
        Token t = make(TokenKind::TripleString, start, line, column);
        t.unterminated = !closed;
        return t;
    }
    advance();
    bool closed = false;
    while (!atEnd()) {
        const char c = peek();
        if (c == '\n' || c == '\r')
            break;
        advance();
        if (c == quote) {
            closed = true;
            break;
        }
    }
    Token t = make(TokenKind::StringLiteral, start, line, column);
    t.unterminated = !closed;
    return t;
}

Token Lexer::lexScript(int start, int line, int column)
{
    int depth = 0;
    bool closed = false;
    while (!atEnd()) {
        const char c = peek();
        if (c == '"' || c == '\'') {
            advance();
            while (!atEnd() && peek() != c && peek() != '\n') {
                if (peek() == '\\')
                    advance();
                if (!atEnd())
                    advance();
            }
            if (!atEnd() && peek() == c)
                advance();
            continue;
        }
        if (c == '/' && peek(1) == '/') {
            while (!atEnd() && peek() != '\n')
                advance();
            continue;
        }
        advance();
        if (c == '{') {
            ++depth;
        } else if (c == '}') {
            if (--depth == 0) {
                closed = true;
                break;
            }
        }
    }
    Token t = make(TokenKind::Script, start, line, column);
    t.unterminated = !closed;
    return t;
}

QList<Token> Lexer::tokenize(QByteArrayView source, DiagnosticList *diagnostics, Option option)
{
    Lexer lexer(source, option);
    QList<Token> tokens;
    tokens.reserve(source.size() / 5 + 8);
    for (;;) {
        const Token t = lexer.next();
        tokens.append(t);
        if (diagnostics) {
            if (t.kind == TokenKind::Unexpected) {
                QString text = displayBytes(source.sliced(t.offset, qMin(t.length, 48)));
                if (t.length > 48)
                    text += QStringLiteral("...");
                const bool one = QString::fromUtf8(source.sliced(t.offset, t.length)).size() == 1;
                diagnostics->error(t.range(), QStringLiteral("unexpected %1 '%2'")
                                                  .arg(one ? QStringLiteral("character")
                                                           : QStringLiteral("characters"),
                                                       text));
            } else if (t.unterminated) {
                SourceRange r = t.range();
                QString what;
                switch (t.kind) {
                case TokenKind::BlockComment:
                    what = QStringLiteral("comment: '/*' has no closing '*/'");
                    break;
                case TokenKind::Script:
                    what = QStringLiteral("function body: '{' has no closing '}'");
                    break;
                case TokenKind::QuotedIdentifier:
                    what = QStringLiteral("quoted name: '`' has no closing '`'");
                    break;
                case TokenKind::TripleString:
                    what = QStringLiteral("string: '\"\"\"' has no closing '\"\"\"'");
                    break;
                default:
                    what = QStringLiteral("string: the quote is not closed on this line");
                    break;
                }
                diagnostics->error(r, QStringLiteral("unterminated ") + what);
            }
        }
        if (t.kind == TokenKind::EndOfFile)
            break;
    }
    return tokens;
}

QString Lexer::tokenText(QByteArrayView source, const Token &token)
{
    QByteArrayView text = source.sliced(token.offset, token.length);
    if (token.kind == TokenKind::QuotedIdentifier) {
        text = text.sliced(1);
        if (!token.unterminated && !text.isEmpty())
            text.chop(1);
    }
    return QString::fromUtf8(text);
}

QString Lexer::stringValue(QByteArrayView source, const Token &token)
{
    QByteArrayView text = source.sliced(token.offset, token.length);
    if (token.kind == TokenKind::TripleString) {
        text = text.sliced(qMin<qsizetype>(3, text.size()));
        if (!token.unterminated && text.size() >= 3)
            text.chop(3);
        return QString::fromUtf8(text);
    }
    if (token.kind == TokenKind::StringLiteral) {
        text = text.sliced(1);
        if (!token.unterminated && !text.isEmpty())
            text.chop(1);
        return QString::fromUtf8(text);
    }
    return tokenText(source, token);
}

} // namespace Rivulet::Lang
