/* merit schema [NAME]: prints a compiled-in XML schema. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "merit/schemas.h"

static void help(FILE *out)
{
    fprintf(out, "usage: merit schema [NAME]\n\n"
                 "Prints the XML schema (XSD) merit checks files of kind NAME with, byte for\n"
                 "byte as compiled into this merit, so that an editor can validate a file\n"
                 "while it is typed: merit schema sheet > sheet.xsd. Without NAME, lists\n"
                 "the schemas. The same files are installed under share/merit/schemas/.\n\n"
                 "names:");
    for (const char *const *n = merit_schema_names(); *n != NULL; n++)
        fprintf(out, " %s", *n);
    fprintf(out, "\n\nexit status: 0 printed, 2 usage (an unknown name)\n");
}

int cmd_schema(int argc, char **argv)
{
    const char *name = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (cli_is_help(a)) {
            help(stdout);
            return EXIT_CLEAN;
        } else if (a[0] == '-' && a[1] != '\0') {
            return cli_usage_error("schema: unknown option '%s'", a);
        } else if (name != NULL) {
            return cli_usage_error("schema: one schema at a time ('%s' and '%s')", name, a);
        } else {
            name = a;
        }
    }
    if (name == NULL) {
        for (const char *const *n = merit_schema_names(); *n != NULL; n++)
            printf("%s\n", *n);
        return EXIT_CLEAN;
    }
    size_t size;
    const unsigned char *text = merit_schema_text(name, &size);
    if (text == NULL) {
        char list[256] = "";
        size_t o = 0;
        for (const char *const *n = merit_schema_names(); *n != NULL && o < sizeof(list); n++)
            o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s", o ? ", " : "", *n);
        return cli_usage_error("schema: no schema named '%s' (there are: %s)", name, list);
    }
    fwrite(text, 1, size, stdout); /* main checks that it all arrived */
    return EXIT_CLEAN;
}
