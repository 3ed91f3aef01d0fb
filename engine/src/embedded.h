/* Files compiled into merit at build time (cmake/embed.cmake): the XML
 * schemas and the shipped rubrics. Static data; nothing to free. */
#ifndef MERIT_EMBEDDED_H
#define MERIT_EMBEDDED_H

#include <stddef.h>

struct merit_embedded_file {
    const char *name; /* base name without extension: "rubric", "nih" */
    const unsigned char *bytes;
    size_t size;
};

/* Each table ends with an entry whose name is NULL. */
extern const struct merit_embedded_file merit__embedded_schemas[];
extern const struct merit_embedded_file merit__embedded_rubrics[];

#endif
