#include "zint_matrix.h"
#include <string.h>
#include <zint.h>

int loyalgate_zint_matrix(int symbology, int option_1, const unsigned char *data, int length,
                          unsigned char *modules, int capacity, int *rows, int *columns,
                          char *error, int error_size) {
    struct zint_symbol *symbol = ZBarcode_Create();
    if (!symbol) {
        strncpy(error, "libzint could not allocate a symbol", error_size - 1);
        return ZINT_ERROR_MEMORY;
    }
    symbol->symbology = symbology;
    if (option_1) symbol->option_1 = option_1;
    int status = ZBarcode_Encode(symbol, data, length);
    if (status >= ZINT_ERROR) {
        strncpy(error, symbol->errtxt, error_size - 1);
        error[error_size - 1] = 0;
        ZBarcode_Delete(symbol);
        return status;
    }
    if (symbol->rows * symbol->width > capacity) {
        strncpy(error, "the symbol is too large", error_size - 1);
        ZBarcode_Delete(symbol);
        return ZINT_ERROR_TOO_LONG;
    }
    /* zint packs each row as bits: module x is bit (x & 7) of byte x >> 3 (module_is_set in
     * zint's common.h). */
    for (int y = 0; y < symbol->rows; y++)
        for (int x = 0; x < symbol->width; x++)
            modules[y * symbol->width + x] = (symbol->encoded_data[y][x >> 3] >> (x & 7)) & 1;
    *rows = symbol->rows;
    *columns = symbol->width;
    ZBarcode_Delete(symbol);
    return 0;
}
