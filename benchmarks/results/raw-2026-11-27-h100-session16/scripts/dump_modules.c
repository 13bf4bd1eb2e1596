// LD_PRELOAD shim: writes every image that the process hands to cuModuleLoadDataEx to $DUMP_MODULES_DIR,
// then loads it as usual. For session 16: the machine code MLX's custom kernels actually run.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef int CUresult;
typedef void *CUmodule;
typedef int CUjit_option;

static void dump(const void *image) {
  static int counter;
  const char *dir = getenv("DUMP_MODULES_DIR");
  if (!dir) return;
  const Elf64_Ehdr *h = image;
  int elf = memcmp(h->e_ident, ELFMAG, SELFMAG) == 0;
  size_t size = strlen(image);
  if (elf) {
    size_t sections = h->e_shoff + (size_t)h->e_shnum * h->e_shentsize;
    size_t segments = h->e_phoff + (size_t)h->e_phnum * h->e_phentsize;
    size = sections > segments ? sections : segments;
  }
  char path[4096];
  snprintf(path, sizeof path, "%s/module_%d_%03d.%s", dir, (int)getpid(), counter++, elf ? "cubin" : "ptx");
  FILE *f = fopen(path, "wb");
  if (f) { fwrite(image, 1, size, f); fclose(f); }
}

CUresult cuModuleLoadDataEx(CUmodule *module, const void *image, unsigned n, CUjit_option *options, void **values) {
  static CUresult (*real)(CUmodule *, const void *, unsigned, CUjit_option *, void **);
  if (!real) real = dlsym(RTLD_NEXT, "cuModuleLoadDataEx");
  if (!real) real = dlsym(dlopen("libcuda.so.1", RTLD_NOW | RTLD_NOLOAD), "cuModuleLoadDataEx");
  dump(image);
  return real(module, image, n, options, values);
}
