/* bs_files.c — a set of files written into a directory, each atomically. */
#define _XOPEN_SOURCE 700
#include "bs_files.h"

#include <dirent.h>
#include <errno.h>
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

bs_status bs_write_atomic(const char *path, const char *data, size_t len, bs_error *err)
{
    struct stat so;
    int exists = stat(path, &so) == 0;
    if (exists && S_ISDIR(so.st_mode)) {
        bs_error_set(err, BS_ERR_IO, NULL, "is a directory, expected a file");
        bs_error_set_file(err, path);
        return BS_ERR_IO;
    }
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 32);
    if (!tmp)
        return bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
    memcpy(tmp, path, dirlen);
    /* mkstemp's template: ".backstep-" and six 'X' it replaces */
    strcpy(tmp + dirlen, ".backstep-");
    memset(tmp + dirlen + 10, 'X', 6);
    tmp[dirlen + 16] = '\0';
    int fd = mkstemp(tmp);
    if (fd < 0) {
        bs_error_set(err, BS_ERR_IO, NULL, "cannot create a temporary file beside it: %s",
                     strerror(errno));
        bs_error_set_file(err, path);
        free(tmp);
        return BS_ERR_IO;
    }
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, exists ? (so.st_mode & 07777) : (0666 & ~mask)) != 0) {
        /* the default mode of mkstemp (0600) is kept */
    }
    int e = 0;
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(fd, data + done, len - done);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            e = errno;
            break;
        }
        done += (size_t)w;
    }
    if (close(fd) != 0 && !e)
        e = errno;
    if (!e && rename(tmp, path) != 0)
        e = errno;
    if (e) {
        unlink(tmp);
        free(tmp);
        bs_error_set(err, BS_ERR_IO, NULL, "cannot write: %s", strerror(e));
        bs_error_set_file(err, path);
        return BS_ERR_IO;
    }
    free(tmp);
    return BS_OK;
}

bs_status bs_write_under(const char *dir, const char *rel, const char *data, size_t len,
                         bs_error *err)
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
    if (st == BS_ERR_NOMEM)
        bs_error_set(err, BS_ERR_NOMEM, NULL, "out of memory");
    else if (st != BS_OK) {
        bs_error_set(err, st, NULL, "cannot create its directory %s: %s", e.file, e.message);
        bs_error_set_file(err, full);
    } else {
        st = bs_write_atomic(full, data, len, err);
    }
    free(full);
    return st;
}

bs_status bs_fileset_write(const bs_fileset *fs, const char *dir, bs_error *err)
{
    if (!dir[0])
        return bs_error_set(err, BS_ERR_USAGE, NULL, "empty directory name");
    bs_status st = bs_mkdirs(dir, err);
    for (size_t i = 0; i < fs->n && st == BS_OK; i++)
        st = bs_write_under(dir, fs->files[i].path, fs->files[i].data, fs->files[i].len, err);
    return st;
}
