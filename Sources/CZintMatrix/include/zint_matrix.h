#ifndef LOYALGATE_ZINT_MATRIX_H
#define LOYALGATE_ZINT_MATRIX_H

/* A symbol's modules from libzint, without exposing `struct zint_symbol` to Swift: Swift imports
 * its encoded_data[200][144] as a tuple of 28,800 elements, and the compiler then spends many
 * minutes on conformance checks for every access to the struct. */

/* Encodes `data` as `symbology` (zint's BARCODE_* number) and writes one byte per module
 * (1 = dark), row by row, into `modules` (room for `capacity`). Returns 0 and sets *rows and
 * *columns; otherwise returns zint's error code and copies its message into `error`. */
int loyalgate_zint_matrix(int symbology, int option_1, const unsigned char *data, int length,
                          unsigned char *modules, int capacity, int *rows, int *columns,
                          char *error, int error_size);

/* Encodes `data` as `symbology` without human-readable text and writes libzint's vector output,
 * its filled rectangles, as x, y, width, height (4 floats each, zint's units) into `rectangles`
 * (room for `capacity` rectangles). Returns 0 and sets *count and *columns (the symbol's width in
 * modules); returns zint's error code and copies its message into `error` otherwise. When there
 * are more than `capacity` rectangles, returns ZINT_ERROR_MEMORY with *count set to how many
 * there are, so the caller can ask again with room enough. Card barcodes are drawn from these
 * rectangles, receipt symbols from the module matrix above: both through this one binding. */
int loyalgate_zint_vector(int symbology, int option_1, const unsigned char *data, int length,
                          float *rectangles, int capacity, int *count, int *columns,
                          char *error, int error_size);

#endif
