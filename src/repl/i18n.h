/* i18n.h — every message in Turkish and English, chosen at run time.
 *
 * We use a message pair at the call site, M("Türkçe", "English"), rather than gettext:
 *  - switching language in a running session (`lang tr`) with gettext needs the tr_TR locale
 *    generated on the machine, and a fresh Debian often has only C.UTF-8;
 *  - a message can never exist in one language only: both halves sit side by side, and
 *    tests/i18n-check.sh checks that every pair takes the same printf arguments;
 *  - students read this code: the Turkish text is right where the English one is.
 */
#ifndef TZ_I18N_H
#define TZ_I18N_H

#include "core/utf8.h"

extern TzLang g_lang;

#define M(tr, en) (g_lang == TZ_LANG_TR ? (tr) : (en))

/* The language the locale asks for (LC_ALL, LC_MESSAGES, LANG): Turkish for tr_*. */
TzLang i18n_from_locale(void);
const char *i18n_name(TzLang l);      /* "tr" / "en" */

#endif
