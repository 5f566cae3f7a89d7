/* check_json.c — tests of bs_json: the strict validator's messages and
 * places, the trees it hands back, and bs_read_file.
 *
 * Every expected place ("line:column") was worked out by hand from the JSON
 * text in the table, counting columns in characters from 1. */
#define _POSIX_C_SOURCE 200809L

#include <check.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bs_json.h"

/* ---------------------------------------------------------------------------
 * Inputs that must be refused
 * ------------------------------------------------------------------------- */

typedef struct bad_case {
    const char *text;
    size_t len;     /* sizeof the literal minus 1, so embedded NULs count */
    int max_depth;  /* 0 = the default */
    bs_status status;
    const char *where;
    const char *phrase; /* must occur in the message */
} bad_case;

#define BAD(t, w, ph) {t, sizeof(t) - 1, 0, BS_ERR_SYNTAX, w, ph}
#define BAD_DEPTH(t, d, w, ph) {t, sizeof(t) - 1, d, BS_ERR_LIMIT, w, ph}

#define VALUE_PHRASE \
    "expected a value (number, string, array, object, true, false or null)"

static const bad_case bad_cases[] = {
    /* structure */
    BAD("{\"a\": 1 \"b\": 2}", "1:9", "expected ',' or '}' after an object member"),
    BAD("{\"a\": 1]", "1:8", "expected ',' or '}' after an object member"),
    BAD("[1 2]", "1:4", "expected ',' or ']' after an array element"),
    BAD("[1, 2}", "1:6", "expected ',' or ']' after an array element"),
    BAD("[\"a\" : 1]", "1:6", "expected ',' or ']' after an array element"),
    BAD("{\"layers\" 3}", "1:11", "expected ':' after the key \"layers\""),
    BAD("{\"a\\\"b\" 1}", "1:9", "expected ':' after the key \"a\\\"b\""),
    BAD("{layers: 3}", "1:2", "expected a string key in double quotes"),
    BAD("{'a': 1}", "1:2", "expected a string key in double quotes"),
    BAD("{\"a\": 1, 2}", "1:10", "expected a string key in double quotes"),
    BAD("{\"a\": }", "1:7", VALUE_PHRASE),
    BAD("[1,,2]", "1:4", VALUE_PHRASE),
    BAD("[undefined]", "1:2", VALUE_PHRASE),
    BAD("[True]", "1:2", "found 'True'"),
    BAD("nulll", "1:1", "found 'nulll'"),
    BAD("['x']", "1:2", "found a single quote"),
    BAD("[1, // note\n2]", "1:5", "JSON has no comments"),
    BAD("[\x7f]", "1:2", "found control character U+007F"),
    BAD("[\xc3\xa9]", "1:2", "found U+00E9"),
    BAD("[\xe2\x80\x9cx\xe2\x80\x9d]", "1:2", "curly quote"),
    /* truncation: the innermost open container is named */
    BAD("{\n  \"net\": {\n    \"layers\": [1, 2", "3:20",
        "unexpected end of input: the JSON is truncated (an array opened at "
        "3:15 is not closed)"),
    BAD("{\"a\": 1", "1:8", "(an object opened at 1:1 is not closed)"),
    BAD("{\"a\": {\"b\": ", "1:13", "(an object opened at 1:7 is not closed)"),
    BAD("[1, {\"x\": 2}", "1:13", "(an array opened at 1:1 is not closed)"),
    BAD("[\"\xc3\xa9\xc3\xa9\",\n  {\"k\": [", "2:10",
        "(an array opened at 2:9 is not closed)"),
    BAD("[", "1:2", "(an array opened at 1:1 is not closed)"),
    BAD("{\"a\"", "1:5", "(an object opened at 1:1 is not closed)"),
    BAD("tru", "1:4", "unexpected end of input: the JSON is truncated"),
    BAD("nul", "1:4", "unexpected end of input: the JSON is truncated"),
    /* trailing commas */
    BAD("[1, 2,]", "1:6", "trailing comma before ']'"),
    BAD("{\"a\": 1,\n}", "1:8", "trailing comma before '}'"),
    BAD("{\r\n  \"a\": 1,\r\n}", "2:9", "trailing comma before '}'"),
    /* NaN, Infinity, overflow */
    /* the hint names only what a spec accepts: null is refused there */
    BAD("[NaN]", "1:2", "NaN is not a JSON number (write a finite number)"),
    BAD("{\"x\": nan}", "1:7", "NaN is not a JSON number"),
    BAD("[-Infinity]", "1:2", "Infinity is not a JSON number"),
    BAD("Infinity", "1:1", "Infinity is not a JSON number"),
    BAD("[1e400]", "1:2",
        "number 1e400 is out of range (its magnitude overflows a double)"),
    BAD("[-2.5E+309]", "1:2", "number -2.5E+309 is out of range"),
    /* malformed numbers */
    BAD("[01]", "1:2", "invalid number '01' (leading zeros are not allowed)"),
    BAD("[-007]", "1:2", "invalid number '-007' (leading zeros"),
    BAD("[+1]", "1:2", "invalid number '+1' (a leading '+' is not allowed)"),
    BAD("[.5]", "1:2", "invalid number '.5' (a digit is required before '.')"),
    BAD("[1.]", "1:2", "invalid number '1.' (a digit is required after '.')"),
    BAD("[1.e5]", "1:2", "invalid number '1.e5'"),
    BAD("[1e]", "1:2", "invalid number '1e' (the exponent needs"),
    BAD("[2E+]", "1:2", "invalid number '2E+'"),
    BAD("[-]", "1:2", "invalid number '-' (a digit is required after '-')"),
    BAD("[0x1F]", "1:2", "invalid number '0x1F'"),
    BAD("[1.5.2]", "1:2", "invalid number '1.5.2'"),
    BAD("{\"n\": 12abc}", "1:7", "invalid number '12abc'"),
    /* duplicate keys */
    BAD("{\n  \"x\": 1,\n  \"x\": 2\n}", "3:3",
        "duplicate key \"x\" (first defined at 2:3)"),
    BAD("{\"a\": 1, \"\\u0061\": 2}", "1:10",
        "duplicate key \"a\" (first defined at 1:2)"),
    BAD("{\"a\": {\"b\": 1, \"b\": 2}}", "1:16",
        "duplicate key \"b\" (first defined at 1:8)"),
    /* the empty key, first in the document (the key store is still empty:
     * under UndefinedBehaviorSanitizer this once stopped on a null pointer) */
    BAD("{\"\": 1, \"\": 2}", "1:9", "duplicate key \"\" (first defined at 1:2)"),
    BAD("{\"\": {\"\": 1, \"\": 2}}", "1:14", "duplicate key \"\" (first defined at 1:7)"),
    /* strings */
    BAD("[\"\\q\"]", "1:3", "invalid escape \\q in a string"),
    BAD("[\"it\\'s\"]", "1:5", "invalid escape \\' in a string"),
    BAD("[\"a\nb\"]", "1:4",
        "control character U+000A in a string (escape it as \\n)"),
    BAD("{\"k\": \"abc,\n  \"m\": 1}", "1:12",
        "(escape it as \\n); the string opened at 1:7 may lack its closing quote"),
    BAD("[\"a\tb\"]", "1:4",
        "control character U+0009 in a string (escape it as \\t)"),
    BAD("[\"\x01\"]", "1:3",
        "control character U+0001 in a string (escape it as \\u0001)"),
    BAD("\"\xff\"", "1:2", "invalid UTF-8 byte 0xff"),
    BAD("[\"caf\xe9\"]", "1:6", "invalid UTF-8 byte 0xe9"),
    BAD("\"\xc0\xaf\"", "1:2", "invalid UTF-8 byte 0xc0"),
    BAD("\"\xed\xa0\x80\"", "1:2", "invalid UTF-8 byte 0xed"),
    BAD("\"\xe2\x82", "1:2", "invalid UTF-8 byte 0xe2"),
    BAD("{\n\"a\": 1,\n\"b\": 2,\n  \"key\":\"abc", "4:13",
        "unterminated string (opened at 4:9)"),
    BAD("\"abc\\", "1:6", "unterminated string (opened at 1:1)"),
    BAD("[\"\\u12", "1:7", "unterminated string (opened at 1:2)"),
    BAD("[\"\\u12G4\"]", "1:3", "invalid \\u escape in a string"),
    BAD("[\"\\uD800\"]", "1:3", "\\uD800 is a high surrogate"),
    BAD("[\"\\uD800\\u0041\"]", "1:3", "\\uD800 is a high surrogate"),
    BAD("[\"\\uDC00\"]", "1:3", "\\uDC00 is a lone low surrogate"),
    BAD("[\"\\u0000\"]", "1:3", "\\u0000"),
    /* nesting */
    BAD_DEPTH("[[[1]]]", 2, "1:3", "nesting deeper than 2 levels"),
    BAD_DEPTH("{\"a\": {\"b\": {}}}", 2, "1:13", "nesting deeper than 2 levels"),
    /* after the value */
    BAD("[1] 2", "1:5", "unexpected content after the JSON value"),
    BAD("{} {}", "1:4", "unexpected content after the JSON value"),
    BAD("\"a\" \"b\"", "1:5", "unexpected content after the JSON value"),
    BAD("[1, 2]]", "1:7", "unexpected content after the JSON value"),
    /* empty input, NUL bytes, byte order marks */
    BAD("", "1:1", "the file is empty"),
    BAD("  \n\t \r\n", "1:1", "the file is empty"),
    BAD("\xEF\xBB\xBF", "1:1", "the file is empty"),
    BAD("[1,\0 2]", "1:4", "NUL byte"),
    BAD("\"a\0b\"", "1:3", "NUL byte"),
    BAD("[1]\0", "1:4", "NUL byte"),
    BAD("\xEF\xBB\xBF[1, 2,]", "1:6", "trailing comma before ']'"),
    BAD("\xff\xfe[\0", "1:1", "UTF-16"),
    /* columns count characters: after multibyte UTF-8, and tabs count one */
    BAD("[\"\xc3\xa9\", 1 2]", "1:9", "expected ',' or ']' after an array element"),
    BAD("[\"\xf0\x9f\x98\x80\xf0\x9f\x98\x80\", x]", "1:8", "found 'x'"),
    BAD("{\n  \"name\": \"Zo\xc3\xab\" \"n\": 1\n}", "2:17",
        "expected ',' or '}' after an object member"),
    BAD("[\t1\t2]", "1:5", "expected ',' or ']' after an array element"),
};

#define N_BAD ((int)(sizeof bad_cases / sizeof bad_cases[0]))

/* Each refused input gives its status, place and phrase, and no tree. */
START_TEST(test_bad_input)
{
    const bad_case *c = &bad_cases[_i];
    bs_error err;
    bs_error_clear(&err);
    bs_error_set_file(&err, "spec.json");
    cJSON *out = (cJSON *)&err; /* must be overwritten with NULL */
    bs_status st = bs_json_parse(c->text, c->len, c->max_depth, &out, &err);
    ck_assert_msg(st == c->status, "case %d: status %d, expected %d (%s)", _i,
                  (int)st, (int)c->status, err.message);
    ck_assert_int_eq(err.status, c->status);
    ck_assert_ptr_null(out);
    ck_assert_msg(strcmp(err.where, c->where) == 0,
                  "case %d: where '%s', expected '%s' (%s)", _i, err.where,
                  c->where, err.message);
    ck_assert_msg(strstr(err.message, c->phrase) != NULL,
                  "case %d: message '%s' lacks '%s'", _i, err.message,
                  c->phrase);
    ck_assert_msg(strchr(err.message, '\n') == NULL,
                  "case %d: message is not one line", _i);
    ck_assert_str_eq(err.file, "spec.json"); /* left untouched */
}
END_TEST

/* A refusal with err == NULL still reports its status. */
START_TEST(test_null_err)
{
    cJSON *out = NULL;
    ck_assert_int_eq(bs_json_parse("[1,]", 4, 0, &out, NULL), BS_ERR_SYNTAX);
    ck_assert_ptr_null(out);
    ck_assert_int_eq(bs_json_parse("[[1]]", 5, 1, &out, NULL), BS_ERR_LIMIT);
    ck_assert_ptr_null(out);
}
END_TEST

/* An over-long number is shown cut short in the overflow message. */
START_TEST(test_long_number_overflow)
{
    char text[512];
    text[0] = '[';
    text[1] = '1';
    memset(text + 2, '0', 400); /* 10^400 */
    text[402] = ']';
    text[403] = '\0';
    bs_error err;
    bs_error_clear(&err);
    cJSON *out = NULL;
    ck_assert_int_eq(bs_json_parse(text, 403, 0, &out, &err), BS_ERR_SYNTAX);
    ck_assert_ptr_null(out);
    ck_assert_str_eq(err.where, "1:2");
    ck_assert_ptr_nonnull(strstr(err.message, "number 1000"));
    ck_assert_ptr_nonnull(strstr(err.message, "... is out of range"));
    ck_assert_ptr_null(strstr(err.message, "0000000000000000000000000000000000000000"));
}
END_TEST

/* ---------------------------------------------------------------------------
 * Inputs that must be accepted
 * ------------------------------------------------------------------------- */

typedef struct good_case {
    const char *text;
    int type; /* cJSON_Number, cJSON_String, ... */
} good_case;

static const good_case good_cases[] = {
    {"0", cJSON_Number},
    {"-0", cJSON_Number},
    {"  42  \n", cJSON_Number},
    {"1e-400", cJSON_Number},
    {"-1.5e-320", cJSON_Number},
    {"1.7976931348623157e308", cJSON_Number},
    {"\"hi\"", cJSON_String},
    {"true", cJSON_True},
    {"false", cJSON_False},
    {"null", cJSON_NULL},
    {"[]", cJSON_Array},
    {"{}", cJSON_Object},
    {"[ ]", cJSON_Array},
    {"{\r\n}", cJSON_Object},
    {"\xEF\xBB\xBF{\"a\": 1}", cJSON_Object},
    {"[{\"a\": 1}, {\"a\": 2}]", cJSON_Array}, /* same key, other objects */
    {"{\"a\": {\"a\": 1}}", cJSON_Object},
    {"{\"a\": 1, \"A\": 2}", cJSON_Object}, /* keys are case-sensitive */
    {"[\"\\u00e9\\ud83d\\ude00\\/\"]", cJSON_Array},
    {"[\"\xe2\x82\xac \xf0\x9f\x98\x80 \xef\xbf\xbf\"]", cJSON_Array},
    {"[1, -2.5, 3e2, 4E-2, 0.5e+1]", cJSON_Array},
};

#define N_GOOD ((int)(sizeof good_cases / sizeof good_cases[0]))

/* Each valid input gives a tree of the expected type. */
START_TEST(test_good_input)
{
    const good_case *c = &good_cases[_i];
    bs_error err;
    bs_error_clear(&err);
    cJSON *out = NULL;
    bs_status st = bs_json_parse(c->text, strlen(c->text), 0, &out, &err);
    ck_assert_msg(st == BS_OK, "case %d: %s: %s", _i, err.where, err.message);
    ck_assert_ptr_nonnull(out);
    ck_assert_int_eq(out->type & 0xFF, c->type);
    cJSON_Delete(out);
}
END_TEST

/* A spec-like document gives the right values. */
START_TEST(test_values)
{
    const char *text =
        "{\n"
        "  \"name\": \"xor\",\n"
        "  \"layers\": [2, 3, 1],\n"
        "  \"lr\": 0.5,\n"
        "  \"bias\": true,\n"
        "  \"seed\": null,\n"
        "  \"neg\": -1.25e2,\n"
        "  \"tiny\": 1e-400,\n"
        "  \"unicode\": \"Zo\\u00eb \\ud83d\\ude00\",\n"
        "  \"esc\": \"a\\\"b\\\\c\\/d\\n\",\n"
        "  \"empty\": {},\n"
        "  \"none\": []\n"
        "}\n";
    bs_error err;
    bs_error_clear(&err);
    cJSON *root = NULL;
    ck_assert_int_eq(bs_json_parse(text, strlen(text), 0, &root, &err), BS_OK);
    ck_assert_ptr_nonnull(root);
    ck_assert_int_eq(cJSON_GetArraySize(root), 11); /* eleven members */

    cJSON *name = cJSON_GetObjectItemCaseSensitive(root, "name");
    ck_assert(cJSON_IsString(name));
    ck_assert_str_eq(name->valuestring, "xor");

    cJSON *layers = cJSON_GetObjectItemCaseSensitive(root, "layers");
    ck_assert(cJSON_IsArray(layers));
    ck_assert_int_eq(cJSON_GetArraySize(layers), 3);
    ck_assert_double_eq(cJSON_GetArrayItem(layers, 0)->valuedouble, 2.0);
    ck_assert_double_eq(cJSON_GetArrayItem(layers, 1)->valuedouble, 3.0);
    ck_assert_double_eq(cJSON_GetArrayItem(layers, 2)->valuedouble, 1.0);

    ck_assert_double_eq(cJSON_GetObjectItemCaseSensitive(root, "lr")->valuedouble, 0.5);
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "bias")));
    ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(root, "seed")));
    ck_assert_double_eq(cJSON_GetObjectItemCaseSensitive(root, "neg")->valuedouble, -125.0);
    ck_assert_double_eq(cJSON_GetObjectItemCaseSensitive(root, "tiny")->valuedouble, 0.0);
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(root, "unicode")->valuestring,
                     "Zo\xc3\xab \xf0\x9f\x98\x80");
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(root, "esc")->valuestring,
                     "a\"b\\c/d\n");
    cJSON *empty = cJSON_GetObjectItemCaseSensitive(root, "empty");
    ck_assert(cJSON_IsObject(empty));
    ck_assert_int_eq(cJSON_GetArraySize(empty), 0);
    cJSON *none = cJSON_GetObjectItemCaseSensitive(root, "none");
    ck_assert(cJSON_IsArray(none));
    ck_assert_int_eq(cJSON_GetArraySize(none), 0);
    cJSON_Delete(root);
}
END_TEST

/* Top-level scalars, and a subnormal that must survive as non-zero. */
START_TEST(test_scalar_values)
{
    cJSON *out = NULL;
    ck_assert_int_eq(bs_json_parse(" 42 ", 4, 0, &out, NULL), BS_OK);
    ck_assert_double_eq(out->valuedouble, 42.0);
    cJSON_Delete(out);
    ck_assert_int_eq(bs_json_parse("4.9e-324", 8, 0, &out, NULL), BS_OK);
    ck_assert(out->valuedouble > 0.0);
    ck_assert(out->valuedouble < 1e-323);
    cJSON_Delete(out);
    ck_assert_int_eq(bs_json_parse("\"\\t\"", 4, 0, &out, NULL), BS_OK);
    ck_assert_str_eq(out->valuestring, "\t");
    cJSON_Delete(out);
}
END_TEST

/* ---------------------------------------------------------------------------
 * Nesting and size
 * ------------------------------------------------------------------------- */

/* Writes n '[' then n ']' into a new string. */
static char *nested_arrays(size_t n)
{
    char *s = malloc(2 * n + 1);
    ck_assert_ptr_nonnull(s);
    memset(s, '[', n);
    memset(s + n, ']', n);
    s[2 * n] = '\0';
    return s;
}

/* Exactly max_depth levels pass; one more is refused at the extra bracket. */
START_TEST(test_depth_limit)
{
    bs_error err;
    cJSON *out = NULL;
    char *s = nested_arrays(64);
    bs_error_clear(&err);
    ck_assert_int_eq(bs_json_parse(s, strlen(s), 64, &out, &err), BS_OK);
    ck_assert_ptr_nonnull(out);
    cJSON_Delete(out);
    out = NULL;
    /* 0 means the default, 64 */
    ck_assert_int_eq(bs_json_parse(s, strlen(s), 0, &out, &err), BS_OK);
    cJSON_Delete(out);
    out = NULL;
    free(s);

    s = nested_arrays(65);
    bs_error_clear(&err);
    ck_assert_int_eq(bs_json_parse(s, strlen(s), 64, &out, &err), BS_ERR_LIMIT);
    ck_assert_ptr_null(out);
    ck_assert_int_eq(err.status, BS_ERR_LIMIT);
    ck_assert_str_eq(err.where, "1:65");
    ck_assert_str_eq(err.message, "nesting deeper than 64 levels (raise the limit with --max-depth)");
    bs_error_clear(&err);
    ck_assert_int_eq(bs_json_parse(s, strlen(s), 0, &out, &err), BS_ERR_LIMIT);
    ck_assert_str_eq(err.message, "nesting deeper than 64 levels (raise the limit with --max-depth)");
    free(s);
}
END_TEST

/* Objects nest too: {"a":{"a":...1...}}. */
START_TEST(test_depth_objects)
{
    const char *five = "{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":1}}}}}";
    bs_error err;
    bs_error_clear(&err);
    cJSON *out = NULL;
    ck_assert_int_eq(bs_json_parse(five, strlen(five), 5, &out, &err), BS_OK);
    cJSON_Delete(out);
    out = NULL;
    ck_assert_int_eq(bs_json_parse(five, strlen(five), 4, &out, &err), BS_ERR_LIMIT);
    ck_assert_ptr_null(out);
    /* {"a": is 5 characters, so the fifth '{' is at column 4*5+1 */
    ck_assert_str_eq(err.where, "1:21");
    ck_assert_str_eq(err.message, "nesting deeper than 4 levels (raise the limit with --max-depth)");
}
END_TEST

/* A hundred thousand opening brackets are refused without deep recursion. */
START_TEST(test_depth_huge)
{
    size_t n = 100000;
    char *s = malloc(n);
    ck_assert_ptr_nonnull(s);
    memset(s, '[', n);
    bs_error err;
    bs_error_clear(&err);
    cJSON *out = NULL;
    ck_assert_int_eq(bs_json_parse(s, n, 0, &out, &err), BS_ERR_LIMIT);
    ck_assert_str_eq(err.where, "1:65");
    free(s);
}
END_TEST

/* Builds {"k0":0,"k1":1,...} with n keys, then `extra` if not NULL, then
 * '}'; *dup_col gets the column where `extra` starts. */
static char *many_keys(size_t n, const char *extra, size_t *dup_col)
{
    size_t cap = n * 24 + 64;
    char *s = malloc(cap);
    ck_assert_ptr_nonnull(s);
    size_t len = 0;
    s[len++] = '{';
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(s + len, cap - len, "%s\"k%zu\":%zu",
                                i ? "," : "", i, i);
    if (extra) {
        s[len++] = ',';
        *dup_col = len + 1;
        len += (size_t)snprintf(s + len, cap - len, "%s", extra);
    }
    s[len++] = '}';
    s[len] = '\0';
    return s;
}

/* 100k distinct keys parse quickly; a repeated key at the end is found. */
START_TEST(test_many_keys)
{
    bs_error err;
    bs_error_clear(&err);
    cJSON *out = NULL;
    size_t col = 0;
    char *s = many_keys(100000, NULL, &col);
    clock_t t0 = clock();
    ck_assert_int_eq(bs_json_parse(s, strlen(s), 0, &out, &err), BS_OK);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    ck_assert_msg(secs < 3.0, "100k keys took %.2f s", secs);
    ck_assert_int_eq(cJSON_GetArraySize(out), 100000);
    ck_assert_double_eq(cJSON_GetObjectItemCaseSensitive(out, "k99999")->valuedouble,
                        99999.0);
    cJSON_Delete(out);
    out = NULL;
    free(s);

    s = many_keys(100000, "\"k5\":0", &col);
    bs_error_clear(&err);
    ck_assert_int_eq(bs_json_parse(s, strlen(s), 0, &out, &err), BS_ERR_SYNTAX);
    ck_assert_ptr_null(out);
    char where[32];
    snprintf(where, sizeof where, "1:%zu", col);
    ck_assert_str_eq(err.where, where);
    /* {"k0":0 is 7 characters, then ,"k1":1 to ,"k4":4 are 4 x 7 = 28 more,
     * so the ',' before "k5" is column 36 and its quote column 37 */
    ck_assert_str_eq(err.message, "duplicate key \"k5\" (first defined at 1:37)");
    free(s);
}
END_TEST

/* ---------------------------------------------------------------------------
 * Buffers without a terminating NUL
 * ------------------------------------------------------------------------- */

/* Only `len` bytes are read: what follows them is ignored. */
START_TEST(test_len_excludes_tail)
{
    const char *buf = "[1, 2]garbage";
    bs_error err;
    bs_error_clear(&err);
    cJSON *out = NULL;
    ck_assert_int_eq(bs_json_parse(buf, 6, 0, &out, &err), BS_OK);
    ck_assert_int_eq(cJSON_GetArraySize(out), 2);
    ck_assert_double_eq(cJSON_GetArrayItem(out, 1)->valuedouble, 2.0);
    cJSON_Delete(out);
    out = NULL;

    ck_assert_int_eq(bs_json_parse(buf, 5, 0, &out, &err), BS_ERR_SYNTAX);
    ck_assert_ptr_null(out);
    ck_assert_str_eq(err.where, "1:6");
    ck_assert_ptr_nonnull(strstr(err.message, "(an array opened at 1:1 is not closed)"));

    const char *num = "12345";
    ck_assert_int_eq(bs_json_parse(num, 3, 0, &out, &err), BS_OK);
    ck_assert_double_eq(out->valuedouble, 123.0);
    cJSON_Delete(out);
}
END_TEST

/* Exact-size heap copies (no NUL after them), so that a sanitizer would
 * catch any read past the end. */
START_TEST(test_exact_buffers)
{
    static const struct {
        const char *text;
        bs_status status;
        const char *where;
    } cases[] = {
        {"{\"a\": \"b\"}", BS_OK, ""},
        {"123", BS_OK, ""},
        {"-1e5", BS_OK, ""},
        {"true", BS_OK, ""},
        {"\"\\ud83d\\ude00\"", BS_OK, ""},
        {"tru", BS_ERR_SYNTAX, "1:4"},
        {"\"abc", BS_ERR_SYNTAX, "1:5"},
        {"[1,", BS_ERR_SYNTAX, "1:4"},
        {"\"\\ud83d", BS_ERR_SYNTAX, "1:8"},
        {"1e", BS_ERR_SYNTAX, "1:1"},
        {"\"\xe2\x82", BS_ERR_SYNTAX, "1:2"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = strlen(cases[i].text);
        char *b = malloc(n);
        ck_assert_ptr_nonnull(b);
        memcpy(b, cases[i].text, n);
        bs_error err;
        bs_error_clear(&err);
        cJSON *out = NULL;
        bs_status st = bs_json_parse(b, n, 0, &out, &err);
        ck_assert_msg(st == cases[i].status, "case %zu: %s", i, err.message);
        ck_assert_str_eq(err.where, cases[i].where);
        if (st == BS_OK)
            ck_assert_ptr_nonnull(out);
        cJSON_Delete(out);
        free(b);
    }
}
END_TEST

/* ---------------------------------------------------------------------------
 * bs_read_file
 * ------------------------------------------------------------------------- */

/* Creates a temporary directory for file tests; `dir` gets its path. */
static void make_temp_dir(char *dir, size_t size)
{
    snprintf(dir, size, "/tmp/bs_json_test_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

/* Writes `n` bytes to dir/name; `path` gets the full path. */
static void write_file(const char *dir, const char *name, const char *bytes,
                       size_t n, char *path, size_t size)
{
    snprintf(path, size, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(bytes, 1, n, f), n);
    ck_assert_int_eq(fclose(f), 0);
}

START_TEST(test_read_round_trip)
{
    char dir[64], path[128];
    make_temp_dir(dir, sizeof dir);
    const char *text = "{\"a\": [1, 2]}\n";
    write_file(dir, "spec.json", text, 14, path, sizeof path);

    bs_error err;
    bs_error_clear(&err);
    char *data = NULL;
    size_t len = 0;
    ck_assert_int_eq(bs_read_file(path, 1024, &data, &len, &err), BS_OK);
    ck_assert_uint_eq(len, 14);
    ck_assert_ptr_nonnull(data);
    ck_assert_int_eq(memcmp(data, text, 14), 0);
    ck_assert_int_eq(data[14], '\0');
    ck_assert_str_eq(err.file, path);

    cJSON *out = NULL;
    ck_assert_int_eq(bs_json_parse(data, len, 0, &out, &err), BS_OK);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(out, "a")), 2);
    cJSON_Delete(out);
    free(data);

    /* exactly at the limit is fine */
    ck_assert_int_eq(bs_read_file(path, 14, &data, &len, &err), BS_OK);
    ck_assert_uint_eq(len, 14);
    free(data);

    /* an empty file reads as zero bytes */
    char empty[128];
    write_file(dir, "empty.json", "", 0, empty, sizeof empty);
    ck_assert_int_eq(bs_read_file(empty, 1024, &data, &len, &err), BS_OK);
    ck_assert_uint_eq(len, 0);
    ck_assert_int_eq(data[0], '\0');
    free(data);

    ck_assert_int_eq(unlink(path), 0);
    ck_assert_int_eq(unlink(empty), 0);
    ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

START_TEST(test_read_missing)
{
    char dir[64], path[128];
    make_temp_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/missing.json", dir);
    bs_error err;
    bs_error_clear(&err);
    char *data = (char *)&err;
    size_t len = 7;
    ck_assert_int_eq(bs_read_file(path, 1024, &data, &len, &err), BS_ERR_IO);
    ck_assert_int_eq(err.status, BS_ERR_IO);
    ck_assert_ptr_null(data);
    ck_assert_uint_eq(len, 0);
    ck_assert_str_eq(err.message, "no such file");
    ck_assert_str_eq(err.file, path);
    ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

START_TEST(test_read_directory)
{
    bs_error err;
    bs_error_clear(&err);
    char *data = NULL;
    size_t len = 0;
    ck_assert_int_eq(bs_read_file("/tmp", 1024, &data, &len, &err), BS_ERR_IO);
    ck_assert_ptr_null(data);
    ck_assert_str_eq(err.message, "is a directory, expected a spec file");
    ck_assert_str_eq(err.file, "/tmp");
}
END_TEST

START_TEST(test_read_too_large)
{
    char dir[64], path[128], bytes[100];
    make_temp_dir(dir, sizeof dir);
    memset(bytes, ' ', sizeof bytes);
    write_file(dir, "big.json", bytes, sizeof bytes, path, sizeof path);
    bs_error err;
    bs_error_clear(&err);
    char *data = NULL;
    size_t len = 0;
    ck_assert_int_eq(bs_read_file(path, 10, &data, &len, &err), BS_ERR_LIMIT);
    ck_assert_ptr_null(data);
    ck_assert_str_eq(err.message,
                     "the file is 100 bytes, more than the limit of 10 bytes "
                     "(raise it with --max-file-size)");
    ck_assert_str_eq(err.file, path);
    ck_assert_int_eq(bs_read_file(path, 99, &data, &len, &err), BS_ERR_LIMIT);
    ck_assert_ptr_nonnull(strstr(err.message, "the file is 100 bytes, more than "
                                              "the limit of 99 bytes"));
    ck_assert_int_eq(unlink(path), 0);
    ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

START_TEST(test_read_unreadable)
{
    if (geteuid() == 0)
        return; /* root reads anything: nothing to test */
    char dir[64], path[128];
    make_temp_dir(dir, sizeof dir);
    write_file(dir, "locked.json", "{}", 2, path, sizeof path);
    ck_assert_int_eq(chmod(path, 0), 0);
    bs_error err;
    bs_error_clear(&err);
    char *data = NULL;
    size_t len = 0;
    ck_assert_int_eq(bs_read_file(path, 1024, &data, &len, &err), BS_ERR_IO);
    ck_assert_ptr_null(data);
    ck_assert_ptr_nonnull(strstr(err.message, "Permission denied"));
    ck_assert_str_eq(err.file, path);
    ck_assert_int_eq(unlink(path), 0);
    ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

/* Runs bs_read_file("-") with a pipe holding `n` bytes as standard input,
 * then puts the real standard input back. */
static bs_status read_stdin_pipe(const char *bytes, size_t n, size_t max,
                                 char **data, size_t *len, bs_error *err)
{
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    ck_assert_int_eq((int)write(fds[1], bytes, n), (int)n);
    ck_assert_int_eq(close(fds[1]), 0);
    int saved = dup(0);
    ck_assert_int_ge(saved, 0);
    ck_assert_int_eq(dup2(fds[0], 0), 0);
    ck_assert_int_eq(close(fds[0]), 0);
    bs_status st = bs_read_file("-", max, data, len, err);
    char sink[256];
    while (fread(sink, 1, sizeof sink, stdin) > 0)
        ; /* drain what was left, so stdin's buffer is empty */
    clearerr(stdin);
    ck_assert_int_eq(dup2(saved, 0), 0);
    ck_assert_int_eq(close(saved), 0);
    return st;
}

START_TEST(test_read_stdin)
{
    char bytes[100];
    memset(bytes, ' ', sizeof bytes);
    memcpy(bytes, "[true]", 6);
    bs_error err;
    bs_error_clear(&err);
    char *data = NULL;
    size_t len = 0;
    ck_assert_int_eq(read_stdin_pipe(bytes, 100, 1000, &data, &len, &err), BS_OK);
    ck_assert_uint_eq(len, 100);
    ck_assert_int_eq(memcmp(data, "[true]  ", 8), 0);
    ck_assert_int_eq(data[100], '\0');
    ck_assert_str_eq(err.file, "<stdin>");
    free(data);
    data = NULL;

    /* a pipe's size is unknown beforehand: the limit is found while reading */
    bs_error_clear(&err);
    ck_assert_int_eq(read_stdin_pipe(bytes, 100, 10, &data, &len, &err),
                     BS_ERR_LIMIT);
    ck_assert_ptr_null(data);
    ck_assert_str_eq(err.file, "<stdin>");
    ck_assert_ptr_nonnull(strstr(err.message, "more than the limit of 10 bytes"));
    ck_assert_ptr_nonnull(strstr(err.message, "--max-file-size"));
}
END_TEST

Suite *json_suite(void);

Suite *json_suite(void)
{
    Suite *s = suite_create("json");

    TCase *tc = tcase_create("refused");
    tcase_add_loop_test(tc, test_bad_input, 0, N_BAD);
    tcase_add_test(tc, test_null_err);
    tcase_add_test(tc, test_long_number_overflow);
    suite_add_tcase(s, tc);

    tc = tcase_create("accepted");
    tcase_add_loop_test(tc, test_good_input, 0, N_GOOD);
    tcase_add_test(tc, test_values);
    tcase_add_test(tc, test_scalar_values);
    tcase_add_test(tc, test_len_excludes_tail);
    tcase_add_test(tc, test_exact_buffers);
    suite_add_tcase(s, tc);

    tc = tcase_create("limits");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_depth_limit);
    tcase_add_test(tc, test_depth_objects);
    tcase_add_test(tc, test_depth_huge);
    tcase_add_test(tc, test_many_keys);
    suite_add_tcase(s, tc);

    tc = tcase_create("read_file");
    tcase_add_test(tc, test_read_round_trip);
    tcase_add_test(tc, test_read_missing);
    tcase_add_test(tc, test_read_directory);
    tcase_add_test(tc, test_read_too_large);
    tcase_add_test(tc, test_read_unreadable);
    tcase_add_test(tc, test_read_stdin);
    suite_add_tcase(s, tc);
    return s;
}
