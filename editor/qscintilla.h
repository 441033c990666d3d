#pragma once

// The QScintilla headers, included under the house's QT_NO_KEYWORDS: they spell Qt's 'signals'
// and 'slots' keywords, so those are defined to Qt's macros while they are read.
#ifdef QT_NO_KEYWORDS
#define signals Q_SIGNALS
#define slots Q_SLOTS
#define RIVULET_QSCINTILLA_KEYWORDS
#endif

#include <Qsci/qscilexercustom.h>
#include <Qsci/qsciscintilla.h>

#ifdef RIVULET_QSCINTILLA_KEYWORDS
#undef signals
#undef slots
#undef RIVULET_QSCINTILLA_KEYWORDS
#endif
