/* test_parse.c — the REPL's command grammar (src/repl/parse.c). */
#include <criterion/criterion.h>

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "repl/parse.h"

static void parse_ok(const char *line, Args *a)
{
    TzErr e = { 0 };
    int rc = parse_command(line, a, &e);
    cr_assert_eq(rc, 0, "parse_command(%s) failed: %s", line, e.en);
    cr_assert(a->argc == 0 || a->argv[a->argc] == NULL, "argv is not NULL-terminated");
}

/* compare positional words with a NULL-terminated list */
static void expect_argv(const Args *a, ...)
{
    va_list ap;
    va_start(ap, a);
    int i = 0;
    const char *want;
    while ((want = va_arg(ap, const char *)) != NULL) {
        cr_expect(i < a->argc, "argv[%d] missing, want \"%s\"", i, want);
        if (i < a->argc) cr_expect_str_eq(a->argv[i], want, "argv[%d] = \"%s\", want \"%s\"", i, a->argv[i], want);
        i++;
    }
    va_end(ap);
    cr_expect_eq(a->argc, i, "argc %d, want %d", a->argc, i);
}

static void expect_kv(const Args *a, int k, const char *key, const char *val)
{
    cr_assert(k < a->nkv, "option %d missing (%s=%s)", k, key, val);
    cr_expect_str_eq(a->kv[k].key, key);
    cr_expect_str_eq(a->kv[k].val, val);
    cr_expect_eq(a->kv[k].used, 0);
}

Test(parse, positional_and_options)
{
    Args a;
    parse_ok("similar kral top=10", &a);
    expect_argv(&a, "similar", "kral", NULL);
    cr_assert_eq(a.nkv, 1);
    expect_kv(&a, 0, "top", "10");
    args_free(&a);

    parse_ok("  train   cbow  dim=100 window=5  t\xC3\xBCrk\xC3\xA7\x65 lr=0.025 ", &a);
    expect_argv(&a, "train", "cbow", "t\xC3\xBCrk\xC3\xA7\x65", NULL);
    cr_assert_eq(a.nkv, 3);
    expect_kv(&a, 0, "dim", "100");
    expect_kv(&a, 1, "window", "5");
    expect_kv(&a, 2, "lr", "0.025");
    args_free(&a);
    cr_assert_eq(a.argc, 0);
    cr_assert_null(a.argv);
    cr_assert_null(a.kv);

    /* what counts as a key: a letter, then letters, digits, _ and - */
    parse_ok("cmd max_len=3 warm-up=2 a1=x 1x=2 _a=3 =v key= a=b=c", &a);
    expect_argv(&a, "cmd", "1x=2", "_a=3", "=v", NULL);
    cr_assert_eq(a.nkv, 5);
    expect_kv(&a, 0, "max_len", "3");
    expect_kv(&a, 1, "warm-up", "2");
    expect_kv(&a, 2, "a1", "x");
    expect_kv(&a, 3, "key", "");
    expect_kv(&a, 4, "a", "b=c");
    args_free(&a);
}

Test(parse, empty_lines_and_comments)
{
    Args a;
    parse_ok("", &a);
    cr_assert_eq(a.argc, 0);
    cr_assert_eq(a.nkv, 0);
    args_free(&a);
    parse_ok("   \t  ", &a);
    cr_assert_eq(a.argc, 0);
    args_free(&a);
    parse_ok("# only a comment", &a);
    cr_assert_eq(a.argc, 0);
    args_free(&a);
    parse_ok("train epochs=3 # a comment with \"an unterminated quote", &a);
    expect_argv(&a, "train", NULL);
    cr_assert_eq(a.nkv, 1);
    expect_kv(&a, 0, "epochs", "3");
    args_free(&a);
    /* # inside a word or in quotes is not a comment */
    parse_ok("say a#b \"#c\" '# d'", &a);
    expect_argv(&a, "say", "a#b", "#c", "# d", NULL);
    args_free(&a);
}

Test(parse, quotes)
{
    Args a;
    parse_ok("arith \"kral - erkek + kad\xC4\xB1n\"", &a);
    expect_argv(&a, "arith", "kral - erkek + kad\xC4\xB1n", NULL);
    args_free(&a);
    parse_ok("arith 'kral - erkek'  x", &a);
    expect_argv(&a, "arith", "kral - erkek", "x", NULL);
    args_free(&a);
    /* escapes inside double quotes: \" and \\ ; any other backslash stays */
    parse_ok("say \"he said \\\"hi\\\" \\\\ \\n\"", &a);
    expect_argv(&a, "say", "he said \"hi\" \\ \\n", NULL);
    args_free(&a);
    /* single quotes: no escapes at all, double quotes inside are plain */
    parse_ok("say 'a\\b \"c\"'", &a);
    expect_argv(&a, "say", "a\\b \"c\"", NULL);
    args_free(&a);
    /* quotes join with what touches them, and an empty pair is an empty word */
    parse_ok("say pre\"mid dle\"post \"\" ''", &a);
    expect_argv(&a, "say", "premid dlepost", "", "", NULL);
    args_free(&a);
    /* outside quotes a backslash is an ordinary character */
    parse_ok("load C:\\data\\x.txt", &a);
    expect_argv(&a, "load", "C:\\data\\x.txt", NULL);
    args_free(&a);
}

Test(parse, quoted_values_and_quoted_equals)
{
    Args a;
    parse_ok("plot title=\"iki kelime\" name='bir \xC3\xBC\xC3\xA7' n=3", &a);
    expect_argv(&a, "plot", NULL);
    cr_assert_eq(a.nkv, 3);
    expect_kv(&a, 0, "title", "iki kelime");
    expect_kv(&a, 1, "name", "bir \xC3\xBC\xC3\xA7");
    expect_kv(&a, 2, "n", "3");
    args_free(&a);
    /* an = inside quotes, or after a quoted part, never makes an option */
    parse_ok("find \"x=y\" 'a=b' \"k\"=v", &a);
    expect_argv(&a, "find", "x=y", "a=b", "k=v", NULL);
    cr_assert_eq(a.nkv, 0);
    args_free(&a);
    /* a quoted value may hold = and quotes of the other kind */
    parse_ok("set expr=\"a = 'b'\"", &a);
    cr_assert_eq(a.nkv, 1);
    expect_kv(&a, 0, "expr", "a = 'b'");
    args_free(&a);
}

Test(parse, unterminated_quote)
{
    Args a;
    TzErr e = { 0 };
    cr_assert_eq(parse_command("say \"abc def", &a, &e), TZ_E_ARG);
    cr_assert_eq(e.code, TZ_E_ARG);
    cr_assert_eq(a.argc, 0);
    cr_assert_null(a.argv);
    cr_assert_eq(a.nkv, 0);
    cr_assert_null(a.kv);
    cr_assert_not_null(strstr(e.en, "never closed"), "%s", e.en);
    cr_assert_not_null(strstr(e.en, "5"), "en message does not give the position: %s", e.en);
    cr_assert_not_null(strstr(e.tr, "kapanmam\xC4\xB1\xC5\x9F"), "%s", e.tr);
    cr_assert_not_null(strstr(e.tr, "5"), "%s", e.tr);
    cr_assert_not_null(strchr(e.en, '"'));
    /* single quote, after options were already parsed (they must be freed, not leaked) */
    tz_err_clear(&e);
    cr_assert_eq(parse_command("train dim=5 name='x y", &a, &e), TZ_E_ARG);
    cr_assert_not_null(strstr(e.en, "'"), "%s", e.en);
    cr_assert_not_null(strstr(e.en, "18"), "the quote is character 18: %s", e.en);
    cr_assert_eq(a.nkv, 0);
    /* an escaped quote does not close the string */
    cr_assert_eq(parse_command("say \"abc\\\"", &a, &e), TZ_E_ARG);
    cr_assert_eq(parse_command("say 'it\\'s'", &a, &e), TZ_E_ARG);   /* no escapes in single quotes */
    /* a NULL error is allowed */
    cr_assert_eq(parse_command("say \"x", &a, NULL), TZ_E_ARG);
}

static void expect_split(const char *line, ...)
{
    char **v = split_commands(line);
    cr_assert_not_null(v);
    va_list ap;
    va_start(ap, line);
    size_t i = 0;
    const char *want;
    while ((want = va_arg(ap, const char *)) != NULL) {
        cr_expect_not_null(v[i], "split(%s): command %zu missing, want \"%s\"", line, i, want);
        if (!v[i]) break;
        cr_expect_str_eq(v[i], want, "split(%s)[%zu] = \"%s\", want \"%s\"", line, i, v[i], want);
        i++;
    }
    va_end(ap);
    if (v[i]) cr_expect_null(v[i], "split(%s): extra command \"%s\"", line, v[i]);
    free_strv(v);
}

Test(parse, split_commands)
{
    expect_split("load tr; train cbow epochs=1", "load tr", " train cbow epochs=1", NULL);
    expect_split("one", "one", NULL);
    expect_split("", "", NULL);
    expect_split("a;;b;", "a", "", "b", "", NULL);
    /* ; inside quotes does not split */
    expect_split("say \"a;b\"; say 'c;d'; x", "say \"a;b\"", " say 'c;d'", " x", NULL);
    /* an escaped double quote does not end the quoted part */
    expect_split("say \"a\\\";b\"; next", "say \"a\\\";b\"", " next", NULL);
    /* a comment ends the line; # inside a word or quotes does not */
    expect_split("a; b # c; d", "a", " b ", NULL);
    expect_split("say a#b; c", "say a#b", " c", NULL);
    expect_split("say \"# x; y\"; z", "say \"# x; y\"", " z", NULL);
    /* an unterminated quote keeps the rest as one command (parse_command then reports it) */
    expect_split("say \"a;b; c", "say \"a;b; c", NULL);
    free_strv(NULL);
}

Test(parse, split_then_parse)
{
    char **v = split_commands("similar \"kral\" top=3; analogy kral erkek kad\xC4\xB1n");
    cr_assert_not_null(v[0]);
    cr_assert_not_null(v[1]);
    cr_assert_null(v[2]);
    Args a;
    parse_ok(v[0], &a);
    expect_argv(&a, "similar", "kral", NULL);
    expect_kv(&a, 0, "top", "3");
    args_free(&a);
    parse_ok(v[1], &a);
    expect_argv(&a, "analogy", "kral", "erkek", "kad\xC4\xB1n", NULL);
    args_free(&a);
    free_strv(v);
}

Test(parse, arg_str_marks_used)
{
    Args a;
    parse_ok("cmd a=1 b=2 a=3", &a);
    cr_assert_str_eq(arg_str(&a, "a", "def"), "3", "the last one given wins");
    cr_assert_eq(a.kv[0].used, 1, "every a= is marked used");
    cr_assert_eq(a.kv[2].used, 1);
    cr_assert_eq(a.kv[1].used, 0, "b was not read");
    cr_assert_str_eq(arg_str(&a, "missing", "def"), "def");
    cr_assert_null(arg_str(&a, "missing", NULL));
    cr_assert_str_eq(arg_str(&a, "b", NULL), "2");
    cr_assert_eq(a.kv[1].used, 1);
    args_free(&a);
}

Test(parse, arg_long)
{
    Args a;
    TzErr e = { 0 };
    long v = -1;
    parse_ok("cmd n=42 neg=-5 plus=+7 bad=abc tail=12x empty= big=99999999999999999999999 hex=0x10 low=0", &a);
    cr_assert_eq(arg_long(&a, "n", 1, 1, 100, &v, &e), 0);
    cr_assert_eq(v, 42);
    cr_assert_eq(arg_long(&a, "absent", 7, 1, 100, &v, &e), 0);
    cr_assert_eq(v, 7, "missing key gives the default");
    cr_assert_eq(arg_long(&a, "neg", 0, -10, 10, &v, &e), 0);
    cr_assert_eq(v, -5);
    cr_assert_eq(arg_long(&a, "plus", 0, -10, 10, &v, &e), 0);
    cr_assert_eq(v, 7);
    /* format errors name the key and the value, in both languages */
    v = 123;
    cr_assert_eq(arg_long(&a, "bad", 5, 1, 100, &v, &e), TZ_E_ARG);
    cr_assert_eq(v, 123, "out is untouched on error");
    cr_assert_not_null(strstr(e.en, "bad=abc"), "%s", e.en);
    cr_assert_not_null(strstr(e.tr, "bad=abc"), "%s", e.tr);
    cr_assert_not_null(strstr(e.en, "whole number"), "%s", e.en);
    cr_assert_not_null(strstr(e.en, "bad=5"), "the example uses the default: %s", e.en);
    cr_assert_eq(arg_long(&a, "tail", 5, 1, 100, &v, &e), TZ_E_ARG);
    cr_assert_eq(arg_long(&a, "empty", 5, 1, 100, &v, &e), TZ_E_ARG);
    cr_assert_eq(arg_long(&a, "big", 5, 1, 100, &v, &e), TZ_E_ARG);
    cr_assert_eq(arg_long(&a, "hex", 5, 1, 100, &v, &e), TZ_E_ARG);
    /* range errors give the range */
    tz_err_clear(&e);
    cr_assert_eq(arg_long(&a, "low", 5, 1, 100, &v, &e), TZ_E_ARG);
    cr_assert_not_null(strstr(e.en, "low=0"), "%s", e.en);
    cr_assert_not_null(strstr(e.en, "between 1 and 100"), "%s", e.en);
    cr_assert_not_null(strstr(e.tr, "1 ile 100 aras\xC4\xB1nda"), "%s", e.tr);
    cr_assert_eq(arg_long(&a, "n", 5, 1, 41, &v, &e), TZ_E_ARG);
    cr_assert_eq(arg_long(&a, "n", 5, 42, 42, &v, &e), 0, "the bounds are inclusive");
    cr_assert_eq(v, 42);
    args_free(&a);
}

Test(parse, arg_double)
{
    Args a;
    TzErr e = { 0 };
    double v = -1;
    parse_ok("cmd lr=0.025 s=1e-3 neg=-2.5 nan=nan inf=inf bad=0.1.2 word=abc big=1e999 hi=2", &a);
    cr_assert_eq(arg_double(&a, "lr", 0.1, 0, 1, &v, &e), 0);
    cr_assert_float_eq(v, 0.025, 1e-15);
    cr_assert_eq(arg_double(&a, "s", 0.1, 0, 1, &v, &e), 0);
    cr_assert_float_eq(v, 1e-3, 1e-18);
    cr_assert_eq(arg_double(&a, "neg", 0, -3, 3, &v, &e), 0);
    cr_assert_float_eq(v, -2.5, 1e-15);
    cr_assert_eq(arg_double(&a, "absent", 0.5, 0, 1, &v, &e), 0);
    cr_assert_float_eq(v, 0.5, 1e-15);
    cr_assert_eq(arg_double(&a, "nan", 0.5, -INFINITY, INFINITY, &v, &e), TZ_E_ARG);
    cr_assert_eq(arg_double(&a, "inf", 0.5, -INFINITY, INFINITY, &v, &e), TZ_E_ARG);
    cr_assert_eq(arg_double(&a, "bad", 0.5, 0, 1, &v, &e), TZ_E_ARG);
    cr_assert_not_null(strstr(e.en, "bad=0.1.2"), "%s", e.en);
    cr_assert_not_null(strstr(e.tr, "bad=0.1.2"), "%s", e.tr);
    cr_assert_eq(arg_double(&a, "word", 0.5, 0, 1, &v, &e), TZ_E_ARG);
    cr_assert_not_null(strstr(e.en, "expected a number"), "%s", e.en);
    cr_assert_eq(arg_double(&a, "big", 0.5, 0, 1, &v, &e), TZ_E_ARG);
    tz_err_clear(&e);
    cr_assert_eq(arg_double(&a, "hi", 0.5, 0, 1, &v, &e), TZ_E_ARG);
    cr_assert_not_null(strstr(e.en, "hi=2"), "%s", e.en);
    cr_assert_not_null(strstr(e.en, "between 0 and 1"), "%s", e.en);
    cr_assert_not_null(strstr(e.tr, "0 ile 1 aras\xC4\xB1nda"), "%s", e.tr);
    args_free(&a);
}
