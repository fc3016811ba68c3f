/* output.c — see output.h. */
#include "support/output.h"
#include "support/diag.h"
#include "support/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { MAX_LINKS = 40 }; /* as the kernel's ELOOP limit */

static void report(const char *path, int err)
{
    if (strcmp(path, "-") == 0)
        diag_plain("cannot write to standard output: %s", strerror(err ? err : EIO));
    else
        diag_plain("cannot write '%s': %s", path, strerror(err ? err : EIO));
}

/* The file PATH leads to through symbolic links in its last component:
 * a fresh string, and its lstat in *st (st->st_mode 0 when it does not
 * exist). NULL with errno on failure (ELOOP, or lstat's error). */
static char *follow_links(const char *path, struct stat *st)
{
    char *cur = xstrdup(path);
    for (int hops = 0;; hops++) {
        if (lstat(cur, st) != 0) {
            if (errno == ENOENT) {
                memset(st, 0, sizeof *st);
                return cur;
            }
            int e = errno;
            free(cur);
            errno = e;
            return NULL;
        }
        if (!S_ISLNK(st->st_mode))
            return cur;
        if (hops == MAX_LINKS) {
            free(cur);
            errno = ELOOP;
            return NULL;
        }
        size_t cap = (size_t)st->st_size + 1;
        if (cap < 2 || cap > PATH_MAX)
            cap = PATH_MAX;
        char *link = xmalloc(cap + 1);
        ssize_t n = readlink(cur, link, cap);
        if (n < 0) {
            int e = errno;
            free(link);
            free(cur);
            errno = e;
            return NULL;
        }
        link[n] = 0;
        char *next;
        const char *slash = strrchr(cur, '/');
        if (link[0] == '/' || !slash) {
            next = link;
        } else { /* relative to the directory holding the link */
            size_t dl = (size_t)(slash - cur) + 1;
            next = xmalloc(dl + (size_t)n + 1);
            memcpy(next, cur, dl);
            memcpy(next + dl, link, (size_t)n + 1);
            free(link);
        }
        free(cur);
        cur = next;
    }
}

static void clear(OutFile *o)
{
    free(o->path);
    free(o->target);
    free(o->tmp);
    memset(o, 0, sizeof *o);
}

bool out_open(OutFile *o, const char *path)
{
    memset(o, 0, sizeof *o);
    o->path = xstrdup(path);
    if (strcmp(path, "-") == 0) {
        o->fp = stdout;
        o->is_stdout = true;
        return true;
    }
    struct stat st;
    char *target = follow_links(path, &st);
    if (!target) {
        report(path, errno);
        clear(o);
        return false;
    }
    if (S_ISDIR(st.st_mode)) {
        free(target);
        report(path, EISDIR);
        clear(o);
        return false;
    }
    if (st.st_mode != 0 && !S_ISREG(st.st_mode)) {
        /* a device, FIFO or socket: write it as it is, never replace it */
        int fd = open(target, O_WRONLY | O_NOCTTY | O_CLOEXEC);
        free(target);
        if (fd < 0 || !(o->fp = fdopen(fd, "w"))) {
            int e = errno;
            if (fd >= 0)
                close(fd);
            report(path, e);
            clear(o);
            return false;
        }
        return true;
    }
    o->target = target;
    size_t n = strlen(target) + 16;
    o->tmp = xmalloc(n);
    snprintf(o->tmp, n, "%s.tmpXXXXXX", target);
    int fd = mkstemp(o->tmp);
    if (fd < 0) {
        report(path, errno);
        clear(o);
        return false;
    }
    /* mkstemp creates the file 0600: a new file gets the mode a plain fopen
     * would give it (0666 less the umask), a replaced file keeps its own */
    mode_t mode;
    if (st.st_mode != 0) {
        mode = st.st_mode & 07777;
        if (fchown(fd, st.st_uid, st.st_gid) != 0)
            mode &= 0777; /* no set-id bits on a file we could not give back */
    } else {
        mode_t mask = umask(0);
        umask(mask);
        mode = 0666 & ~mask;
    }
    if (fchmod(fd, mode) != 0 || !(o->fp = fdopen(fd, "w"))) {
        int e = errno;
        close(fd);
        unlink(o->tmp);
        report(path, e);
        clear(o);
        return false;
    }
    return true;
}

/* Flushes and checks fp; the error number, 0 when all was written. */
static int flush_error(FILE *fp)
{
    errno = 0;
    if (fflush(fp) != 0)
        return errno ? errno : EIO;
    if (ferror(fp))
        return errno ? errno : EIO;
    return 0;
}

bool out_commit(OutFile *o)
{
    if (!o->fp)
        return false;
    int err = flush_error(o->fp);
    if (o->is_stdout) {
        if (err) {
            report("-", err);
            clearerr(stdout); /* reported once, not again at exit */
        }
        clear(o);
        return err == 0;
    }
    if (fclose(o->fp) != 0 && !err)
        err = errno ? errno : EIO;
    o->fp = NULL;
    if (!err && o->tmp && rename(o->tmp, o->target) != 0)
        err = errno;
    if (err && o->tmp)
        unlink(o->tmp);
    if (err)
        report(o->path, err);
    clear(o);
    return err == 0;
}

void out_abort(OutFile *o)
{
    if (o->fp && !o->is_stdout)
        fclose(o->fp);
    if (o->tmp)
        unlink(o->tmp);
    clear(o);
}

static void check_stdout_at_exit(void)
{
    int err = flush_error(stdout);
    if (err) {
        report("-", err);
        fflush(stderr);
        _exit(1);
    }
}

void out_guard_stdout(void)
{
    signal(SIGPIPE, SIG_IGN);
    atexit(check_stdout_at_exit);
}
