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

#endif
