// The PKCS#11 (Cryptoki) v2.40 API and the loading of a vendor's library with dlopen.
// Imported only by the PKCS11Signing module. pkcs11.h is vendored unchanged from p11-kit
// (its licence notice is at the top of the file; see README.md here): a drop-in
// implementation of the OASIS PKCS#11 v2.40 header, standard names by default.
#ifndef CPKCS11_SHIM_H
#define CPKCS11_SHIM_H
#include <dlfcn.h>
#include <stddef.h>
#include "pkcs11.h"

/// dlopen(path) and its C_GetFunctionList. Returns the function list, or NULL with `*error`
/// set to dlerror()'s text (or a fixed message) and nothing left open. `*handle` receives the
/// library handle on success; the library stays loaded for the life of the process.
static inline CK_FUNCTION_LIST_PTR cpkcs11_load(const char *path, void **handle, const char **error) {
    *handle = NULL;
    *error = NULL;
    // RTLD_NOW: an incomplete library fails here, not at the first signature.
    void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) { *error = dlerror(); return NULL; }
    CK_C_GetFunctionList get = (CK_C_GetFunctionList)dlsym(lib, "C_GetFunctionList");
    if (get == NULL) { *error = "the library exports no C_GetFunctionList"; dlclose(lib); return NULL; }
    CK_FUNCTION_LIST_PTR list = NULL;
    if (get(&list) != CKR_OK || list == NULL) { *error = "C_GetFunctionList failed"; dlclose(lib); return NULL; }
    *handle = lib;
    return list;
}
#endif
