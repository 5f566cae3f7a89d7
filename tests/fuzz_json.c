/* fuzz_json.c — libFuzzer target for the strict JSON reader alone, with the
 * default nesting limit, on inputs of any size. */
#include <stddef.h>
#include <stdint.h>

#include "bs_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cJSON *root = NULL;
    bs_error err;
    if (bs_json_parse((const char *)data, size, BS_JSON_DEFAULT_MAX_DEPTH, &root, &err) ==
        BS_OK)
        cJSON_Delete(root);
    return 0;
}
