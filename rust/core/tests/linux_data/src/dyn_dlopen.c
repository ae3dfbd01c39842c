/* dlopen at run time: libm.so.6 by name through the loader's search path,
 * a symbol looked up and called, and a missing library reported by
 * dlerror. */
#include <dlfcn.h>
#include <stdio.h>

int main(void)
{
    void *m = dlopen("libm.so.6", RTLD_NOW);
    if (!m) {
        printf("dlopen failed: %s\n", dlerror());
        return 1;
    }
    double (*cos_fn)(double) = (double (*)(double))dlsym(m, "cos");
    double (*pow_fn)(double, double) = (double (*)(double, double))dlsym(m, "pow");
    if (!cos_fn || !pow_fn) {
        printf("dlsym failed: %s\n", dlerror());
        return 1;
    }
    printf("cos(0)=%.3f pow(2,10)=%.0f cos(pi)=%.3f\n", cos_fn(0.0), pow_fn(2.0, 10.0), cos_fn(3.141592653589793));
    printf("dlclose=%d\n", dlclose(m));
    void *missing = dlopen("libvmjit-missing.so.1", RTLD_NOW);
    printf("missing: %s\n", missing ? "loaded?" : dlerror());
    return 0;
}
