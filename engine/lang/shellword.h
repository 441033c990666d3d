#pragma once

#include <QString>

namespace Rivulet::Lang {

// A word for a POSIX shell, for the commands Rivulet shows users to copy (the portal's wscat
// line, the export dialog's `rivulet export`): as it is when every character is safe anywhere
// in a word, else single-quoted ("it's" -> 'it'\''s'). '~' is not among the safe characters:
// at the start of a word the shell expands it.
QString shellWord(const QString &text);

} // namespace Rivulet::Lang
