/* A glibc program: stdio, malloc and realloc of large blocks (mmap and
 * mremap underneath), files and directories in argv[1], stdin, the
 * environment, qsort and floating-point formatting. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int cmp(const void *a, const void *b)
{
    return *(const int *)a - *(const int *)b;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    printf("argc=%d greeting=%s\n", argc, getenv("GREETING") ? getenv("GREETING") : "(none)");

    size_t n = 1 << 20;
    unsigned char *p = malloc(n);
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(i * 31);
    p = realloc(p, 8 * n);
    unsigned long sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += p[i];
    free(p);
    printf("big block sum=%lu\n", sum);

    int v[] = {5, 3, 9, 1, 7};
    qsort(v, 5, sizeof v[0], cmp);
    printf("sorted=%d,%d,%d,%d,%d pi=%.5f\n", v[0], v[1], v[2], v[3], v[4], 3.14159265);

    if (chdir(argv[1]) != 0) {
        perror("chdir");
        return 1;
    }
    FILE *f = fopen("note.txt", "w");
    fprintf(f, "line %d\n", 1);
    fprintf(f, "line %d\n", 2);
    fclose(f);
    struct stat st;
    stat("note.txt", &st);
    printf("file size=%ld\n", (long)st.st_size);
    f = fopen("note.txt", "r");
    char line[64];
    while (fgets(line, sizeof line, f))
        printf("read: %s", line);
    fclose(f);
    mkdir("subdir", 0755);
    DIR *d = opendir(".");
    int entries = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL)
        entries++;
    closedir(d);
    printf("entries=%d\n", entries);
    printf("missing: %s\n", fopen("missing", "r") == NULL && errno == ENOENT ? "ENOENT" : "?");
    unlink("note.txt");
    rmdir("subdir");

    size_t total = 0;
    while (fgets(line, sizeof line, stdin))
        total += strlen(line);
    printf("stdin bytes=%zu\n", total);

    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    printf("clock ok=%d\n", ts.tv_sec >= 0);
    fprintf(stderr, "done\n");
    return 5;
}
