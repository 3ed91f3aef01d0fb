/* The compiled-in schemas as text: see merit/schemas.h. */
#include <string.h>

#include "embedded.h"
#include "merit/schemas.h"

/* cmake/embed.cmake writes the schemas sorted by file name, so the names
 * come out sorted too. One more slot than there are schemas, for the NULL. */
#define MAX_SCHEMAS 16

const char *const *merit_schema_names(void)
{
    static const char *names[MAX_SCHEMAS + 1];
    if (names[0] == NULL) {
        size_t n = 0;
        for (const struct merit_embedded_file *f = merit__embedded_schemas;
             f->name != NULL && n < MAX_SCHEMAS; f++)
            names[n++] = f->name;
    }
    return names;
}

const unsigned char *merit_schema_text(const char *name, size_t *size_out)
{
    for (const struct merit_embedded_file *f = merit__embedded_schemas; f->name != NULL; f++)
        if (name != NULL && strcmp(f->name, name) == 0) {
            *size_out = f->size;
            return f->bytes;
        }
    *size_out = 0;
    return NULL;
}
