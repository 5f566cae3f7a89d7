/* bs_examples.c — finding and listing the shipped specs. */
#define _XOPEN_SOURCE 700
#include "bs_examples.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bs_json.h"
#include "bs_net.h"

#ifndef BS_SPECS_INSTALL_DIR
#define BS_SPECS_INSTALL_DIR "/usr/local/share/backstep/specs"
#endif
#ifndef BS_SPECS_SOURCE_DIR
#define BS_SPECS_SOURCE_DIR "specs"
#endif

/* the directories to search, in order; NULL entries are skipped */
static void dirs(const char *out[3])
{
    const char *env = getenv("BACKSTEP_SPECS_DIR");
    out[0] = env && env[0] ? env : NULL;
    out[1] = BS_SPECS_INSTALL_DIR;
    out[2] = BS_SPECS_SOURCE_DIR;
}

static int is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int bs_example_find(const char *name, char *buf, size_t size)
{
    if (!name || !name[0] || strchr(name, '/'))
        return -1;
    size_t len = strlen(name);
    int has_ext = len > 5 && strcmp(name + len - 5, ".json") == 0;
    const char *d[3];
    dirs(d);
    for (int i = 0; i < 3; i++) {
        if (!d[i])
            continue;
        int n = snprintf(buf, size, "%s/%s%s", d[i], name, has_ext ? "" : ".json");
        if (n > 0 && (size_t)n < size && is_file(buf))
            return 0;
    }
    return -1;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* which handout a spec follows (bs_handout_of), from its "convention" (row
 * when absent, as for a built network) and its "loss" */
static const char *handout_of(const cJSON *root)
{
    const cJSON *conv = cJSON_GetObjectItemCaseSensitive(root, "convention");
    const cJSON *loss = cJSON_GetObjectItemCaseSensitive(root, "loss");
    int column = cJSON_IsString(conv) && strcmp(conv->valuestring, "column") == 0;
    return bs_handout_of(column ? BS_COLUMN : BS_ROW,
                         cJSON_IsString(loss) ? loss->valuestring : NULL);
}

/* Writes the list line of the spec at `path`: only its JSON is read (the
 * layers, the name, the description), no network is built.  A spec that
 * cannot be read or has no list of layers is left out. */
static void list_one(bs_sink *s, const char *path, const char *shown)
{
    char *data = NULL;
    size_t len = 0;
    if (bs_read_file(path, bs_limits_default().max_file_bytes, &data, &len, NULL) != BS_OK)
        return;
    cJSON *root = cJSON_ParseWithLength(data, len);
    free(data);
    const cJSON *layers = cJSON_GetObjectItemCaseSensitive(root, "layers");
    if (cJSON_IsArray(layers)) {
        char text[64] = "";
        const cJSON *l;
        int first = 1;
        cJSON_ArrayForEach(l, layers)
        {
            size_t used = strlen(text);
            if (cJSON_IsNumber(l))
                snprintf(text + used, sizeof text - used, "%s%.0f", first ? "" : "-",
                         l->valuedouble);
            first = 0;
        }
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(root, "name");
        bs_sink_printf(s, "  %-28s %-16s %-7s %s\n", shown, text, handout_of(root),
                       cJSON_IsString(name) ? name->valuestring : "");
    }
    cJSON_Delete(root);
}

size_t bs_examples_list(bs_sink *s)
{
    const char *d[3];
    dirs(d);
    for (int i = 0; i < 3; i++) {
        if (!d[i])
            continue;
        DIR *dir = opendir(d[i]);
        if (!dir)
            continue;
        char **names = NULL;
        size_t n = 0, cap = 0;
        struct dirent *e;
        while ((e = readdir(dir))) {
            size_t len = strlen(e->d_name);
            if (len <= 5 || strcmp(e->d_name + len - 5, ".json") != 0)
                continue;
            /* only regular files: a FIFO or a device named *.json would
             * block or never end */
            char path[1024];
            int pn = snprintf(path, sizeof path, "%s/%s", d[i], e->d_name);
            if (pn < 0 || (size_t)pn >= sizeof path || !is_file(path))
                continue;
            if (n == cap) {
                size_t nc = cap ? 2 * cap : 16;
                char **nn = realloc(names, nc * sizeof *nn);
                if (!nn)
                    break;
                names = nn;
                cap = nc;
            }
            names[n] = malloc(len - 4);
            if (!names[n])
                break;
            memcpy(names[n], e->d_name, len - 5);
            names[n][len - 5] = '\0';
            n++;
        }
        closedir(dir);
        qsort(names, n, sizeof *names, by_name);
        bs_sink_printf(s, "shipped specs in %s:\n", d[i]);
        bs_sink_printf(s, "  %-28s %-16s %-7s %s\n", "name", "layers", "handout", "description");
        for (size_t k = 0; k < n; k++) {
            char path[1024];
            snprintf(path, sizeof path, "%s/%s.json", d[i], names[k]);
            list_one(s, path, names[k]);
            free(names[k]);
        }
        free(names);
        return n;
    }
    return 0;
}
