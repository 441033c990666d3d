#include "editorsettings.h"

#include <QFontDatabase>

namespace Rivulet::Editor {

EditorSettings EditorSettings::defaults()
{
    EditorSettings s;
    s.font = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    if (s.font.pointSizeF() < 9)
        s.font.setPointSizeF(10);
    return s;
}

} // namespace Rivulet::Editor
