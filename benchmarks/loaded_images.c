// LD_PRELOAD shim for `gpu_session.sh images`: writes every image that the process hands to
// cuModuleLoadDataEx to $LOADED_IMAGES_DIR, then loads it as usual. Inside MLX's process NVRTC can
// compile a kernel to other machine code than the same inputs compiled anywhere else (register spills
// in session 16), so the image MLX loads is the only place to read what really runs.
//     cc -O2 -shared -fPIC -o loaded_images.so benchmarks/loaded_images.c -ldl
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

// The image's size: an ELF cubin ends with its section or program header table; PTX is a C string.
static size_t image_size(const void *image) {
  const Elf64_Ehdr *header = image;
  if (memcmp(header->e_ident, ELFMAG, SELFMAG) != 0) return strlen(image);
  size_t sections = header->e_shoff + (size_t)header->e_shnum * header->e_shentsize;
  size_t segments = header->e_phoff + (size_t)header->e_phnum * header->e_phentsize;
  return sections > segments ? sections : segments;
}

static void write_image(const void *image) {
  static int count;
  const char *dir = getenv("LOADED_IMAGES_DIR");
  if (!dir) return;
  const int elf = memcmp(image, ELFMAG, SELFMAG) == 0;
  char path[4096];
  snprintf(path, sizeof path, "%s/image_%d_%03d.%s", dir, (int)getpid(), count++, elf ? "cubin" : "ptx");
  FILE *file = fopen(path, "wb");
  if (!file) return;
  fwrite(image, 1, image_size(image), file);
  fclose(file);
}

CUresult cuModuleLoadDataEx(CUmodule *module, const void *image, unsigned n, CUjit_option *options, void **values) {
  static CUresult (*load)(CUmodule *, const void *, unsigned, CUjit_option *, void **);
  if (!load) load = dlsym(RTLD_NEXT, "cuModuleLoadDataEx");
  // Python loads MLX, and libcuda with it, with RTLD_LOCAL: then only the library handle finds it.
  if (!load) load = dlsym(dlopen("libcuda.so.1", RTLD_NOW | RTLD_NOLOAD), "cuModuleLoadDataEx");
  write_image(image);
  return load(module, image, n, options, values);
}
