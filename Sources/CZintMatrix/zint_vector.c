#include "zint_matrix.h"
#include <string.h>
#include <zint.h>

static void copy_error(char *error, int error_size, const char *text) {
    strncpy(error, text, error_size - 1);
    error[error_size - 1] = 0;
}

int loyalgate_zint_vector(int symbology, int option_1, const unsigned char *data, int length,
                          float *rectangles, int capacity, int *count, int *columns,
                          char *error, int error_size) {
    struct zint_symbol *symbol = ZBarcode_Create();
    if (!symbol) {
        copy_error(error, error_size, "libzint could not allocate a symbol");
        return ZINT_ERROR_MEMORY;
    }
    symbol->symbology = symbology;
    if (option_1) symbol->option_1 = option_1;
    /* The card's number is drawn by the design's own text element, in the shop's font. */
    symbol->show_hrt = 0;
    int status = ZBarcode_Encode(symbol, data, length);
    if (status < ZINT_ERROR) status = ZBarcode_Buffer_Vector(symbol, 0);
    if (status >= ZINT_ERROR || !symbol->vector) {
        copy_error(error, error_size, symbol->errtxt);
        ZBarcode_Delete(symbol);
        return status >= ZINT_ERROR ? status : ZINT_ERROR_MEMORY;
    }
    int n = 0;
    for (struct zint_vector_rect *rect = symbol->vector->rectangles; rect; rect = rect->next) {
        if (n < capacity) {
            rectangles[4 * n] = rect->x;
            rectangles[4 * n + 1] = rect->y;
            rectangles[4 * n + 2] = rect->width;
            rectangles[4 * n + 3] = rect->height;
        }
        n++;
    }
    *count = n;
    *columns = symbol->width;
    ZBarcode_Delete(symbol);
    if (n > capacity) {
        copy_error(error, error_size, "more rectangles than room for them");
        return ZINT_ERROR_MEMORY;
    }
    return 0;
}
