/* COM1 (I/O port 0x3F8), 115200 8N1, FIFO on, polled; no interrupts. */
#ifndef HV_SERIAL_H
#define HV_SERIAL_H

#include <stdbool.h>
#include <stddef.h>

/* Programs the UART. Returns false if no UART answers at COM1 (then output
 * is dropped and input never arrives, rather than hanging). */
bool serial_init(void);

/* Writes one byte, waiting for room; '\n' goes out as "\r\n". */
void serial_putc(char c);
void serial_write(const char *s, size_t n);

/* The next received byte, or -1 if none is waiting. */
int serial_getc_nonblock(void);

#endif
