#pragma once

namespace Rivulet::Lang {

// A span of source text: byte offsets into the UTF-8 source (end exclusive), and 1-based
// line and column (columns count characters, not bytes) of its first and last character.
struct SourceRange
{
    int start = 0;
    int end = 0;
    int line = 1;
    int column = 1;
    int endLine = 1;
    int endColumn = 1;

    bool isValid() const { return end >= start && line > 0; }
    bool contains(int offset) const { return offset >= start && offset <= end; }
    static SourceRange span(const SourceRange &from, const SourceRange &to)
    {
        SourceRange r = from;
        r.end = to.end;
        r.endLine = to.endLine;
        r.endColumn = to.endColumn;
        return r;
    }
};

} // namespace Rivulet::Lang
