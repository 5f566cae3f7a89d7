/* bs_files.c — a set of files written into a directory, each atomically. */
#define _XOPEN_SOURCE 700
#include "bs_files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bs_fileset *bs_fileset_create(void)
{
    return calloc(1, sizeof(bs_fileset));
}

void bs_fileset_free(bs_fileset *fs)
{
    if (!fs)
        return;
    for (size_t i = 0; i < fs->n; i++) {
        free(fs->files[i].path);
        free(fs->files[i].data);
    }
    free(fs->files);
    free(fs);
}

bs_status bs_fileset_add(bs_fileset *fs, const char *path, const char *data, size_t len,
                         bs_error *err)
{
    if (fs->n == fs->cap) {
        size_t cap = fs->cap ? 2 * fs->cap : 16;
        bs_file_out *f = realloc(fs->files, cap * sizeof *f);
        if (!f)
            return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
        fs->files = f;
        fs->cap = cap;
    }
    bs_file_out *f = &fs->files[fs->n];
    f->path = malloc(strlen(path) + 1);
    f->data = malloc(len + 1);
    if (!f->path || !f->data) {
        free(f->path);
        free(f->data);
        return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
    }
    strcpy(f->path, path);
    if (len)
        memcpy(f->data, data, len);
    f->data[len] = '\0';
    f->len = len;
    fs->n++;
    return BS_OK;
}

bs_dir_kind bs_dir_state(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return BS_DIR_MISSING;
    if (!S_ISDIR(st.st_mode))
        return BS_DIR_NOT_DIR;
    DIR *d = opendir(path);
    if (!d)
        return BS_DIR_FULL; /* unreadable: not known to be empty */
    bs_dir_kind k = BS_DIR_EMPTY;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            k = BS_DIR_FULL;
            break;
        }
    closedir(d);
    return k;
}

bs_status bs_mkdirs(const char *path, bs_error *err)
{
    size_t len = strlen(path);
    char *p = malloc(len + 1);
    if (!p)
        return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
    strcpy(p, path);
    for (size_t i = 1; i <= len; i++) {
        if (p[i] != '/' && p[i] != '\0')
            continue;
        char c = p[i];
        p[i] = '\0';
        struct stat st;
        if (stat(p, &st) != 0) {
            if (mkdir(p, 0777) != 0 && errno != EEXIST) {
                bs_status s = bs_error_set(err, BS_ERR_IO, NULL, "cannot create directory: %s",
                                           strerror(errno));
                bs_error_set_file(err, p);
                free(p);
                return s;
            }
        } else if (!S_ISDIR(st.st_mode)) {
            bs_status s = bs_error_set(err, BS_ERR_IO, NULL, "exists and is not a directory");
            bs_error_set_file(err, p);
            free(p);
            return s;
        }
        p[i] = c;
    }
    free(p);
    return BS_OK;
}

/* the last name of a path, after its last '/' */
static const char *last_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* the directory of a path: "." for "x", "/" for "/x", "a" for "a/x" */
static void dir_of(char *buf, size_t size, const char *path)
{
    const char *name = last_name(path);
    if (name == path)
        snprintf(buf, size, ".");
    else if (name - path == 1)
        snprintf(buf, size, "/");
    else
        snprintf(buf, size, "%.*s", (int)(name - path - 1), path);
}

int bs_same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    int ea = stat(a, &sa) == 0, eb = stat(b, &sb) == 0;
    if (ea || eb)
        return ea && eb && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    if (strcmp(last_name(a), last_name(b)) != 0)
        return 0;
    char da[1024], db[1024];
    dir_of(da, sizeof da, a);
    dir_of(db, sizeof db, b);
    if (strcmp(da, a) == 0 || strcmp(db, b) == 0)
        return 0; /* "." or "/" that does not exist */
    return bs_same_file(da, db);
}

int bs_remove_file(const char *path)
{
    if (unlink(path) != 0 && errno != ENOENT)
        return errno ? errno : EIO;
    return 0;
}

bs_status bs_refuse_input(const char *path, const bs_inputs *in, bs_error *err)
{
    struct stat so, si;
    /* only an existing regular file can be lost; writing to a FIFO or a
     * device destroys nothing */
    if (!in || stat(path, &so) != 0 || !S_ISREG(so.st_mode))
        return BS_OK;
    for (size_t i = 0; i < in->n; i++) {
        const char *p = in->paths[i];
        if (!p || stat(p, &si) != 0 || si.st_dev != so.st_dev || si.st_ino != so.st_ino)
            continue;
        if (strcmp(p, path) == 0)
            bs_error_set(err, BS_ERR_USAGE, NULL,
                         "is a file this command reads; refusing to write over it");
        else
            bs_error_set(err, BS_ERR_USAGE, NULL,
                         "is %s, a file this command reads; refusing to write over it", p);
        bs_error_set_file(err, path);
        return BS_ERR_USAGE;
    }
    return BS_OK;
}

/* The temporary file being written, for bs_files_remove_temporary: the name
 * is complete before `pending` is set and `pending` is cleared before the
 * name changes, so a signal handler sees either nothing or a whole name. */
static char pending_name[4352];
static volatile sig_atomic_t pending;

void bs_files_remove_temporary(void)
{
    if (pending)
        unlink(pending_name);
}

/* Flushes the directory holding `path` to disk, so that a rename in it
 * survives a crash; best effort (some file systems refuse). */
static void sync_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    int fd;
    if (!slash) {
        fd = open(".", O_RDONLY);
    } else if (slash == path) {
        fd = open("/", O_RDONLY);
    } else {
        size_t n = (size_t)(slash - path);
        char *dir = malloc(n + 1);
        if (!dir)
            return;
        memcpy(dir, path, n);
        dir[n] = '\0';
        fd = open(dir, O_RDONLY);
        free(dir);
    }
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

static bs_status write_fail(bs_error *err, const char *path, const char *what, int e)
{
    bs_error_set(err, e == ENOMEM ? BS_ERR_NOMEM : BS_ERR_IO, NULL, "%s: %s", what,
                 strerror(e ? e : EIO));
    bs_error_set_file(err, path);
    return err ? err->status : BS_ERR_IO;
}

/* Writes to an existing FIFO, terminal or device directly. */
static bs_status write_direct(const char *path, bs_emit_fn emit, const void *ctx,
                              bs_error *err)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return write_fail(err, path, "cannot open", errno);
    int e = emit(f, ctx);
    if (fclose(f) != 0 && !e)
        e = errno ? errno : EIO;
    return e ? write_fail(err, path, "cannot write", e) : BS_OK;
}

bs_status bs_write_atomic(const char *path, bs_emit_fn emit, const void *ctx,
                          const bs_inputs *in, bs_error *err)
{
    bs_status st = bs_refuse_input(path, in, err);
    if (st != BS_OK)
        return st;
    struct stat so;
    int exists = stat(path, &so) == 0; /* follows a symbolic link */
    if (exists && S_ISDIR(so.st_mode)) {
        bs_error_set(err, BS_ERR_IO, NULL, "is a directory, expected a file");
        bs_error_set_file(err, path);
        return BS_ERR_IO;
    }
    if (exists && !S_ISREG(so.st_mode))
        return write_direct(path, emit, ctx, err);
    /* the file to replace: the target of a symbolic link, not the link */
    char *target = exists ? realpath(path, NULL) : NULL;
    const char *dest = target ? target : path;
    size_t len = strlen(dest);
    char *tmp = malloc(len + 32);
    if (!tmp) {
        free(target);
        return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
    }
    const char *slash = strrchr(dest, '/');
    size_t dirlen = slash ? (size_t)(slash - dest) + 1 : 0;
    memcpy(tmp, dest, dirlen);
    /* mkstemp's template: ".backstep-" and six 'X' it replaces */
    strcpy(tmp + dirlen, ".backstep-");
    memset(tmp + dirlen + 10, 'X', 6);
    tmp[dirlen + 16] = '\0';
    /* the temporary file is created and its name recorded with SIGINT,
     * SIGTERM and SIGHUP held back, so that no handler runs in between */
    sigset_t hold, saved;
    sigemptyset(&hold);
    sigaddset(&hold, SIGINT);
    sigaddset(&hold, SIGTERM);
    sigaddset(&hold, SIGHUP);
    sigprocmask(SIG_BLOCK, &hold, &saved);
    pending = 0;
    int fd = mkstemp(tmp);
    int e = fd < 0 ? errno : 0;
    if (fd >= 0 && strlen(tmp) < sizeof pending_name) {
        strcpy(pending_name, tmp);
        pending = 1;
    }
    sigprocmask(SIG_SETMASK, &saved, NULL);
    if (fd < 0) {
        free(tmp);
        free(target);
        return write_fail(err, path, "cannot create a temporary file beside it", e);
    }
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, exists ? (so.st_mode & 07777) : (0666 & ~mask)) != 0) {
        /* the default mode of mkstemp (0600) is kept */
    }
    FILE *f = fdopen(fd, "w");
    e = f ? emit(f, ctx) : errno;
    if (!f)
        close(fd);
    if (f && !e && (fflush(f) != 0 || ferror(f)))
        e = errno ? errno : EIO;
    if (f && !e && fsync(fileno(f)) != 0 && errno != EINVAL && errno != ENOTSUP)
        e = errno;
    if (f && fclose(f) != 0 && !e)
        e = errno ? errno : EIO;
    if (!e && rename(tmp, dest) != 0)
        e = errno;
    if (e)
        unlink(tmp);
    pending = 0;
    if (!e)
        sync_dir(dest);
    free(tmp);
    free(target);
    return e ? write_fail(err, path, "cannot write", e) : BS_OK;
}

typedef struct bytes {
    const char *data;
    size_t len;
} bytes;

static int emit_bytes(FILE *f, const void *ctx)
{
    const bytes *b = ctx;
    errno = 0;
    if (b->len && fwrite(b->data, 1, b->len, f) != b->len)
        return errno ? errno : EIO;
    return 0;
}

bs_status bs_write_atomic_bytes(const char *path, const char *data, size_t len,
                                const bs_inputs *in, bs_error *err)
{
    bytes b = {data, len};
    return bs_write_atomic(path, emit_bytes, &b, in, err);
}

/* The path of file `f` of a set written under `dir`; NULL when out of
 * memory (then err is set). */
static char *fileset_path(const char *dir, const bs_file_out *f, bs_error *err)
{
    size_t len = strlen(dir) + strlen(f->path) + 2;
    char *full = malloc(len);
    if (!full)
        bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
    else
        snprintf(full, len, "%s/%s", dir, f->path);
    return full;
}

bs_status bs_fileset_refuse_inputs(const bs_fileset *fs, const char *dir, const bs_inputs *in,
                                   bs_error *err)
{
    for (size_t i = 0; i < fs->n; i++) {
        char *full = fileset_path(dir, &fs->files[i], err);
        if (!full)
            return BS_ERR_NOMEM;
        bs_status st = bs_refuse_input(full, in, err);
        free(full);
        if (st != BS_OK)
            return st;
    }
    return BS_OK;
}

bs_status bs_write_under(const char *dir, const char *rel, const char *data, size_t len,
                         const bs_inputs *in, bs_error *err)
{
    /* "" + "/" + rel would be rel under the root directory */
    if (!dir[0])
        return bs_error_set(err, BS_ERR_USAGE, NULL, "empty directory name");
    size_t n = strlen(dir) + strlen(rel) + 2;
    char *full = malloc(n);
    if (!full)
        return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
    snprintf(full, n, "%s/%s", dir, rel);
    char *slash = strrchr(full, '/');
    *slash = '\0';
    bs_error e;
    bs_error_clear(&e);
    bs_status st = bs_mkdirs(full, &e);
    *slash = '/';
    if (st == BS_ERR_NOMEM) {
        bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
    } else if (st != BS_OK) {
        bs_error_set(err, st, NULL, "cannot create its directory %s: %s", e.file, e.message);
        bs_error_set_file(err, full);
    } else {
        st = bs_write_atomic_bytes(full, data, len, in, err);
    }
    free(full);
    return st;
}

bs_status bs_fileset_write(const bs_fileset *fs, const char *dir, const bs_inputs *in,
                           bs_error *err)
{
    /* "" + "/" + a file's path would be that path under the root directory */
    if (!dir[0])
        return bs_error_set(err, BS_ERR_USAGE, NULL, "empty directory name");
    /* nothing is written when any file of the set would replace an input */
    bs_status cst = bs_fileset_refuse_inputs(fs, dir, in, err);
    if (cst != BS_OK)
        return cst;
    bs_status st = bs_mkdirs(dir, err);
    for (size_t i = 0; i < fs->n && st == BS_OK; i++) {
        const bs_file_out *f = &fs->files[i];
        char *full = fileset_path(dir, f, err);
        if (!full)
            return BS_ERR_NOMEM;
        char *slash = strrchr(full, '/');
        *slash = '\0';
        st = bs_mkdirs(full, err);
        *slash = '/';
        if (st == BS_OK)
            st = bs_write_atomic_bytes(full, f->data, f->len, in, err);
        free(full);
    }
    return st;
}
