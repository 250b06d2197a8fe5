/* i18n.c — see i18n.h. */
#include "i18n.h"

#include <stdlib.h>
#include <string.h>

TzLang g_lang = TZ_LANG_EN;

TzLang i18n_from_locale(void)
{
    /* The first variable that is set and non-empty decides, as in POSIX. */
    const char *vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
    for (size_t i = 0; i < sizeof vars / sizeof *vars; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v) return strncmp(v, "tr", 2) == 0 ? TZ_LANG_TR : TZ_LANG_EN;
    }
    return TZ_LANG_EN;
}

const char *i18n_name(TzLang l) { return l == TZ_LANG_TR ? "tr" : "en"; }
