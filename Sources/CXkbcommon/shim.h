// libxkbcommon (libxkbcommon-dev, keymaps from xkb-data): key codes to characters with the
// keyboard layout a scanner emulates.
#include <xkbcommon/xkbcommon.h>
#include <xkbcommon/xkbcommon-keysyms.h>
