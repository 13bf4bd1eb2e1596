// LD_PRELOAD shim: records what the process hands NVRTC for each program whose source names qwen3_gqa
// (its file name, source, headers with their include names, then the compile options) to
// $DUMP_NVRTC_DIR/nvrtc_<pid>_<n>.txt, each part framed as "@@ <what> <bytes>\n<bytes>\n".
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef int nvrtcResult;
typedef void *nvrtcProgram;

static struct { nvrtcProgram prog; FILE *file; } open_programs[64];

// libnvrtc is a dependency of a library that Python loads with RTLD_LOCAL, out of RTLD_NEXT's reach.
static void *real_symbol(const char *name) {
  void *symbol = dlsym(RTLD_NEXT, name);
  if (symbol) return symbol;
  void *library = dlopen("libnvrtc.so.13", RTLD_NOW | RTLD_NOLOAD);
  return library ? dlsym(library, name) : NULL;
}

static void part(FILE *f, const char *what, const char *text) {
  fprintf(f, "@@ %s %zu\n", what, strlen(text));
  fwrite(text, 1, strlen(text), f);
  fputc('\n', f);
}

nvrtcResult nvrtcCreateProgram(nvrtcProgram *prog, const char *src, const char *name, int num_headers,
                               const char *const *headers, const char *const *include_names) {
  static nvrtcResult (*real)(nvrtcProgram *, const char *, const char *, int, const char *const *,
                             const char *const *);
  static int counter;
  if (!real) real = real_symbol("nvrtcCreateProgram");
  nvrtcResult result = real(prog, src, name, num_headers, headers, include_names);
  const char *dir = getenv("DUMP_NVRTC_DIR");
  if (!dir || !strstr(src, "qwen3_gqa")) return result;
  char path[4096];
  snprintf(path, sizeof path, "%s/nvrtc_%d_%03d.txt", dir, (int)getpid(), counter++);
  FILE *f = fopen(path, "w");
  if (!f) return result;
  part(f, "name", name ? name : "");
  part(f, "source", src);
  for (int i = 0; i < num_headers; i++) {
    part(f, "include_name", include_names[i]);
    part(f, "header", headers[i]);
  }
  fflush(f);
  for (int i = 0; i < 64; i++)
    if (!open_programs[i].file) { open_programs[i].prog = *prog; open_programs[i].file = f; break; }
  return result;
}

nvrtcResult nvrtcCompileProgram(nvrtcProgram prog, int num_options, const char *const *options) {
  static nvrtcResult (*real)(nvrtcProgram, int, const char *const *);
  if (!real) real = real_symbol("nvrtcCompileProgram");
  for (int i = 0; i < 64; i++) {
    if (open_programs[i].file && open_programs[i].prog == prog) {
      for (int j = 0; j < num_options; j++) part(open_programs[i].file, "option", options[j]);
      fclose(open_programs[i].file);
      open_programs[i].file = NULL;
    }
  }
  return real(prog, num_options, options);
}
