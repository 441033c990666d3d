#pragma once

#include "token.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

namespace Rivulet::Lang {

class DiagnosticList;

// Turns UTF-8 SiddhiQL source into tokens. Never fails: characters that start no token become
// Unexpected tokens, and unterminated strings, comments and scripts are marked as such.
// Offsets are bytes; columns count characters.
class Lexer
{
public:
    enum Option { SkipComments = 0, KeepComments = 1 };

    explicit Lexer(QByteArrayView source, Option option = SkipComments);

    // Continue from a known position (incremental restyling in the editor).
    void reset(int offset, int line, int column);

    Token next();
    int offset() const { return m_pos; }

    // Tokenizes everything up to and including the EndOfFile token. Lexical errors are added
    // to diagnostics when it is given.
    static QList<Token> tokenize(QByteArrayView source, DiagnosticList *diagnostics = nullptr,
                                 Option option = SkipComments);

    // The value of a literal or name token: quotes removed, `x` unquoted.
    static QString tokenText(QByteArrayView source, const Token &token);
    static QString stringValue(QByteArrayView source, const Token &token);

private:
    char peek(int ahead = 0) const
    {
        const qsizetype i = m_pos + ahead;
        return i < m_src.size() ? m_src[i] : '\0';
    }
    bool atEnd() const { return m_pos >= m_src.size(); }
    void advance();
    void skipWhitespace();
    Token make(TokenKind kind, int start, int line, int column);
    Token lexNumber(int start, int line, int column);
    Token lexWord(int start, int line, int column);
    Token lexString(int start, int line, int column);
    Token lexScript(int start, int line, int column);

    QByteArrayView m_src;
    Option m_option;
    int m_pos = 0;
    int m_line = 1;
    int m_column = 1;
};

} // namespace Rivulet::Lang
