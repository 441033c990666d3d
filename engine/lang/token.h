#pragma once

#include "keywords.h"
#include "sourcerange.h"

#include <cstdint>

namespace Rivulet::Lang {

enum class TokenKind : std::uint8_t {
    EndOfFile,
    Unexpected,       // a character that starts no token
    Identifier,       // name
    QuotedIdentifier, // `name`
    Keyword,          // see Token::keyword
    IntLiteral,       // 123
    LongLiteral,      // 123L
    FloatLiteral,     // 1.5f
    DoubleLiteral,    // 1.5, 1.5d, 1e3
    StringLiteral,    // 'x' "x"
    TripleString,     // """x"""
    Script,           // { ... } (function bodies)
    LineComment,      // -- ...      (only with Lexer::KeepComments)
    BlockComment,     // /* ... */   (only with Lexer::KeepComments)
    Colon,
    Semicolon,
    Dot,
    TripleDot,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Assign,
    Star,
    Plus,
    Question,
    Minus,
    Slash,
    Percent,
    Lt,
    LtEq,
    Gt,
    GtEq,
    EqEq,
    NotEq,
    At,
    Arrow,
    Hash,
    Bang,
};

const char *tokenKindSpelling(TokenKind kind);

struct Token
{
    TokenKind kind = TokenKind::EndOfFile;
    Keyword keyword = Keyword::None;
    bool unterminated = false; // string, comment or script that ran to the end of input
    int offset = 0;
    int length = 0;
    int line = 1;
    int column = 1;
    int endLine = 1;   // line of the last character (multi-line tokens)
    int endColumn = 1; // column just past the last character

    bool is(TokenKind k) const { return kind == k; }
    bool is(Keyword k) const { return kind == TokenKind::Keyword && keyword == k; }
    // A word that may serve as a name: identifiers and (as in Siddhi) keywords.
    bool isName() const
    {
        return kind == TokenKind::Identifier || kind == TokenKind::QuotedIdentifier
               || kind == TokenKind::Keyword;
    }
    bool isLiteral() const
    {
        return kind >= TokenKind::IntLiteral && kind <= TokenKind::TripleString;
    }
    bool isComment() const
    {
        return kind == TokenKind::LineComment || kind == TokenKind::BlockComment;
    }
    int end() const { return offset + length; }
    SourceRange range() const
    {
        return {offset, offset + length, line, column, endLine, endColumn};
    }
};

} // namespace Rivulet::Lang
